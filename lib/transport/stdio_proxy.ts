/**
 * The proxy in front of a stdio MCP server: one HTTP listener with `/mcp` (streamable HTTP, one SDK
 * transport per client session) and `/health`; every session shares the one server process through the
 * {@linkcode Multiplexer}.
 * @module
 */
import { WebStandardStreamableHTTPServerTransport } from "../mcp/mod.ts";
import type { Logger } from "../log.ts";
import { checkHostAndOrigin, jsonRpcError, readBodyLimited } from "./guards.ts";
import { legacySseEndpoints } from "./legacy_sse.ts";
import { ErrorCode, type Message } from "./jsonrpc.ts";
import { Multiplexer } from "./multiplexer.ts";
import { StdioBackend, type StdioCommand } from "./stdio_backend.ts";

/** Options of {@linkcode createStdioProxy}. */
export interface StdioProxyOptions {
  /** The server to run. */
  readonly command: StdioCommand;
  /** Host names clients may use besides the loopback names. */
  readonly allowedHosts?: readonly string[];
  /** Origins browsers may call from besides loopback ones. */
  readonly allowedOrigins?: readonly string[];
  /** Largest request body (default 8 MiB). */
  readonly maxBodyBytes?: number;
  /** A session unused this long is closed (default 30 min). */
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
  /** The server process id, while it runs. */
  readonly serverPid: () => number | undefined;
  /** Stops the server and closes every session. */
  close(): Promise<void>;
}

const PROTOCOL_VERSION = "2025-11-25";

interface Entry {
  readonly transport: WebStandardStreamableHTTPServerTransport;
  lastSeen: number;
}

/** Starts the server and returns the proxy's handler. */
export function createStdioProxy(options: StdioProxyOptions): StdioProxy {
  const { log } = options;
  const maxBody = options.maxBodyBytes ?? 8 * 1024 * 1024;
  const idleMs = options.sessionIdleMs ?? 30 * 60_000;
  const guards = { allowedHosts: options.allowedHosts ?? [], allowedOrigins: options.allowedOrigins ?? [] };
  const sessions = new Map<string, Entry>();
  let lastHealth: { at: number; ok: boolean; ms?: number; error?: string } | undefined;
  const mux = new Multiplexer({
    send: (m) => backend.send(m),
    initialize: {
      protocolVersion: PROTOCOL_VERSION,
      capabilities: { roots: { listChanged: true }, sampling: {}, elicitation: {} },
      clientInfo: { name: "thv-proxy", version: "0.1.0" },
    },
    ...(options.requestTimeoutMs ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
  });
  const backend: StdioBackend = new StdioBackend(options.command, {
    onMessage: (m) => mux.fromServer(m),
    onUp: () => {
      mux.connect().then(
        (result) => log.info("Initialized MCP server", { server: (result.serverInfo as { name?: string })?.name }),
        (e) => log.warn("Cannot initialize MCP server", { error: (e as Error).message }),
      );
    },
    onDown: (reason) => {
      mux.serverDown(reason);
      lastHealth = undefined; // a cached "healthy" must not outlive the server
    },
  }, log);
  backend.start();

  const closeSession = (id: string) => {
    const entry = sessions.get(id);
    if (!entry) return;
    sessions.delete(id);
    mux.closeSession(id);
    entry.transport.close().catch(() => {});
  };
  const sweeper = setInterval(() => {
    const cutoff = Date.now() - idleMs;
    for (const [id, entry] of sessions) if (entry.lastSeen < cutoff) closeSession(id);
  }, Math.min(idleMs, 60_000));

  async function newSession(req: Request, parsedBody: unknown): Promise<Response> {
    const transport: WebStandardStreamableHTTPServerTransport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: () => crypto.randomUUID(),
      onsessioninitialized: (id) => {
        sessions.set(id, { transport, lastSeen: Date.now() });
        mux.openSession(id, (message, related) => {
          transport.send(message as never, related === undefined ? undefined : { relatedRequestId: related })
            .catch(() => {}); // the client went away from that stream: nothing to deliver to
        });
      },
      onsessionclosed: (id) => closeSession(id),
    });
    transport.onmessage = (message) => {
      if (transport.sessionId) mux.fromClient(transport.sessionId, message as Message);
    };
    await transport.start();
    return transport.handleRequest(req, { parsedBody });
  }

  const legacy = legacySseEndpoints({
    open: (id, sink) => mux.openSession(id, (message) => sink(message)),
    receive: (id, message) => mux.fromClient(id, message),
    close: (id) => mux.closeSession(id),
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
      if (!entry) return jsonRpcError(404, -32001, "Session not found: initialize a new session");
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
    // A healthy answer is reused for a second (probes from several kubelets or clients); an unhealthy one is
    // checked again every time, so recovery shows at once.
    if (!lastHealth || !lastHealth.ok || Date.now() - lastHealth.at > 1000) {
      try {
        if (!backend.running) throw new Error("the MCP server is not running");
        lastHealth = { at: Date.now(), ok: true, ms: await mux.ping(2000) };
      } catch (e) {
        lastHealth = { at: Date.now(), ok: false, error: (e as Error).message };
      }
    }
    const body = {
      status: lastHealth.ok ? "healthy" : "unhealthy",
      timestamp: new Date().toISOString(),
      transport: "stdio",
      mcp: {
        available: lastHealth.ok,
        ...(lastHealth.ms !== undefined ? { response_time_ms: Math.round(lastHealth.ms * 100) / 100 } : {}),
        ...(lastHealth.error ? { error: lastHealth.error } : {}),
        last_checked: new Date(lastHealth.at).toISOString(),
      },
      sessions: sessions.size,
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
      if (path === "/sse" && req.method === "GET") return Promise.resolve(legacy.open());
      if (path === "/messages" && req.method === "POST") return legacy.post(req);
      return Promise.resolve(
        jsonRpcError(404, ErrorCode.MethodNotFound, `No endpoint ${path}: use /mcp, /sse or /health`),
      );
    },
    sessions: () => sessions.size,
    serverPid: () => backend.pid,
    async close() {
      clearInterval(sweeper);
      for (const id of [...sessions.keys()]) closeSession(id);
      legacy.closeAll();
      await backend.stop();
    },
  };
}
