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
import { processAlive, processInfo, signalProcess, waitUntilGone } from "./process.ts";
import { freeLoopbackPort, type RunningWorkload, runWorkload } from "./runner.ts";
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

/** The recorded proxy of a workload: its PID, and its start time when the status file knows it. */
async function recordedProxy(deps: WorkloadDeps, name: string): Promise<{ pid: number; started?: string } | undefined> {
  const { statuses } = stores(deps);
  const record = await statuses.load(name);
  if (record?.status === "stopped") return undefined; // a proxy that stopped cleanly left nothing behind
  // The status file pairs the PID with the process's start time, which a PID file alone cannot prove: a PID
  // file that disagrees with it is stale or foreign.
  if (record?.process_id && record.process_started) return { pid: record.process_id, started: record.process_started };
  const pid = (await statuses.readPid(name)) ?? record?.process_id;
  return pid ? { pid } : undefined;
}

/** The PID of the workload's proxy if it is alive (and is that proxy, not a later process), else undefined. */
async function livePid(deps: WorkloadDeps, name: string): Promise<number | undefined> {
  const proxy = await recordedProxy(deps, name);
  return proxy && (await processAlive(proxy.pid, proxy.started)) ? proxy.pid : undefined;
}

/**
 * Ends a proxy: SIGTERM, SIGKILL after `timeoutMs`, then whatever is left of its process group (a sandboxed
 * server orphaned by a killed proxy). The group is signalled only when the PID is the proxy's, a zombie or free:
 * a PID that a later process took cannot lead our group any more.
 */
async function endProxy(proxy: { pid: number; started?: string }, timeoutMs: number): Promise<void> {
  if (proxy.pid === Deno.pid) return; // a foreground run's own process
  const alive = () => processAlive(proxy.pid, proxy.started);
  if (await alive()) {
    signalProcess(proxy.pid, "SIGTERM");
    if (!(await waitUntilGone(alive, { timeoutMs }))) {
      signalProcess(proxy.pid, "SIGKILL");
      await waitUntilGone(alive, { timeoutMs: 5000 });
    }
  }
  const info = await processInfo(proxy.pid);
  const ours = !info || info.zombie || (proxy.started !== undefined && info.started === proxy.started);
  if (ours) signalProcess(-proxy.pid, "SIGKILL");
}

async function startDetachedProxy(
  deps: WorkloadDeps,
  config: RunConfig,
  signal?: AbortSignal,
): Promise<{ url: string; warning: string }> {
  const logFile = proxyLogFile(deps.paths, config.name);
  const pid = await spawnDetached(config.name, {
    self: deps.self,
    logFile,
    ...(deps.flags ? { flags: deps.flags } : {}),
    ...(deps.env ? { env: deps.env } : {}),
  });
  try {
    return await waitUntilRunning(config.name, {
      pid,
      statuses: stores(deps).statuses,
      logFile,
      ...(signal ? { signal } : {}),
    });
  } catch (e) {
    await endProxy({ pid }, STOP_TIMEOUT_MS);
    throw e;
  }
}

/** Rejects as soon as `signal` aborts (the work itself may go on, and is undone by the caller). */
function abortable<T>(work: Promise<T>, signal: AbortSignal | undefined, what: string): Promise<T> {
  if (!signal) return work;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new Error(`Stopped while ${what}`));
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/**
 * The proxy port of a new workload: `wanted` when given and free (with `required`, an error when it is
 * taken), else a free loopback port that no saved workload has claimed.
 */
export async function pickProxyPort(
  deps: WorkloadDeps,
  wanted: number | undefined,
  options: { required?: boolean } = {},
): Promise<number> {
  const { configs } = stores(deps);
  const claimed = new Set<number>();
  for (const name of await configs.names()) {
    const saved = await configs.load(name).catch(() => undefined);
    if (saved) claimed.add(saved.port);
  }
  if (wanted !== undefined) {
    if (!claimed.has(wanted) && portFree(wanted)) return wanted;
    if (options.required) {
      throw new RangeError(
        `--proxy-port ${wanted} is taken${claimed.has(wanted) ? " by a saved workload" : ""}: choose another`,
      );
    }
  }
  for (let i = 0; i < 20; i++) {
    const port = freeLoopbackPort();
    if (!claimed.has(port)) return port;
  }
  throw new Error("Cannot find a free port for the proxy: give one with --proxy-port");
}

