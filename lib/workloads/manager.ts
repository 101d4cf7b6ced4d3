/**
 * The workload lifecycle the CLI (and later `thv serve`) calls: create, start, stop, remove and read logs
 * (listing is in list.ts). A workload is its saved RunConfig, its proxy process (detached, recorded by PID and status file) and
 * its server on a backend. Every operation checks what is really there rather than trusting the files.
 * @module
 */
import { ConflictError } from "../errors.ts";
import type { RunConfig } from "../run_config.ts";
import { lockWorkload, removeFileIfExists } from "../state/mod.ts";
import { loadConfig, loadSaved, proxyLogFile, sandboxFiles, stores, withSecrets, type WorkloadDeps } from "./_deps.ts";
import { labelledContainer, type ServerHandle, type WorkloadBackend } from "./backend.ts";
import { endRecordedProxy, livePid, startDetachedProxy } from "./proxy_process.ts";
import { type RunningWorkload, runWorkload } from "./runner.ts";

/**
 * Runs `work` holding the lock of workload `name`, so that run, start, stop and rm of one name (from any
 * process) never interleave: each wins completely.
 */
async function locked<T>(deps: WorkloadDeps, name: string, work: () => Promise<T>, signal?: AbortSignal): Promise<T> {
  await using _lock = await lockWorkload(deps.paths.locks, name, signal ? { signal } : {});
  return await work();
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
  deps.backendFor(config); // a runtime that is not there fails here, before anything is written
  // Held until the workload runs (its proxy has recorded itself) or everything is undone.
  return await locked(deps, config.name, () => create(config, deps, options), options.signal);
}

async function create(config: RunConfig, deps: WorkloadDeps, options: CreateOptions): Promise<Created> {
  const { configs, statuses, secrets } = stores(deps);
  if (!(await configs.create(config))) {
    throw new ConflictError(
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
    const signal = options.signal;
    await abortable(backend.prepare(signal ? { signal } : {}), signal, `preparing ${config.name}`);
    if ((await backend.presence()) !== "missing" && backend.kind === "container") {
      throw new ConflictError(
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
        ...(deps.env ? { env: deps.env } : {}),
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
export function startWorkload(name: string, deps: WorkloadDeps): Promise<Started> {
  return locked(deps, name, () => start(name, deps));
}

async function start(name: string, deps: WorkloadDeps): Promise<Started> {
  const config = await loadConfig(deps, name);
  const running = async () =>
    (await livePid(deps, name))
      ? { url: (await stores(deps).statuses.load(name))?.url || "", started: false }
      : undefined;
  const already = await running();
  if (already) return already;
  await endRecordedProxy(deps, name); // what a killed proxy left running
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
    ...(deps.env ? { env: deps.env } : {}),
  });
}

/** Stops a workload: its proxy (SIGTERM, then SIGKILL after 30 s) and its server; false when it was not running. */
export function stopWorkload(name: string, deps: WorkloadDeps): Promise<boolean> {
  return locked(deps, name, async () => {
    const saved = await loadSaved(deps, name);
    return await stopSaved(name, deps, serverOf(deps, name, saved));
  });
}

async function stopSaved(name: string, deps: WorkloadDeps, server: ServerHandle | undefined): Promise<boolean> {
  const { statuses } = stores(deps);
  const proxyRan = await endRecordedProxy(deps, name);
  let presence = "unknown";
  if (server) {
    presence = await server.presence();
    if (presence === "running") await server.stop();
  }
  const record = await statuses.load(name);
  if (record && record.status !== "stopped") await statuses.record(name, { status: "stopped", status_context: "" });
  await statuses.removePid(name);
  return proxyRan || presence === "running";
}

/**
 * The server of a saved workload: from its backend when its RunConfig can be read and its runtime is there;
 * else what can be found by the name alone (the container by its thv labels, the sandbox's files). Undefined
 * (the runtime's error logged) when nothing can be asked, so that stop and rm still clean up thv's own files.
 */
function serverOf(
  deps: WorkloadDeps,
  name: string,
  saved: { readonly config: RunConfig } | { readonly broken: string },
): ServerHandle | undefined {
  try {
    return "config" in saved ? deps.backendFor(saved.config) : serverByName(deps, name);
  } catch (e) {
    deps.log.warn("The workload's runtime is not available: its server, if any, is left alone", {
      name,
      error: (e as Error).message,
    });
    return undefined;
  }
}

/** What of a workload's server can be found without its RunConfig: its container (given an engine), its sandbox files. */
function serverByName(deps: WorkloadDeps, name: string): ServerHandle {
  const docker = deps.engine?.();
  const container = docker ? labelledContainer(name, docker) : undefined;
  const files = sandboxFiles(deps.paths, name);
  // Best effort: the workload may never have had a container, so an engine that does not answer is no reason
  // to keep the rest; the warning says what may be left.
  const tryEngine = async <T>(work: () => Promise<T>, otherwise: T): Promise<T> => {
    try {
      return await work();
    } catch (e) {
      deps.log.warn("Cannot ask the engine for the workload's container: remove it by hand if there is one", {
        name,
        error: (e as Error).message,
      });
      return otherwise;
    }
  };
  return {
    presence: () => container ? tryEngine(() => container.presence(), "missing" as const) : Promise.resolve("missing"),
    stop: () => container ? tryEngine(() => container.stop(), undefined) : Promise.resolve(),
    async remove() {
      if (container) await tryEngine(() => container.remove(), undefined);
      await Deno.remove(files.workDir, { recursive: true }).catch((e) => {
        if (!(e instanceof Deno.errors.NotFound)) throw e;
      });
      await removeFileIfExists(files.logFile);
      await removeFileIfExists(`${files.logFile}.1`); // the rotated part (capped_log.ts)
    },
  };
}

/**
 * Removes a workload: stops it, then deletes its server, RunConfig, status, PID and logs. A RunConfig that
 * cannot be read does not stand in the way: the proxy is found through its status and PID files, the
 * container by its labels.
 */
export function removeWorkload(name: string, deps: WorkloadDeps): Promise<void> {
  return locked(deps, name, () => remove(name, deps));
}

async function remove(name: string, deps: WorkloadDeps): Promise<void> {
  const saved = await loadSaved(deps, name);
  const server = serverOf(deps, name, saved);
  await stopSaved(name, deps, server);
  await server?.remove();
  const { configs, statuses, secrets } = stores(deps);
  await statuses.remove(name);
  await secrets.remove(name);
  await removeFileIfExists(proxyLogFile(deps.paths, name));
  await configs.remove(name);
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
