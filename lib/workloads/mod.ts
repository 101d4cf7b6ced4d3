/**
 * Workload lifecycle shared by the CLI and `thv serve`, behind the {@linkcode Workloads} facade (plan, create,
 * start, stop, restart, remove, list, logs, export): which backend runs a server, registry names and
 * permission profiles resolved into a RunConfig, the proxy process (runner), the detached start, and the
 * real state.
 * @module
 */
export {
  type CreateWorkloadOptions,
  createWorkloads,
  type ExportFormat,
  type StartedWorkload,
  type StartWorkloadOptions,
  type Workloads,
} from "./facade.ts";
export { type WorkloadEvent, type WorkloadEventSink, type WorkloadsConfig, workloadsConfig } from "./config.ts";
export type { BackendSource } from "./backends.ts";
export type { Plan, PlanRequest } from "./plan.ts";
export {
  containerBackend,
  labelledContainer,
  type RunningServer,
  type ServerHandle,
  type ServerPresence,
  type WorkloadBackend,
} from "./backend.ts";
export { sandboxBackend, type SandboxBackendOptions } from "./sandbox_backend.ts";
export { CappedLog, DEFAULT_SERVER_LOG_MAX_BYTES, parseLogMaxBytes } from "./capped_log.ts";
export { kubernetesManifests, kubernetesYaml } from "./export.ts";
export {
  proxyLogFile,
  sandboxFiles,
  WorkloadConflictError,
  type WorkloadDeps,
  WorkloadNotFoundError,
} from "./_deps.ts";
export {
  type Created,
  type CreateOptions,
  createWorkload,
  removeWorkload,
  runSavedWorkload,
  type Started,
  startWorkload,
  stopWorkload,
  workloadConfig,
  workloadLogs,
} from "./manager.ts";
export { listWorkloads, type WorkloadSummary } from "./list.ts";
export { freeLoopbackPort, pickProxyPort } from "./ports.ts";
export { proxyUrl, type RunningWorkload, runWorkload, WorkloadRunningError } from "./runner.ts";
export { type StateVerdict, type WorkloadState, workloadState } from "./state.ts";
export { superviseServer } from "./supervisor.ts";
export { nameFromImage, parseEnv, parseEnvFile, type PlannedRun, planRun, type RunRequest } from "./run_request.ts";