function portFree(port: number): boolean {
  try {
    Deno.listen({ hostname: "127.0.0.1", port }).close();
    return true;
  } catch {
    return false;
  }
}

/** Options of {@linkcode createWorkload}. */
export interface CreateOptions {
  /** Values of the secrets `config.secrets` refers to (by name); kept apart from the RunConfig. */
  readonly secrets?: Readonly<Record<string, string>>;
  /** Run the proxy in this process until `signal` aborts, instead of detached. */
  readonly foreground?: { readonly signal: AbortSignal };
  /** Gives up (and undoes everything) when it aborts before the workload runs, e.g. on Ctrl-C. */
  readonly signal?: AbortSignal;
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
    if (options.secrets && Object.keys(options.secrets).length) await secrets.save(config.name, options.secrets);
    backend = deps.backendFor(await withSecrets(deps, config));
    await abortable(backend.prepare(), options.signal, `preparing ${config.name}`);
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
    return await startDetachedProxy(deps, config, options.signal);
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
  const running = async () =>
    (await livePid(deps, name))
      ? { url: (await stores(deps).statuses.load(name))?.url || "", started: false }
      : undefined;
  const already = await running();
  if (already) return already;
  const left = await recordedProxy(deps, name);
  if (left) await endProxy(left, STOP_TIMEOUT_MS); // what a killed proxy left running
  const backend = deps.backendFor(config);
  await backend.prepare();
  try {
    return { ...(await startDetachedProxy(deps, config)), started: true };
  } catch (e) {
    const other = await running(); // another start won the race: that is not a failure
    if (other) return other;
    throw e;
  }
}

/** Runs a saved workload's proxy in this process until `signal` aborts (`thv start <name> --foreground`). */
export async function runSavedWorkload(
  name: string,
  deps: WorkloadDeps,
  options: { readonly signal: AbortSignal },
): Promise<RunningWorkload> {
  const config = await loadConfig(deps, name);
  // runWorkload claims the PID file exclusively: a second proxy of a running workload fails there.
  return await runWorkload(config, {
    backend: deps.backendFor(await withSecrets(deps, config)),
    statuses: stores(deps).statuses,
    log: deps.log,
    signal: options.signal,
  });
}

/** Stops a workload: its proxy (SIGTERM, then SIGKILL after 30 s) and its server; false when it was not running. */
export async function stopWorkload(name: string, deps: WorkloadDeps): Promise<boolean> {
  const config = await loadConfig(deps, name);
  const { statuses } = stores(deps);
  const pid = await livePid(deps, name);
  const proxy = await recordedProxy(deps, name);
  if (proxy) await endProxy(proxy, STOP_TIMEOUT_MS);
  let server = "unknown";
  const backend = runtimeBackend(deps, config);
  if (backend) {
    server = await backend.presence();
    if (server === "running") await backend.stop();
  }
  const record = await statuses.load(name);
  if (record && record.status !== "stopped") await statuses.record(name, { status: "stopped", status_context: "" });
  await statuses.removePid(name);
  return pid !== undefined || server === "running";
}

/**
 * The backend of `config` when its runtime is there; undefined (the runtime's error logged) when it is not,
 * so that stop and rm still clean up what thv itself keeps.
 */
function runtimeBackend(deps: WorkloadDeps, config: RunConfig): WorkloadBackend | undefined {
  try {
    return deps.backendFor(config);
  } catch (e) {
    deps.log.warn("The workload's runtime is not available: its server, if any, is left alone", {
      name: config.name,
      error: (e as Error).message,
    });
    return undefined;
  }
}

/** Removes a workload: stops it, then deletes its server, RunConfig, status, PID and logs. */
export async function removeWorkload(name: string, deps: WorkloadDeps): Promise<void> {
  const config = await loadConfig(deps, name);
  await stopWorkload(name, deps);
  await runtimeBackend(deps, config)?.remove();
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
