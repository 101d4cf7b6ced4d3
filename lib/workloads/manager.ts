/**
 * The workload lifecycle the CLI (and later `thv serve`) calls: create, start, stop, remove, list and read
 * logs. A workload is its saved RunConfig, its proxy process (detached, recorded by PID and status file) and
 * its server on a backend. Every operation checks what is really there rather than trusting the files.
 * @module
 */
import type { Logger } from "../log.ts";
import type { RunConfig } from "../run_config.ts";
import { removeFileIfExists, RunConfigStore, SecretStore, type StatePaths, StatusStore } from "../state/mod.ts";

import type { WorkloadBackend } from "./backend.ts";
import { spawnDetached, waitUntilRunning } from "./detach.ts";
import { processAlive, signalProcess, waitUntilGone } from "./process.ts";
import { type RunningWorkload, runWorkload } from "./runner.ts";
import { type WorkloadState, workloadState } from "./state.ts";

/** What the lifecycle operations need from the edge. */
export interface WorkloadDeps {
  /** Where state lives. */
  readonly paths: StatePaths;
  /** The backend a RunConfig's server runs on; throws (saying what to do) when it cannot be had. */
  readonly backendFor: (config: RunConfig) => WorkloadBackend;
  /** The command line that runs thv itself, for the detached proxy. */
  readonly self: readonly string[];
  /** Global flags the detached proxy gets (e.g. `--debug`). */
  readonly flags?: readonly string[];
  /** Environment of the detached proxy. */
  readonly env?: Readonly<Record<string, string>>;
  /** Logger. */
  readonly log: Logger;
}

/** A workload as `thv list` shows it. */
export interface WorkloadSummary {
  /** Name. */
  readonly name: string;
  /** Image, or `npx://` package. */
  readonly image: string;
  /** Server transport. */
  readonly transport: string;
  /** Proxy URL. */
  readonly url: string;
  /** Proxy port. */
  readonly port: number;
  /** State, from what is really there. */
  readonly state: WorkloadState;
  /** Why, when it is not plainly running or stopped. */
  readonly reason: string;
  /** Proxy PID while it runs. */
  readonly pid?: number;
  /** Where the server runs. */
  readonly runtime: string;
}

/** A workload that is not there. */
export class WorkloadNotFoundError extends Error {
  override name = "WorkloadNotFoundError";
}

/** A workload that exists already. */
export class WorkloadConflictError extends Error {
  override name = "WorkloadConflictError";
}

const STOP_TIMEOUT_MS = 30_000;

/** The log file of a workload's proxy. */
export function proxyLogFile(paths: StatePaths, name: string): string {
  return `${paths.logs}/${name}.log`;
}

function stores(deps: WorkloadDeps) {
  return {
    configs: new RunConfigStore(deps.paths.runConfigs),
    statuses: new StatusStore(deps.paths),
    secrets: new SecretStore(deps.paths.secrets),
  };
}

/** The RunConfig with its secret references resolved into its environment: for the backend, never saved. */
async function withSecrets(deps: WorkloadDeps, config: RunConfig): Promise<RunConfig> {
  const env = await stores(deps).secrets.resolve(config.name, config.secrets);
  return Object.keys(env).length ? { ...config, env_vars: { ...config.env_vars, ...env } } : config;
}

async function loadConfig(deps: WorkloadDeps, name: string): Promise<RunConfig> {
  const config = await stores(deps).configs.load(name);
  if (!config) throw new WorkloadNotFoundError(`No workload named ${name}: see thv list -a`);
  return config;
}

/** The PID of the workload's proxy if it is alive, else undefined. */
async function livePid(deps: WorkloadDeps, name: string): Promise<number | undefined> {
  const { statuses } = stores(deps);
  const pid = (await statuses.readPid(name)) ?? (await statuses.load(name))?.process_id;
  return pid && (await processAlive(pid, ["start", name])) ? pid : undefined;
}

