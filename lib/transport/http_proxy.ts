/**
 * The proxy in front of an MCP server that speaks HTTP itself (streamable HTTP or legacy SSE): a streaming
 * reverse proxy. Requests go to the server unchanged but for hop-by-hop headers; responses, SSE streams
 * included, come back as they arrive (never buffered), with the legacy `endpoint` event rewritten for the
 * proxy's public prefix. `/health` asks the server for an MCP ping through the proxy's own client session;
 * `/livez` answers without the server.
 * @module
 */
import { lazyImport } from "../lazy_import.ts";
import type { Client } from "../mcp/mod.ts";
import { HttpPinger } from "./http_ping.ts";
import type { Logger } from "../log.ts";
import { type Middleware, pathAndQuery, readBody, requestHost } from "../http/mod.ts";
import { guardedHandler, jsonRpcError } from "./guards.ts";
import { HealthCheck, isLivenessRequest, livenessResponse } from "./health.ts";
import { ErrorCode } from "./jsonrpc.ts";
import { endpointRewriter, normalizePrefix } from "./sse_endpoint.ts";
import { answeringLostRequests, requestIdsOf } from "./lost_answers.ts";
import type { ToolFilter } from "./tool_filter.ts";
import { filterJsonAnswer, filterRequestBody, toolListRewriter } from "./tool_filter_http.ts";
import { Http1Pool, UpstreamClosedError, type UpstreamResponse, UpstreamTimeoutError } from "./http1/mod.ts";

/** The transports an HTTP MCP server can speak. */
export type HttpTransport = "streamable-http" | "sse";

/** Options of {@linkcode createHttpProxy}. */
export interface HttpProxyOptions {
  /** The server's MCP endpoint, e.g. `http://127.0.0.1:3001/mcp` or `.../sse`. */
  readonly targetUrl: string;
  /** What the server speaks. */
  readonly transport: HttpTransport;
  /** Host names clients may use besides the loopback names. */
  readonly allowedHosts?: readonly string[];
  /** Origins browsers may call from besides loopback ones. */
  readonly allowedOrigins?: readonly string[];
  /** The middleware chain (lib/middleware) every client request passes, inside the Host/Origin/body guards. */
  readonly middleware?: Middleware;
  /** Largest request body (default 8 MiB). */
  readonly maxBodyBytes?: number;
  /** Public path prefix for the SSE endpoint event (a path-stripping ingress). */
  readonly endpointPrefix?: string;
  /** Honour `X-Forwarded-Prefix` from a trusted ingress. */
  readonly trustProxyHeaders?: boolean;
  /**
   * Longest wait for the server to start its answer (default {@linkcode DEFAULT_REQUEST_TIMEOUT_MS}; 0: no
   * limit); past it the client gets a 504. An answer that has started (an SSE stream) is not cut.
   */
  readonly requestTimeoutMs?: number;
  /** The tools clients may see and call; absent: all, as the server names them. */
  readonly tools?: ToolFilter;
  /**
   * Headers set on every request toward the server, replacing any of the same name the client sent (a
   * remote proxy's header forwarding); values may be secrets, so they are never logged.
   */
  readonly addHeaders?: Readonly<Record<string, string>>;
  /**
   * Headers of the health check's own requests (`/health`'s ping): the static credentials a remote needs
   * (forwarded headers, a bearer token), never a client's. Absent: {@linkcode HttpProxyOptions.addHeaders}.
   */
  readonly healthHeaders?: Readonly<Record<string, string>>;
  /** Logger. */
  readonly log: Logger;
}

/** A running HTTP proxy. */
export interface HttpProxy {
  /** The HTTP handler. */
  readonly handler: (req: Request) => Promise<Response>;
  /** MCP session ids the server has handed out and not yet ended. */
  readonly sessions: () => number;
  /** Closes the health session. */
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "host",
  "content-length",
]);

/** Request fields not passed on: hop-by-hop ones, and the forwarding fields the proxy sets itself. */
const REQUEST_DROPPED = new Set([...HOP_BY_HOP, "x-forwarded-host", "x-forwarded-proto"]);

/** Default of {@linkcode HttpProxyOptions.requestTimeoutMs}: long tool calls answer JSON only at their end. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 300_000;

/** The 502 message for a request that may have run upstream and was therefore not sent again. */
const CLOSED_UNANSWERED = "MCP server closed the connection without answering; the request was not sent again, " +
  "as it may have run: retry it if that is safe";

