/**
 * The proxy in front of a stdio MCP server: one HTTP listener with `/mcp` (streamable HTTP, see
 * {@linkcode StreamableFrontend}), `/sse` + `/messages` (legacy HTTP+SSE), `/health` and `/livez`.
 *
 * Isolation `shared` (the default) runs one server process for every session, through the
 * {@linkcode Multiplexer}: at most `maxSessions` sessions at once (further ones are refused with 503).
 * Isolation `session` runs one process per client session: at most `maxProcesses` at once (further
 * sessions are refused with 503), each stopped when its session ends or idles out.
 *
 * Every buffer is bounded in bytes (docs/proxy.md, "Limits and what happens past them"): what a session's
 * streams hold unread (`sessionBufferBytes`), a server's stdout line (`maxLineBytes`) and what waits for
 * its stdin (`maxWriteQueueBytes`).
 * @module
 */
import type { Logger } from "../log.ts";
import { type Middleware, pathOf } from "../http/mod.ts";
import { guardedHandler, jsonRpcError } from "./guards.ts";
import { HealthCheck, isLivenessRequest, livenessResponse } from "./health.ts";
import { ErrorCode } from "./jsonrpc.ts";
import { legacySseEndpoints } from "./legacy_sse.ts";
import type { Message } from "./jsonrpc.ts";
import { Multiplexer, type SessionSink } from "./multiplexer.ts";
import { StdioBackend, type StdioCommand, type StdioConnector } from "./stdio_backend.ts";
import { StreamableFrontend } from "./streamable_frontend.ts";
import type { ToolFilter } from "./tool_filter.ts";

/** How client sessions map to server processes. */
export type Isolation = "shared" | "session";

/** Options of {@linkcode createStdioProxy}. */
export interface StdioProxyOptions {
  /** The server: a command to run as a child process, or a connector (e.g. a container's attached stdio). */
  readonly command: StdioCommand | StdioConnector;
  /** One process for all sessions (`shared`, default) or one per session (`session`). */
  readonly isolation?: Isolation;
  /** With `session` isolation: the most processes at once (default 10). */
  readonly maxProcesses?: number;
  /** With `shared` isolation: the most sessions at once (default 1000). */
  readonly maxSessions?: number;
  /** Most bytes a session's streams hold for a client that does not read them (default 4 MiB). */
  readonly sessionBufferBytes?: number;
  /** Longest stdout line of the server (default 32 MiB); a longer one is dropped. */
  readonly maxLineBytes?: number;
  /** Most bytes waiting for the server's stdin (default 16 MiB); past it messages are refused. */
  readonly maxWriteQueueBytes?: number;
  /** Interval of keep-alive comments on open event streams (default 15 s). */
  readonly keepAliveMs?: number;
  /** Host names clients may use besides the loopback names. */
  readonly allowedHosts?: readonly string[];
  /** Origins browsers may call from besides loopback ones. */
  readonly allowedOrigins?: readonly string[];
  /** The middleware chain (lib/middleware) every client request passes, inside the Host/Origin/body guards. */
  readonly middleware?: Middleware;
  /** Largest request body (default 8 MiB). */
  readonly maxBodyBytes?: number;
  /** A session unused this long is closed, and with `session` isolation its process stopped (default 30 min). */
  readonly sessionIdleMs?: number;
  /** How long a request may wait for the server (default 60 s). */
  readonly requestTimeoutMs?: number;
  /** Prefix of the legacy SSE endpoint URL behind a path-stripping ingress. */
  readonly endpointPrefix?: string;
  /** The tools clients may see and call; absent: all, as the server names them. */
  readonly tools?: ToolFilter;
  /** Logger. */
  readonly log: Logger;
}

/** A running stdio proxy. */
export interface StdioProxy {
  /** The HTTP handler: serve it with `Deno.serve`. */
  readonly handler: (req: Request) => Promise<Response>;
  /** Number of open client sessions. */
  readonly sessions: () => number;
  /** The process id of the shared server (or of the first per-session one), while it runs. */
  readonly serverPid: () => number | undefined;
  /** The process ids of every server process. */
  readonly serverPids: () => number[];
  /** Stops every server and closes every session. */
  close(): Promise<void>;
}

const PROTOCOL_VERSION = "2025-11-25";

/** One server process and the multiplexer in front of it. */
interface Unit {
  readonly backend: StdioBackend;
  readonly mux: Multiplexer;
  /** Whether the server is down (between an exit and the next start). */
  readonly status: { down: boolean };
}

