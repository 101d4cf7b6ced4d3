/**
 * The {@linkcode Workloads} facade: the one entry to laptop workloads (and their groups) that `roles/cli` and `roles/serve` call.
 * It is built from a frozen {@linkcode WorkloadsConfig} and reports progress through an event sink, so it
 * never writes to the terminal; callers format its results.
 * @module
 */
import { serializeRunConfig } from "../run_config.ts";
import type { WorkloadDeps } from "./_deps.ts";
import { type BackendSource, runtimeBackends } from "./backends.ts";
import type { WorkloadChange, WorkloadEventSink, WorkloadsConfig } from "./config.ts";
import { kubernetesYaml } from "./export.ts";
import { groupMembers, groupStore, type RemovedGroup, removeGroup } from "./groups.ts";
import type { GroupRecord } from "../groups/mod.ts";
import { describeWorkload, listWorkloads, type WorkloadSummary } from "./list.ts";
import { followText } from "./log_follow.ts";
import {
  type Created,
  createWorkload,
  removeWorkload,
  runSavedWorkload,
  type Started,
  startWorkload,
  stopWorkload,
  workloadConfig,
  workloadLogs,
} from "./manager.ts";
import { type Plan, type PlanRequest, planWorkload } from "./plan.ts";

/** Options of {@linkcode Workloads.create}. */
export interface CreateWorkloadOptions {
  /** Gives up (and undoes everything) when it aborts before the workload runs; with `foreground`, stops it. */
  readonly signal?: AbortSignal;
  /** Runs the proxy in this process until `signal` aborts, instead of detached (needs `signal`). */
  readonly foreground?: boolean;
  /** Where this operation's events go (default: the config's sink). */
  readonly onEvent?: WorkloadEventSink;
}

/** Options of {@linkcode Workloads.start}. */
export interface StartWorkloadOptions {
  /** Runs the proxy in this process until this signal aborts, instead of detached. */
  readonly foreground?: AbortSignal;
  /** Where this operation's events go (default: the config's sink). */
  readonly onEvent?: WorkloadEventSink;
}

/** A started workload; `finished` resolves once a foreground one has stopped. */
export type StartedWorkload = Started & { readonly finished?: Promise<void> };

/** What `export` writes: the RunConfig (json), or the operator's MCPServer manifest (k8s). */
export type ExportFormat = "json" | "k8s";

/** The groups workloads are in (ToolHive's `thv group`); every name is checked, `default` always exists. */
export interface WorkloadGroups {
  /** Creates an empty group; a ConflictError when it exists. */
  create(name: string): Promise<GroupRecord>;
  /** Every group, sorted by name. */
  list(): Promise<GroupRecord[]>;
  /** A group; a NotFoundError when there is none. */
  get(name: string): Promise<GroupRecord>;
  /** The names of the workloads in a group (a NotFoundError when there is none), sorted. */
  members(name: string): Promise<string[]>;
  /** Removes a group: its workloads move to `default`, or with `withWorkloads` are removed. */
  remove(name: string, options?: { readonly withWorkloads?: boolean }): Promise<RemovedGroup>;
}

/** The laptop workloads: plan, create, start, stop, restart, remove, list, get, logs and export. */
export interface Workloads {
  /** Resolves what a caller asks to run into a RunConfig and its secrets; starts nothing. */
  plan(request: PlanRequest): Promise<Plan>;
  /** Saves and starts a planned workload; returns its URL (of two creations of one name, one wins). */
  create(plan: Plan, options?: CreateWorkloadOptions): Promise<Created>;
  /** Starts a saved workload (detached, or in this process with `foreground`); a running one stays as it is. */
  start(name: string, options?: StartWorkloadOptions): Promise<StartedWorkload>;
  /** Stops a workload's proxy and server; false when it was not running. */
  stop(name: string): Promise<boolean>;
  /** Stops a workload if it runs and starts it again, detached. */
  restart(name: string, options?: { readonly onEvent?: WorkloadEventSink }): Promise<Started>;
  /** Stops a workload and deletes its server, RunConfig, status and logs. */
  remove(name: string): Promise<void>;
  /** The workloads with their real state; stopped ones only with `all`; only one group's with `group`. */
  list(options?: { readonly all?: boolean; readonly group?: string }): Promise<WorkloadSummary[]>;
  /** One workload with its real state, as {@linkcode Workloads.list} shows it; a NotFoundError when there is none. */
  get(name: string): Promise<WorkloadSummary>;
  /** A workload's server output so far, or with `proxy` its proxy's log. */
  logs(name: string, options?: { readonly proxy?: boolean }): Promise<string>;
  /** The output of {@linkcode Workloads.logs}, then what comes, every `intervalMs` (default 300), until `signal` aborts. */
  followLogs(
    name: string,
    options: { readonly proxy?: boolean; readonly signal: AbortSignal; readonly intervalMs?: number },
  ): AsyncIterable<string>;
  /** A workload's RunConfig as JSON, or the manifests that run it under the operator. */
  export(name: string, options?: { readonly format?: ExportFormat }): Promise<string>;
  /** The groups. */
  readonly groups: WorkloadGroups;
}