async function startDetachedProxy(deps: WorkloadDeps, config: RunConfig): Promise<{ url: string; warning: string }> {
  const logFile = proxyLogFile(deps.paths, config.name);
  const pid = await spawnDetached(config.name, {
    self: deps.self,
    logFile,
    ...(deps.flags ? { flags: deps.flags } : {}),
    ...(deps.env ? { env: deps.env } : {}),
  });
  try {
    return await waitUntilRunning(config.name, { pid, statuses: stores(deps).statuses, logFile });
  } catch (e) {
    if (signalProcess(pid, "SIGTERM")) await waitUntilGone(() => processAlive(pid), { timeoutMs: STOP_TIMEOUT_MS });
    throw e;
  }
}

/** Options of {@linkcode createWorkload}. */
export interface CreateOptions {
  /** Values of the secrets `config.secrets` refers to (by name); kept apart from the RunConfig. */
  readonly secrets?: Readonly<Record<string, string>>;
  /** Run the proxy in this process until `signal` aborts, instead of detached. */
  readonly foreground?: { readonly signal: AbortSignal };
}

/** The result of {@linkcode createWorkload}. */
export interface Created {
  /** The URL clients use. */
  readonly url: string;
  /** Set when the server did not answer by the time the URL was handed out. */
  readonly warning?: string;
  /** With `foreground`: resolves once the workload has stopped. */
  readonly finished?: Promise<void>;
}

/**
 * Creates and starts a new workload: saves its RunConfig (of two concurrent creations of one name, exactly
 * one wins), readies its server, starts its proxy and returns the URL. On failure nothing is left behind.
 */
export async function createWorkload(
  config: RunConfig,
  deps: WorkloadDeps,
  options: CreateOptions = {},
): Promise<Created> {
  const { configs, statuses, secrets } = stores(deps);
  deps.backendFor(config); // a runtime that is not there fails here, before anything is written
  if (!(await configs.create(config))) {
    throw new WorkloadConflictError(
      `A workload named ${config.name} exists already: start it with thv start ${config.name}, remove it with ` +
        `thv rm ${config.name}, or choose another --name`,
    );
  }
  // Only a server this call may have created is removed: not a foreign container, and not before the engine
  // has answered (asking a hung engine would hang).
  let mayHaveServer = false;
  let backend: WorkloadBackend | undefined;
  const undo = async () => {
    if (mayHaveServer) await backend?.remove().catch(() => {});
    await secrets.remove(config.name);
    await statuses.remove(config.name);
    await configs.remove(config.name);
    await removeFileIfExists(proxyLogFile(deps.paths, config.name));
  };
  try {
    if (options.secrets) await secrets.save(config.name, options.secrets);
    backend = deps.backendFor(await withSecrets(deps, config));
    await backend.prepare();
    if ((await backend.presence()) !== "missing" && backend.kind === "container") {
      throw new WorkloadConflictError(
        `A container named ${config.name} exists already, outside thv's records: remove it, or choose another --name`,
      );
    }
    mayHaveServer = true;
    if (options.foreground) {
      const run: RunningWorkload = await runWorkload(config, {
        backend,
        statuses,
        log: deps.log,
        signal: options.foreground.signal,
      });
      return run;
    }
    return await startDetachedProxy(deps, config);
  } catch (e) {
    await undo();
    throw e;
  }
}

/** The result of {@linkcode startWorkload}. */
export interface Started {
  /** The URL clients use. */
  readonly url: string;
  /** Set when the server did not answer by the time the URL was handed out. */
  readonly warning?: string;
  /** False when it was running already. */
  readonly started: boolean;
}

/** Starts a stopped workload's proxy (and so its server), detached; a running one is left as it is. */
export async function startWorkload(name: string, deps: WorkloadDeps): Promise<Started> {
  const config = await loadConfig(deps, name);
  if (await livePid(deps, name)) {
    const record = await stores(deps).statuses.load(name);
    return { url: record?.url || "", started: false };
  }
  const backend = deps.backendFor(config);
  await backend.prepare();
  return { ...(await startDetachedProxy(deps, config)), started: true };
}

/** Runs a saved workload's proxy in this process until `signal` aborts (`thv start <name> --foreground`). */
export async function runSavedWorkload(
  name: string,
  deps: WorkloadDeps,
  signal: AbortSignal,
): Promise<RunningWorkload> {
  const config = await loadConfig(deps, name);
  const pid = await livePid(deps, name);
  if (pid && pid !== Deno.pid) {
    throw new WorkloadConflictError(`Workload ${name} runs already (pid ${pid}): see thv list`);
  }
  return await runWorkload(config, {
    backend: deps.backendFor(await withSecrets(deps, config)),
    statuses: stores(deps).statuses,
    log: deps.log,
    signal,
  });
}

