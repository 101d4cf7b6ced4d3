/**
 * The laptop tool's state on disk: where it lives, and how it is written.
 * @module
 */
export { readFileIfExists, writeFileAtomic } from "./files.ts";
export { checkWorkloadName, type StatePaths, statePaths, WORKLOAD_NAME } from "./paths.ts";
export { RunConfigStore } from "./run_configs.ts";
