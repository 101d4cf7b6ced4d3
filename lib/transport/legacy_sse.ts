/**
 * The legacy HTTP+SSE transport (MCP 2024-11-05) on the client side: `GET /sse` opens a session whose first
 * event, `endpoint`, names where to POST (`/messages?session_id=<id>`); every message for the client then
 * arrives on that stream as a `message` event, and each POST is answered 202. What the stream holds for a
 * client that does not read it is bounded in bytes (`streamBufferBytes`): past it the session is
 * disconnected, which cancels its calls at the server.
 * @module
 */
import type { Logger } from "../log.ts";
import { readBody } from "../http/mod.ts";
import { jsonRpcError } from "./guards.ts";
import { ErrorCode, type Message, parseMessage } from "./jsonrpc.ts";
import type { SendResult } from "./multiplexer.ts";
import { ByteBudget, SseStream } from "./sse_stream.ts";

/** Where a legacy session's messages go. */
export interface LegacySseTarget {
  /** A new session: `sink` delivers messages to its stream (false once the stream has ended). */
  open(sessionId: string, sink: (message: Message) => boolean): void;
  /** A message from the session's client; `"full"` when the server cannot take it now (it is not reading). */
  receive(sessionId: string, message: Message): SendResult | void;
  /** The stream closed. */
  close(sessionId: string): void;
}

/** Options of {@linkcode legacySseEndpoints}. */
export interface LegacySseOptions {
  /** Largest POST body. */
  readonly maxBodyBytes: number;
  /** Prefix of the endpoint URL, for a proxy behind a path-stripping ingress (e.g. `/team-a`). */
  readonly endpointPrefix?: string;
  /** Seconds between keep-alive comments on idle streams (default 15). */
  readonly keepAliveSeconds?: number;
  /** Most bytes a stream may hold for a client that does not read it (default 4 MiB). */
  readonly streamBufferBytes?: number;
  /** Logger, for sessions disconnected by the proxy. */
  readonly log?: Logger;
}

/** Handlers for `GET /sse` and `POST /messages`. */
export function legacySseEndpoints(target: LegacySseTarget, options: LegacySseOptions) {
  const streams = new Map<string, { stream: SseStream; keepAlive: ReturnType<typeof setInterval> }>();
  const encoder = new TextEncoder();
  const write = (id: string, text: string) => streams.get(id)?.stream.write(encoder.encode(text)) ?? false;
  /** The session is over (client gone, overflow, shutdown): forget it once. */
  const end = (id: string) => {
    const entry = streams.get(id);
    if (!entry) return;
    clearInterval(entry.keepAlive);
    streams.delete(id);
    target.close(id);
  };

  return {
    /** `GET /sse`: opens a session and its event stream. */
    open(): Response {
      const id = crypto.randomUUID();
      const stream = new SseStream({
        budget: new ByteBudget(options.streamBufferBytes ?? 4 * 1024 * 1024),
        first: encoder.encode(`event: endpoint\ndata: ${options.endpointPrefix ?? ""}/messages?session_id=${id}\n\n`),
        onOverflow: () =>
          queueMicrotask(() => {
            options.log?.warn("Disconnected a legacy SSE session that does not read its stream", {
              session: id.slice(0, 8),
            });
            end(id);
          }),
        onCancel: () => end(id),
      });
      const keepAlive = setInterval(() => write(id, ": keep-alive\n\n"), (options.keepAliveSeconds ?? 15) * 1000);
      streams.set(id, { stream, keepAlive });
      target.open(id, (m) => write(id, `event: message\ndata: ${JSON.stringify(m)}\n\n`));
      return new Response(stream.body, {
        headers: {
          "content-type": "text/event-stream",
          "cache-control": "no-cache",
          "x-accel-buffering": "no",
        },
      });
    },

    /** `POST /messages?session_id=<id>`: one message from the client (past the body limit: an HttpError 413). */
    async post(req: Request): Promise<Response> {
      const id = new URL(req.url).searchParams.get("session_id") ?? new URL(req.url).searchParams.get("sessionId");
      if (!id) {
        return jsonRpcError(400, ErrorCode.InvalidRequest, "Bad Request: session_id query parameter is required");
      }
      if (!streams.has(id)) return jsonRpcError(404, -32001, "Session not found: open a new stream at /sse");
      const body = await readBody(req, { maxBytes: options.maxBodyBytes }); // past it: an HttpError 413
      const message = parseMessage(new TextDecoder().decode(body));
      if (!message) return jsonRpcError(400, ErrorCode.ParseError, "Parse error: the body is not a JSON-RPC message");
      if (target.receive(id, message) === "full") {
        const refusal = "MCP server unavailable: it is not reading its input (write queue full); try again later";
        return jsonRpcError(503, ErrorCode.BackendUnavailable, refusal);
      }
      return new Response("Accepted", { status: 202 });
    },

    /** Closes every stream. */
    closeAll(): void {
      for (const [id, { stream }] of streams) {
        stream.close();
        end(id);
      }
    },
  };
}
