/**
 * Workload lifecycle shared by the CLI and `thv serve`.
 * @module
 */
export { type ForegroundOptions, type ForegroundRun, freeLoopbackPort, runInForeground } from "./foreground.ts";