/** Starts the server (shared isolation) and returns the proxy's handler. */
export function createStdioProxy(options: StdioProxyOptions): StdioProxy {
  const { log } = options;
  const isolation = options.isolation ?? "shared";
  const maxProcesses = options.maxProcesses ?? 10;
  const maxSessions = options.maxSessions ?? 1000;
  const keepAliveMs = options.keepAliveMs ?? 15_000;
  const maxBody = options.maxBodyBytes ?? 8 * 1024 * 1024;
  const idleMs = options.sessionIdleMs ?? 30 * 60_000;
  /** Every open session (streamable and legacy) → the unit that serves it. */
  const sessions = new Map<string, Unit>();
  const units = new Set<Unit>();

  // Shared: the server must answer an MCP ping. Per session: every running process must be up (their
  // sessions' own requests show more than a ping would).
  const health = new HealthCheck(async () => {
    if (shared) {
      if (!shared.backend.running) throw new Error("the MCP server is not running");
      return await shared.mux.ping(2000);
    }
    const down = [...units].filter((u) => u.status.down).length;
    if (down > 0) throw new Error(`${down} of ${units.size} MCP server processes are down`);
    return undefined;
  }, "stdio");

  function startUnit(): Unit {
    const mux: Multiplexer = new Multiplexer({
      send: (m) => backend.send(m),
      initialize: {
        protocolVersion: PROTOCOL_VERSION,
        capabilities: { roots: { listChanged: true }, sampling: {}, elicitation: {} },
        clientInfo: { name: "thv-proxy", version: "0.1.0" },
      },
      ...(options.requestTimeoutMs ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
      ...(options.tools ? { tools: options.tools } : {}),
    });
    const status = { down: false };
    const backend: StdioBackend = new StdioBackend(options.command, {
      log,
      ...(options.maxLineBytes ? { maxLineBytes: options.maxLineBytes } : {}),
      ...(options.maxWriteQueueBytes ? { maxWriteQueueBytes: options.maxWriteQueueBytes } : {}),
      onMessage: (m) => mux.fromServer(m),
      onUp: () => {
        status.down = false;
        mux.connect().then(
          (result) => log.info("Initialized MCP server", { server: (result.serverInfo as { name?: string })?.name }),
          (e) => log.warn("Cannot initialize MCP server", { error: (e as Error).message }),
        );
      },
      onDown: (reason) => {
        status.down = true;
        mux.serverDown(reason);
        health.invalidate();
      },
    });
    const unit: Unit = { backend, mux, status };
    units.add(unit);
    backend.start();
    return unit;
  }

  const shared = isolation === "shared" ? startUnit() : undefined;

  /** Whether a new session would pass the cap (of sessions when shared, of processes per session). */
  const full = () => shared ? sessions.size >= maxSessions : units.size >= maxProcesses;

  /** The unit a new session uses, or undefined when the cap is reached. */
  function unitForNewSession(): Unit | undefined {
    if (full()) return undefined;
    return shared ?? startUnit();
  }

  /** Admits a session on a unit; false when the process cap is reached. */
  function openSession(id: string, sink: SessionSink): boolean {
    const unit = unitForNewSession();
    if (!unit) return false;
    sessions.set(id, unit);
    unit.mux.openSession(id, sink);
    return true;
  }

  function releaseSession(id: string): void {
    const unit = sessions.get(id);
    if (!unit) return;
    sessions.delete(id);
    unit.mux.closeSession(id);
    if (unit !== shared) {
      units.delete(unit);
      unit.backend.stop().catch(() => {});
    }
  }

  const capMessage = shared
    ? `Too many sessions: at most ${maxSessions} sessions at once; close a session or try later`
    : `Too many sessions: at most ${maxProcesses} server processes run at once; close a session or try later`;
  const target = {
    open: openSession,
    receive: (id: string, message: Message) => sessions.get(id)?.mux.fromClient(id, message),
    close: releaseSession,
  };
  const buffer = options.sessionBufferBytes ? { sessionBufferBytes: options.sessionBufferBytes } : {};
  const streamable = new StreamableFrontend(target, { maxBodyBytes: maxBody, refusal: capMessage, log, ...buffer });
  const legacy = legacySseEndpoints({
    open: (id, sink) => void openSession(id, sink), // the cap is checked before /sse opens
    receive: target.receive,
    close: releaseSession,
  }, {
    maxBodyBytes: maxBody,
    keepAliveSeconds: keepAliveMs / 1000,
    log,
    ...(options.sessionBufferBytes ? { streamBufferBytes: options.sessionBufferBytes } : {}),
    ...(options.endpointPrefix ? { endpointPrefix: options.endpointPrefix } : {}),
  });
  const sweeper = setInterval(() => streamable.expireIdle(Date.now() - idleMs), Math.min(idleMs, 60_000));
  const keepAlive = setInterval(() => streamable.keepAlive(), keepAliveMs);
  // Request timeouts are swept once a second rather than timed one by one (a timer per request costs more).
  const expirer = setInterval(() => {
    const now = Date.now();
    for (const unit of units) unit.mux.expire(now);
  }, Math.min(options.requestTimeoutMs ?? 60_000, 1000));

  const handler = guardedHandler((req) => {
    const path = pathOf(req.url);
    if (path === "/health" && req.method === "GET") {
      return health.response({ isolation, sessions: sessions.size, processes: units.size });
    }
    if (isLivenessRequest(req)) return Promise.resolve(livenessResponse("stdio"));
    if (path === "/mcp") return streamable.handle(req);
    if (path === "/sse" && req.method === "GET") {
      return Promise.resolve(full() ? jsonRpcError(503, ErrorCode.BackendUnavailable, capMessage) : legacy.open());
    }
    if (path === "/messages" && req.method === "POST") return legacy.post(req);
    return Promise.resolve(
      jsonRpcError(404, ErrorCode.MethodNotFound, `No endpoint ${path}: use /mcp, /sse, /health or /livez`),
    );
  }, {
    allowedHosts: options.allowedHosts ?? [],
    allowedOrigins: options.allowedOrigins ?? [],
    ...(options.middleware ? { middleware: options.middleware } : {}),
    maxBodyBytes: maxBody,
    log,
  });

  return {
    handler,
    sessions: () => sessions.size,
    serverPid: () => (shared ?? [...units][0])?.backend.pid,
    serverPids: () => [...units].map((u) => u.backend.pid).filter((p): p is number => p !== undefined),
    async close() {
      clearInterval(sweeper);
      clearInterval(expirer);
      clearInterval(keepAlive);
      streamable.closeAll();
      legacy.closeAll();
      await Promise.all([...units].map((u) => u.backend.stop()));
      units.clear();
    },
  };
}
