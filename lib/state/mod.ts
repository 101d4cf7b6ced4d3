/**
 * The laptop tool's state on disk: where it lives, and how it is written.
 * @module
 */
export { createFileExclusive, readFileIfExists, removeFileIfExists, writeFileAtomic } from "./files.ts";
export { checkWorkloadName, type StatePaths, statePaths, WORKLOAD_NAME } from "./paths.ts";
export { type LockOptions, lockWorkload, WorkloadBusyError, type WorkloadLock } from "./locks.ts";
export { RunConfigStore } from "./run_configs.ts";
export { RECORDED_STATES, type RecordedState, StatusRecord, StatusStore } from "./statuses.ts";
export { parseSecretRef, SecretStore } from "./secrets.ts";