/** Statuses whose responses have no body. */
const NULL_BODY_STATUS = new Set([204, 205, 304]);

/**
 * The 504 for a request the server did not answer in time: for a JSON-RPC request, a JSON-RPC error with
 * its id, so the client can match it to the call; for anything else (a GET, a batch, a notification),
 * the same error with id null.
 */
function timeoutResponse(body: Uint8Array | undefined, timeoutMs: number): Response {
  let id: unknown = null;
  try {
    const message = body?.length ? JSON.parse(new TextDecoder().decode(body)) : undefined;
    if (typeof message?.id === "string" || typeof message?.id === "number") id = message.id;
  } catch { /* not JSON: id null */ }
  const message = `MCP server did not answer within ${timeoutMs / 1000} s: retry, or raise the proxy's request timeout`;
  return Response.json({ jsonrpc: "2.0", id, error: { code: ErrorCode.RequestTimeout, message } }, { status: 504 });
}

/** Starts a reverse proxy to `options.targetUrl`. */
export function createHttpProxy(options: HttpProxyOptions): HttpProxy {
  const target = new URL(options.targetUrl);
  const maxBody = options.maxBodyBytes ?? 8 * 1024 * 1024;
  const sessions = new Set<string>();
  const healthHeaders = options.healthHeaders ?? options.addHeaders ?? {};
  let healthClient: Client | undefined;
  let connecting: Promise<Client> | undefined;

  /** The proxy's own SDK session for health checks of SSE servers: one at a time, closed when it fails. */
  function healthSession(): Promise<Client> {
    if (healthClient) return Promise.resolve(healthClient);
    connecting ??= (async () => {
      // Loaded on the first health check, not even preloaded at start: the SDK is a large module graph.
      const { Client, SSEClientTransport, StreamableHTTPClientTransport } = await lazyImport<
        typeof import("../mcp/mod.ts")
      >(new URL("../mcp/mod.ts", import.meta.url));
      const client = new Client({ name: "thv-proxy-health", version: "0.1.0" }, { capabilities: {} });
      const requestInit = { headers: { ...healthHeaders } };
      const transport = options.transport === "sse"
        ? new SSEClientTransport(target, { requestInit })
        : new StreamableHTTPClientTransport(target, { requestInit });
      try {
        await client.connect(transport, { timeout: 2000 });
      } catch (e) {
        await client.close().catch(() => {});
        throw e;
      }
      healthClient = client;
      return client;
    })().finally(() => (connecting = undefined));
    return connecting;
  }

  const pinger = options.transport === "streamable-http" ? new HttpPinger(target, healthHeaders) : undefined;

  async function ping(): Promise<number> {
    // Streamable HTTP: plain fetch. Legacy SSE needs a held stream, which the SDK client manages.
    if (pinger) return await pinger.ping(2000);
    const client = await healthSession();
    const started = performance.now();
    try {
      await client.ping({ timeout: 2000 });
    } catch (e) {
      if (healthClient === client) healthClient = undefined;
      await client.close().catch(() => {});
      throw e;
    }
    return performance.now() - started;
  }

  const health = new HealthCheck(ping, options.transport);

  const requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const tools = options.tools;
  const upstream = new Http1Pool(target, { answerTimeoutMs: requestTimeoutMs });
  const added = new Set(Object.keys(options.addHeaders ?? {}).map((k) => k.toLowerCase()));

  async function forward(req: Request, path: string): Promise<Response> {
    const fields: Array<[string, string]> = [];
    for (const [k, v] of req.headers) {
      if (!REQUEST_DROPPED.has(k) && !added.has(k)) fields.push([k, v]);
    }
    for (const [k, v] of Object.entries(options.addHeaders ?? {})) fields.push([k, v]);
    fields.push(["x-forwarded-host", requestHost(req)]);
    fields.push(["x-forwarded-proto", req.url.startsWith("https:") ? "https" : "http"]);
    let body: Uint8Array<ArrayBuffer> | undefined;
    if (req.method !== "GET" && req.method !== "HEAD") {
      body = await readBody(req, { maxBytes: maxBody });
    }
    let listsTools = false;
    if (tools && body && req.method === "POST") {
      const decision = filterRequestBody(tools, body);
      if ("refuse" in decision) return decision.refuse; // a tool clients may not call: the server never sees it
      body = decision.body;
      listsTools = decision.lists;
    }
    let res: UpstreamResponse;
    try {
      // The client's disconnect does not abort this: a client that leaves cancels the response body, and
      // that closes the upstream connection.
      res = await upstream.request(req.method, path, fields, body);
    } catch (e) {
      if (e instanceof UpstreamTimeoutError) {
        options.log.warn("MCP server did not answer in time", { target: target.origin, timeoutMs: requestTimeoutMs });
        return timeoutResponse(body, requestTimeoutMs);
      }
      if (e instanceof UpstreamClosedError) {
        // The server is likely up (it answered on this connection before): health stays as it is.
        options.log.warn("MCP server closed a connection without answering", { target: target.origin });
        return jsonRpcError(502, ErrorCode.BackendUnavailable, CLOSED_UNANSWERED);
      }
      health.invalidate(); // the server is unreachable
      options.log.warn("MCP server unreachable", { target: target.origin, error: (e as Error).message });
      return jsonRpcError(502, ErrorCode.BackendUnavailable, `MCP server unavailable: ${(e as Error).message}`);
    }
    const headers: Array<[string, string]> = [];
    let contentType = "", granted: string | undefined;
    for (const field of res.headers) {
      const k = field[0];
      if (HOP_BY_HOP.has(k)) continue;
      headers.push(field as [string, string]);
      if (k === "content-type") contentType = field[1];
      else if (k === "mcp-session-id") granted = field[1];
    }
    const requested = req.headers.get("mcp-session-id");
    const ok = res.status >= 200 && res.status < 300;
    if (requested && (req.method === "DELETE" || res.status === 404)) sessions.delete(requested);
    if (granted && req.method !== "DELETE" && ok) sessions.add(granted);
    let out = NULL_BODY_STATUS.has(res.status) ? null : res.body;
    const isSse = contentType.startsWith("text/event-stream");
    if (isSse) {
      // A buffering ingress in front would hold events back: tell it not to, whatever the server said.
      const said = headers.findIndex(([k]) => k === "x-accel-buffering");
      if (said >= 0) headers.splice(said, 1);
      headers.push(["x-accel-buffering", "no"]);
    }
    const prefix = isSse && req.method === "GET"
      ? normalizePrefix(
        options.endpointPrefix ?? (options.trustProxyHeaders ? req.headers.get("x-forwarded-prefix") : ""),
      )
      : "";
    // Where a tools/list answer can come: the answer to a POST that listed tools; a legacy server's stream.
    if (out && tools && (listsTools || (isSse && req.method === "GET" && options.transport === "sse"))) {
      if (isSse) out = (out instanceof Uint8Array ? new Response(out).body! : out).pipeThrough(toolListRewriter(tools));
      else if (contentType.includes("json")) {
        out = await filterJsonAnswer(tools, out instanceof Uint8Array ? new Response(out).body! : out);
      }
    }
    if (out && prefix) {
      const stream = out instanceof Uint8Array ? new Response(out).body! : out;
      out = stream.pipeThrough(endpointRewriter(prefix));
    }
    const ids = out && isSse && req.method === "POST" && body ? requestIdsOf(body) : [];
    if (out && isSse) {
      // The server may die mid-answer (its pod killed): the client gets an error, not a wait for its timeout;
      // and any event stream (a GET's too) then ends cleanly, logged, rather than as an error Deno prints raw.
      const stream = out instanceof Uint8Array ? new Response(out).body! : out;
      out = answeringLostRequests(stream, ids, {
        onLost: (e, unanswered) => {
          health.invalidate();
          options.log.warn("MCP server connection lost mid-answer", {
            target: target.origin,
            unanswered: unanswered.length,
            error: (e as Error)?.message ?? String(e),
          });
        },
      });
    }
    return new Response(out, { status: res.status, statusText: res.statusText, headers });
  }

  const handler = guardedHandler((req) => {
    const path = pathAndQuery(req.url);
    if (req.method === "GET" && (path === "/health" || path.startsWith("/health?"))) return health.response();
    if (isLivenessRequest(req)) return livenessResponse(options.transport);
    return forward(req, path);
  }, {
    allowedHosts: options.allowedHosts ?? [],
    allowedOrigins: options.allowedOrigins ?? [],
    ...(options.middleware ? { middleware: options.middleware } : {}),
    maxBodyBytes: maxBody,
    log: options.log,
  });

  return {
    handler,
    sessions: () => sessions.size,
    async close() {
      upstream.close();
      await pinger?.close();
      await healthClient?.close().catch(() => {});
    },
  };
}
