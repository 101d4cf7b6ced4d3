/**
 * The proxy process of a workload (`thv start <name> --foreground`, which `thv run` starts detached): it
 * starts the server on its backend, serves the proxy in front of it, keeps the server running (a stdio
 * server is restarted by its backend, an HTTP server by {@linkcode superviseServer}), and records its PID and
 * state so that `thv list` and `thv stop` can find it. On the abort signal it stops the server and records
 * `stopped`.
 * @module
 */
import { ConflictError } from "../errors.ts";
import { DeadlineError, pollUntil } from "../async/mod.ts";
import type { Logger } from "../log.ts";
import { clientPath, type RunConfig } from "../run_config.ts";
import type { StatusStore } from "../state/mod.ts";
import { createProxy, type McpProxy, proxyConfigOf } from "../transport/mod.ts";
import type { WorkloadBackend } from "./backend.ts";
import { freeLoopbackPort } from "./ports.ts";
import { processAlive, processCommand, processInfo } from "./process.ts";
import { proxyHealth } from "./proxy_process.ts";
import { superviseServer } from "./supervisor.ts";
import { type HttpListener, requestLog, serve, withMiddleware } from "../http/mod.ts";
import { proxyChainOf, ProxyStateSlot } from "../middleware/mod.ts";

/** What the runner needs besides the RunConfig. */
export interface RunnerOptions {
  /** Where the server runs. */
  readonly backend: WorkloadBackend;
  /** Where the runner records its PID and state. */
  readonly statuses: StatusStore;
  /** Logger. */
  readonly log: Logger;
  /** Stops the workload. */
  readonly signal: AbortSignal;
  /** How long to wait for the server's first answer before handing out the URL anyway (default 30 s). */
  readonly readyTimeoutMs?: number;
  /** The environment snapshot the middleware chain reads secrets from (lib/middleware); default none. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** Polls the proxy's `/health` until it answers 200; false when `timeoutMs` passes (or `signal` aborts) first. */
async function untilHealthy(url: string, options: { timeoutMs: number; signal: AbortSignal }): Promise<boolean> {
  try {
    return await pollUntil(() => proxyHealth(url, 5000), {
      deadline: options.timeoutMs,
      signal: options.signal,
      interval: 100,
      what: `${url} to answer`,
    });
  } catch (e) {
    if (e instanceof DeadlineError || options.signal.aborted) return false;
    throw e;
  }
}

/** A running workload. */
export interface RunningWorkload {
  /** The URL clients use. */
  readonly url: string;
  /** Resolves once the workload has stopped (and `stopped` is recorded). */
  readonly finished: Promise<void>;
}

/** The path clients use for a workload's proxy. */
function proxyPath(config: RunConfig): string {
  return clientPath(config.transport, config.proxy_mode ? { proxyMode: config.proxy_mode } : {});
}

/** The URL of a workload's proxy. */
export function proxyUrl(config: RunConfig): string {
  const host = config.host === "0.0.0.0" ? "127.0.0.1" : config.host.includes(":") ? `[${config.host}]` : config.host;
  return `http://${host}:${config.port}${proxyPath(config)}`;
}

async function startProxy(config: RunConfig, options: RunnerOptions): Promise<McpProxy> {
  const { backend, log } = options;
  // The chain is built first: a config it refuses starts no server.
  const state = new ProxyStateSlot(); // the proxy's sessions and health, for telemetry
  const chain = await proxyChainOf(config, { log, env: options.env ?? {}, proxy: state });
  const middleware = chain ? { middleware: chain.middleware } : {};
  if (config.transport === "stdio") {
    const proxy = state.bind(
      createProxy({ ...proxyConfigOf(config, { stdio: backend.stdioConnector() }), ...middleware }, {
        log,
      }),
    );
    return { ...proxy, close: () => proxy.close().finally(() => chain?.close()) };
  }
  const hostPort = freeLoopbackPort();
  const supervised = await superviseServer(() => backend.startHttp(hostPort), {
    log,
    onRestart: (restarts) =>
      void options.statuses.record(config.name, { status: "running", restarts }).catch((e: Error) =>
        log.warn("Cannot record the restart", { error: e.message })
      ),
  });
  const proxy = state.bind(
    createProxy({ ...proxyConfigOf(config, { upstream: { port: hostPort } }), ...middleware }, { log }),
  );
  return {
    ...proxy,
    async close() {
      await proxy.close();
      await supervised.stop();
      await chain?.close();
    },
  };
}

/**
 * Makes this process the workload's proxy: its PID file is created exclusively (of two proxies starting at
 * once, one wins); a PID file left by a proxy that is gone, or naming a process that is no proxy of this
 * workload, is taken over.
 */
async function claimProxy(name: string, statuses: StatusStore): Promise<string> {
  const started = (await processInfo(Deno.pid))?.started ?? "";
  if (!(await statuses.createPid(name, Deno.pid))) {
    const other = await statuses.readPid(name);
    const record = await statuses.load(name);
    const otherStarted = record?.process_id === other ? record?.process_started : undefined;
    if (other && other !== Deno.pid && (await otherProxyRuns(name, other, otherStarted))) {
      throw new ConflictError(`Workload ${name} runs already (pid ${other}): see thv list`);
    }
    await statuses.writePid(name, Deno.pid);
  }
  return started;
}

/**
 * Whether process `pid`, named by the PID file, is a live proxy of workload `name`: by its recorded start
 * time, or (a proxy that has claimed the file and not yet recorded its start) by its command line.
 */
async function otherProxyRuns(name: string, pid: number, started: string | undefined): Promise<boolean> {
  if (started) return await processAlive(pid, started);
  if (!(await processAlive(pid))) return false;
  const command = await processCommand(pid);
  return command !== undefined && command.split(/\s+/).join(" ").includes(` start ${name} --foreground`);
}

/** The message of a failed listen, with what to do. */
function listenError(config: RunConfig, e: Error): Error {
  const taken = e instanceof Deno.errors.AddrInUse;
  return new Error(
    `Cannot listen on ${config.host}:${config.port}: ${e.message}: ` +
      (taken
        ? "another program has the port; stop it, or thv rm the workload and run it with another --proxy-port"
        : "check --host"),
    { cause: e },
  );
}

/** Runs the workload of `config` until the signal aborts; throws (after recording `error`) when it cannot start. */
export async function runWorkload(config: RunConfig, options: RunnerOptions): Promise<RunningWorkload> {
  const { statuses, log, signal } = options;
  const name = config.name;
  const started = await claimProxy(name, statuses);
  await statuses.record(name, {
    status: "starting",
    process_id: Deno.pid,
    process_started: started,
    status_context: "",
    restarts: 0,
  });
  let proxy: McpProxy | undefined;
  let server: HttpListener;
  try {
    await options.backend.prepare();
    proxy = await startProxy(config, options);
    const listening = Promise.withResolvers<void>();
    try {
      server = serve(
        { hostname: config.host, port: config.port, signal, log, onListen: () => listening.resolve() },
        withMiddleware(proxy.handler, requestLog({ log })),
      );
    } catch (e) {
      throw listenError(config, e as Error);
    }
    await listening.promise;
  } catch (e) {
    await proxy?.close().catch(() => {});
    await statuses.record(name, { status: "error", status_context: (e as Error).message });
    await statuses.removePid(name, Deno.pid);
    throw e;
  }
  // A stop that came while starting.
  if (signal.aborted) void server.shutdown();
  const url = proxyUrl(config);
  // The URL is handed out once the server answers through it (a stdio server starts behind the listener).
  const answering = await untilHealthy(url, { timeoutMs: options.readyTimeoutMs ?? 30_000, signal });
  const warning = answering || signal.aborted ? "" : "the server does not answer an MCP ping yet: see thv logs";
  if (!signal.aborted) await statuses.record(name, { status: "running", url, status_context: warning });
  log.info("Started workload", { name, url, runtime: options.backend.kind, ...(warning ? { warning } : {}) });
  const finished = server.finished.then(async () => {
    await statuses.record(name, { status: "stopping" });
    await proxy!.close();
    await statuses.record(name, { status: "stopped", status_context: "" });
    await statuses.removePid(name, Deno.pid);
    log.info("Stopped workload", { name });
  });
  return { url, finished };
}