const FOLLOW_INTERVAL_MS = 300;

/**
 * Builds the facade over `config`. `backends` is where servers run: the detected runtime unless a test gives
 * its own.
 * @example
 * ```ts
 * const workloads = createWorkloads(workloadsConfig({ ...settings }));
 * const plan = await workloads.plan({ server: "everything" });
 * const { url } = await workloads.create(plan);
 * ```
 */
export function createWorkloads(
  config: WorkloadsConfig,
  options: { readonly backends?: BackendSource } = {},
): Workloads {
  const backends = options.backends ?? runtimeBackends(config);
  const quiet: WorkloadEventSink = () => {};
  const deps = (onEvent = config.onEvent ?? quiet): WorkloadDeps => ({
    paths: config.paths,
    backendFor: (run) => backends.backendFor(run, onEvent),
    engine: () => backends.engine(),
    self: config.self,
    flags: config.proxyFlags,
    env: config.hostEnv,
    log: config.log,
  });
  // The hook never fails a lifecycle operation: what it could not do is a warning.
  const changed = async (change: WorkloadChange, onEvent = config.onEvent ?? quiet) => {
    try {
      await config.onChange?.(change);
    } catch (error) {
      onEvent({ kind: "warning", message: (error as Error).message });
    }
  };
  const started = async <T extends { readonly url: string }>(name: string, result: T, onEvent?: WorkloadEventSink) => {
    await changed({ kind: "started", name, url: result.url }, onEvent);
    return result;
  };
  return {
    plan: (request) => planWorkload(request, { deps: deps(), cwd: config.cwd }),
    async create(plan, options = {}) {
      if (options.foreground && !options.signal) {
        throw new TypeError("A foreground workload needs a signal that stops it: pass options.signal");
      }
      const created = await createWorkload(plan.config, deps(options.onEvent), {
        secrets: plan.secrets,
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.foreground && options.signal ? { foreground: { signal: options.signal } } : {}),
      });
      const name = plan.config.name;
      const finished = created.finished?.then(() => changed({ kind: "stopped", name }, options.onEvent));
      return await started(name, finished ? { ...created, finished } : created, options.onEvent);
    },
    async start(name, options = {}) {
      if (!options.foreground) {
        return await started(name, await startWorkload(name, deps(options.onEvent)), options.onEvent);
      }
      const run = await runSavedWorkload(name, deps(options.onEvent), { signal: options.foreground });
      // The entry goes when the proxy in this process stops (a detached proxy's `thv stop` says so too).
      const finished = run.finished.then(() => changed({ kind: "stopped", name }, options.onEvent));
      return await started(name, { url: run.url, started: true, finished }, options.onEvent);
    },
    async stop(name) {
      const stopped = await stopWorkload(name, deps());
      await changed({ kind: "stopped", name });
      return stopped;
    },
    async restart(name, options = {}) {
      const withEvents = deps(options.onEvent);
      await stopWorkload(name, withEvents);
      return await started(name, await startWorkload(name, withEvents), options.onEvent);
    },
    async remove(name) {
      await removeWorkload(name, deps());
      await changed({ kind: "stopped", name });
    },
    list: (options = {}) =>
      listWorkloads(deps(), {
        all: options.all ?? false,
        ...(options.group !== undefined ? { group: options.group } : {}),
      }),
    get: (name) => describeWorkload(deps(), name),
    logs: (name, options = {}) => workloadLogs(name, deps(), { proxy: options.proxy ?? false }),
    followLogs(name, options) {
      const read = () => workloadLogs(name, deps(), { proxy: options.proxy ?? false });
      return followText(read, { signal: options.signal, intervalMs: options.intervalMs ?? FOLLOW_INTERVAL_MS });
    },
    async export(name, options = {}) {
      const run = await workloadConfig(name, deps());
      return options.format === "k8s" ? kubernetesYaml(run) : serializeRunConfig(run);
    },
    groups: {
      create: (name) => groupStore(deps()).create(name),
      list: () => groupStore(deps()).list(),
      get: (name) => groupStore(deps()).get(name),
      members: (name) => groupMembers(name, deps()),
      remove: (name, options = {}) => removeGroup(name, deps(), { withWorkloads: options.withWorkloads ?? false }),
    },
  };
}