/** Stops a workload: its proxy (SIGTERM, then SIGKILL after 30 s) and its server; false when it was not running. */
export async function stopWorkload(name: string, deps: WorkloadDeps): Promise<boolean> {
  const config = await loadConfig(deps, name);
  const { statuses } = stores(deps);
  const pid = await livePid(deps, name);
  if (pid) {
    signalProcess(pid, "SIGTERM");
    const alive = () => processAlive(pid, ["start", name]);
    if (!(await waitUntilGone(alive, { timeoutMs: STOP_TIMEOUT_MS }))) {
      signalProcess(pid, "SIGKILL");
      await waitUntilGone(alive, { timeoutMs: 5000 });
    }
  }
  const backend = deps.backendFor(config);
  const server = await backend.presence();
  if (server === "running") await backend.stop();
  const record = await statuses.load(name);
  if (record && record.status !== "stopped") await statuses.record(name, { status: "stopped", status_context: "" });
  await statuses.removePid(name);
  return pid !== undefined || server === "running";
}

/** Removes a workload: stops it, then deletes its server, RunConfig, status, PID and logs. */
export async function removeWorkload(name: string, deps: WorkloadDeps): Promise<void> {
  const config = await loadConfig(deps, name);
  await stopWorkload(name, deps);
  await deps.backendFor(config).remove();
  const { configs, statuses, secrets } = stores(deps);
  await statuses.remove(name);
  await secrets.remove(name);
  await removeFileIfExists(proxyLogFile(deps.paths, name));
  await configs.remove(name);
}

async function health(url: string): Promise<boolean | undefined> {
  try {
    const response = await fetch(new URL("/health", url), { signal: AbortSignal.timeout(2000) });
    await response.body?.cancel();
    return response.status === 200 ? true : response.status === 503 ? false : undefined;
  } catch {
    return undefined;
  }
}

/** Every workload with its real state; stopped ones only with `all`. */
export async function listWorkloads(deps: WorkloadDeps, options: { all?: boolean } = {}): Promise<WorkloadSummary[]> {
  const { configs, statuses } = stores(deps);
  const summaries = await Promise.all(
    (await configs.names()).map(async (name): Promise<WorkloadSummary | undefined> => {
      const config = await configs.load(name).catch(() => undefined);
      if (!config) return undefined;
      const [record, pid] = await Promise.all([statuses.load(name), livePid(deps, name)]);
      let backend: WorkloadBackend | undefined;
      try {
        backend = deps.backendFor(config);
      } catch { /* its runtime is not available: the server cannot be running */ }
      const server = backend ? await backend.presence().catch(() => "missing" as const) : "missing";
      const url = record?.url || "";
      const healthy = pid && url ? await health(url) : undefined;
      const verdict = workloadState({
        ...(record ? { record } : {}),
        proxyAlive: pid !== undefined,
        server: backend?.kind === "sandbox" ? "n/a" : server,
        ...(healthy === undefined ? {} : { healthy }),
      });
      return {
        name,
        image: config.image,
        transport: config.transport,
        url,
        port: config.port,
        state: verdict.state,
        reason: verdict.reason,
        ...(pid ? { pid } : {}),
        runtime: backend?.kind ?? "unavailable",
      };
    }),
  );
  return summaries.filter((s): s is WorkloadSummary => s !== undefined && (options.all || s.state !== "stopped"));
}

/** The saved RunConfig of a workload. */
export function workloadConfig(name: string, deps: WorkloadDeps): Promise<RunConfig> {
  return loadConfig(deps, name);
}

/** The server's output (or, with `proxy`, the proxy's log) of a workload. */
export async function workloadLogs(
  name: string,
  deps: WorkloadDeps,
  options: { proxy?: boolean } = {},
): Promise<string> {
  const config = await loadConfig(deps, name);
  if (options.proxy) return await Deno.readTextFile(proxyLogFile(deps.paths, name)).catch(() => "");
  return await deps.backendFor(config).logs();
}
