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
  type WorkloadGroups,
  type Workloads,
} from "./facade.ts";
export type { RemovedGroup } from "./groups.ts";
export { type LaptopSettings, openLaptopWorkloads } from "./laptop.ts";
export { checkGroupName, DEFAULT_GROUP, type GroupRecord } from "../groups/mod.ts";
export {
  type WorkloadChange,
  type WorkloadChangeHook,
  type WorkloadEvent,
  type WorkloadEventSink,
  type WorkloadsConfig,
  workloadsConfig,
} from "./config.ts";
export type { BackendSource } from "./backends.ts";
export type { Plan, PlanRequest } from "./plan.ts";
export {
  containerBackend,
  type RunningServer,
  type ServerHandle,
  type ServerPresence,
  type WorkloadBackend,
} from "./backend.ts";
export { sandboxBackend, type SandboxBackendOptions } from "./sandbox_backend.ts";
export { DEFAULT_SERVER_LOG_MAX_BYTES, parseLogMaxBytes } from "./capped_log.ts";
export { kubernetesManifests } from "./export.ts";
export { type WorkloadDeps } from "./_deps.ts";
export { ConflictError, NotFoundError } from "../errors.ts";
// The operations under the facade, for tests that wire their own dependencies.
export { type Created, type CreateOptions, createWorkload, removeWorkload, type Started } from "./manager.ts";
export type { WorkloadSummary } from "./list.ts";
export { proxyUrl, type RunningWorkload, runWorkload } from "./runner.ts";
export type { StateVerdict, WorkloadState } from "./state.ts";
export { superviseServer } from "./supervisor.ts";
export { parseEnv } from "./run_request.ts";
export { parseToolsOverrideFile, readToolsOverrideFile, type ToolFields, toolFields } from "./tools.ts";
