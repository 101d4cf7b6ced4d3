/**
 * The proxy in front of a stdio MCP server: one HTTP listener with `/mcp` (streamable HTTP, one SDK
 * transport per client session), `/sse` + `/messages` (legacy HTTP+SSE) and `/health`.
 *
 * Isolation `shared` (the default) runs one server process for every session, through the
 * {@linkcode Multiplexer}. Isolation `session` runs one process per client session: at most
 * `maxProcesses` at once (further sessions are refused with 503), each stopped when its session ends or
 * idles out.
 * @module
 */
import { WebStandardStreamableHTTPServerTransport } from "../mcp/mod.ts";
import type { Logger } from "../log.ts";
import { checkHostAndOrigin, jsonRpcError, readBodyLimited } from "./guards.ts";
import { ErrorCode, type Message } from "./jsonrpc.ts";
import { legacySseEndpoints } from "./legacy_sse.ts";
import { Multiplexer } from "./multiplexer.ts";
import { StdioBackend, type StdioCommand } from "./stdio_backend.ts";

/** How client sessions map to server processes. */
export type Isolation = "shared" | "session";

/** Options of {@linkcode createStdioProxy}. */
export interface StdioProxyOptions {
  /** The server to run. */
  readonly command: StdioCommand;
  /** One process for all sessions (`shared`, default) or one per session (`session`). */
  readonly isolation?: Isolation;
  /** With `session` isolation: the most processes at once (default 10). */
  readonly maxProcesses?: number;
  /** Host names clients may use besides the loopback names. */
  readonly allowedHosts?: readonly string[];
  /** Origins browsers may call from besides loopback ones. */
  readonly allowedOrigins?: readonly string[];
  /** Largest request body (default 8 MiB). */
  readonly maxBodyBytes?: number;
  /** A session unused this long is closed, and with `session` isolation its process stopped (default 30 min). */
  readonly sessionIdleMs?: number;
  /** How long a request may wait for the server (default 60 s). */
  readonly requestTimeoutMs?: number;
  /** Prefix of the legacy SSE endpoint URL behind a path-stripping ingress. */
  readonly endpointPrefix?: string;
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

interface Entry {
  readonly unit: Unit;
  /** Present for streamable-HTTP sessions. */
  readonly transport?: WebStandardStreamableHTTPServerTransport;
  lastSeen: number;
}

/** Starts the server (shared isolation) and returns the proxy's handler. */
export function createStdioProxy(options: StdioProxyOptions): StdioProxy {
  const { log } = options;
  const isolation = options.isolation ?? "shared";
  const maxProcesses = options.maxProcesses ?? 10;
  const maxBody = options.maxBodyBytes ?? 8 * 1024 * 1024;
  const idleMs = options.sessionIdleMs ?? 30 * 60_000;
  const guards = { allowedHosts: options.allowedHosts ?? [], allowedOrigins: options.allowedOrigins ?? [] };
  const sessions = new Map<string, Entry>();
  const units = new Set<Unit>();
  let lastHealth: { at: number; ok: boolean; ms?: number; error?: string } | undefined;

  function startUnit(): Unit {
    const mux: Multiplexer = new Multiplexer({
      send: (m) => backend.send(m),
      initialize: {
        protocolVersion: PROTOCOL_VERSION,
        capabilities: { roots: { listChanged: true }, sampling: {}, elicitation: {} },
        clientInfo: { name: "thv-proxy", version: "0.1.0" },
      },
      ...(options.requestTimeoutMs ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
    });
    const status = { down: false };
    const backend: StdioBackend = new StdioBackend(options.command, {
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
        lastHealth = undefined; // a cached "healthy" must not outlive the server
      },
    }, log);
    const unit: Unit = { backend, mux, status };
    units.add(unit);
    backend.start();
    return unit;
  }

  const shared = isolation === "shared" ? startUnit() : undefined;

  /** The unit a new session uses, or undefined when the process cap is reached. */
  function unitForNewSession(): Unit | undefined {
    if (shared) return shared;
    if (units.size >= maxProcesses) return undefined;
    return startUnit();
  }

  function closeSession(id: string): void {
    const entry = sessions.get(id);
    if (!entry) return;
    sessions.delete(id);
    entry.unit.mux.closeSession(id);
    entry.transport?.close().catch(() => {});
    if (entry.unit !== shared) {
      units.delete(entry.unit);
      entry.unit.backend.stop().catch(() => {});
    }
  }
  const sweeper = setInterval(() => {
    const cutoff = Date.now() - idleMs;
    for (const [id, entry] of sessions) if (entry.lastSeen < cutoff) closeSession(id);
  }, Math.min(idleMs, 60_000));

  const capReached = () =>
    jsonRpcError(
      503,
      ErrorCode.BackendUnavailable,
      `Too many sessions: at most ${maxProcesses} server processes run at once; close a session or try later`,
    );

  async function newSession(req: Request, parsedBody: unknown): Promise<Response> {
    const unit = unitForNewSession();
    if (!unit) return capReached();
    let opened = false;
    const transport: WebStandardStreamableHTTPServerTransport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: () => crypto.randomUUID(),
      onsessioninitialized: (id) => {
        opened = true;
        sessions.set(id, { unit, transport, lastSeen: Date.now() });
        unit.mux.openSession(id, (message, related) => {
          transport.send(message as never, related === undefined ? undefined : { relatedRequestId: related })
            .catch(() => {}); // the client went away from that stream: nothing to deliver to
        });
      },
      onsessionclosed: (id) => closeSession(id),
    });
    transport.onmessage = (message) => {
      if (transport.sessionId) unit.mux.fromClient(transport.sessionId, message as Message);
    };
    await transport.start();
    const response = await transport.handleRequest(req, { parsedBody });
    if (!opened && unit !== shared) {
      units.delete(unit); // the initialize was refused: its process is not needed
      unit.backend.stop().catch(() => {});
    }
    return response;
  }

  const legacy = legacySseEndpoints({
    open: (id, sink) => {
      const unit = unitForNewSession()!; // the cap is checked before the stream opens
      sessions.set(id, { unit, lastSeen: Date.now() });
      unit.mux.openSession(id, (message) => sink(message));
    },
    receive: (id, message) => {
      const entry = sessions.get(id);
      if (!entry) return;
      entry.lastSeen = Date.now();
      entry.unit.mux.fromClient(id, message);
    },
    close: (id) => closeSession(id),
  }, { maxBodyBytes: maxBody, ...(options.endpointPrefix ? { endpointPrefix: options.endpointPrefix } : {}) });

  async function mcp(req: Request): Promise<Response> {
    let parsedBody: unknown;
    if (req.method === "POST") {
      const body = await readBodyLimited(req, maxBody);
      if (body instanceof Response) return body;
      try {
        parsedBody = JSON.parse(new TextDecoder().decode(body));
      } catch {
        return jsonRpcError(400, ErrorCode.ParseError, "Parse error: the body is not JSON");
      }
    }
    const sessionId = req.headers.get("mcp-session-id");
    if (sessionId) {
      const entry = sessions.get(sessionId);
      if (!entry?.transport) return jsonRpcError(404, -32001, "Session not found: initialize a new session");
      entry.lastSeen = Date.now();
      const response = await entry.transport.handleRequest(req, { parsedBody });
      if (req.method === "DELETE" && response.ok) closeSession(sessionId);
      return response;
    }
    const isInitialize = req.method === "POST" && !!parsedBody && typeof parsedBody === "object" &&
      (parsedBody as { method?: unknown }).method === "initialize";
    if (!isInitialize) {
      return jsonRpcError(400, ErrorCode.InvalidRequest, "Bad Request: Mcp-Session-Id header is required");
    }
    return newSession(req, parsedBody);
  }

  async function health(): Promise<Response> {
    // Shared: the server must answer an MCP ping. Per session: every running process must be up (their
    // sessions' own requests show more than a ping would).
    // A healthy answer is reused for a second; an unhealthy one is checked again every time.
    if (!lastHealth || !lastHealth.ok || Date.now() - lastHealth.at > 1000) {
      try {
        if (shared) {
          if (!shared.backend.running) throw new Error("the MCP server is not running");
          lastHealth = { at: Date.now(), ok: true, ms: await shared.mux.ping(2000) };
        } else {
          const down = [...units].filter((u) => u.status.down).length;
          if (down > 0) throw new Error(`${down} of ${units.size} MCP server processes are down`);
          lastHealth = { at: Date.now(), ok: true };
        }
      } catch (e) {
        lastHealth = { at: Date.now(), ok: false, error: (e as Error).message };
      }
    }
    const body = {
      status: lastHealth.ok ? "healthy" : "unhealthy",
      timestamp: new Date().toISOString(),
      transport: "stdio",
      isolation,
      mcp: {
        available: lastHealth.ok,
        ...(lastHealth.ms !== undefined ? { response_time_ms: Math.round(lastHealth.ms * 100) / 100 } : {}),
        ...(lastHealth.error ? { error: lastHealth.error } : {}),
        last_checked: new Date(lastHealth.at).toISOString(),
      },
      sessions: sessions.size,
      processes: units.size,
    };
    return Response.json(body, { status: lastHealth.ok ? 200 : 503 });
  }

  return {
    handler(req) {
      const refused = checkHostAndOrigin(req, guards);
      if (refused) return Promise.resolve(refused);
      const path = new URL(req.url).pathname;
      if (path === "/health" && req.method === "GET") return health();
      if (path === "/mcp") return mcp(req);
      if (path === "/sse" && req.method === "GET") {
        return Promise.resolve(!shared && units.size >= maxProcesses ? capReached() : legacy.open());
      }
      if (path === "/messages" && req.method === "POST") return legacy.post(req);
      return Promise.resolve(
        jsonRpcError(404, ErrorCode.MethodNotFound, `No endpoint ${path}: use /mcp, /sse or /health`),
      );
    },
    sessions: () => sessions.size,
    serverPid: () => (shared ?? [...units][0])?.backend.pid,
    serverPids: () => [...units].map((u) => u.backend.pid).filter((p): p is number => p !== undefined),
    async close() {
      clearInterval(sweeper);
      for (const id of [...sessions.keys()]) closeSession(id);
      legacy.closeAll();
      await Promise.all([...units].map((u) => u.backend.stop()));
      units.clear();
    },
  };
}
