/**
 * The legacy HTTP+SSE transport (MCP 2024-11-05) on the client side: `GET /sse` opens a session whose first
 * event, `endpoint`, names where to POST (`/messages?session_id=<id>`); every message for the client then
 * arrives on that stream as a `message` event, and each POST is answered 202.
 * @module
 */
import { jsonRpcError, readBodyLimited } from "./guards.ts";
import { ErrorCode, type Message, parseMessage } from "./jsonrpc.ts";

/** Where a legacy session's messages go. */
export interface LegacySseTarget {
  /** A new session: `sink` delivers messages to its stream. */
  open(sessionId: string, sink: (message: Message) => void): void;
  /** A message from the session's client. */
  receive(sessionId: string, message: Message): void;
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
}

/** Handlers for `GET /sse` and `POST /messages`. */
export function legacySseEndpoints(target: LegacySseTarget, options: LegacySseOptions) {
  const streams = new Map<string, ReadableStreamDefaultController<Uint8Array>>();
  const encoder = new TextEncoder();
  const write = (id: string, text: string) => {
    try {
      streams.get(id)?.enqueue(encoder.encode(text));
    } catch { /* closed */ }
  };

  return {
    /** `GET /sse`: opens a session and its event stream. */
    open(): Response {
      const id = crypto.randomUUID();
      let keepAlive: ReturnType<typeof setInterval> | undefined;
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          streams.set(id, controller);
          write(id, `event: endpoint\ndata: ${options.endpointPrefix ?? ""}/messages?session_id=${id}\n\n`);
          target.open(id, (m) => write(id, `event: message\ndata: ${JSON.stringify(m)}\n\n`));
          keepAlive = setInterval(() => write(id, ": keep-alive\n\n"), (options.keepAliveSeconds ?? 15) * 1000);
        },
        cancel() {
          clearInterval(keepAlive);
          streams.delete(id);
          target.close(id);
        },
      });
      return new Response(body, {
        headers: {
          "content-type": "text/event-stream",
          "cache-control": "no-cache",
          "x-accel-buffering": "no",
        },
      });
    },

    /** `POST /messages?session_id=<id>`: one message from the client. */
    async post(req: Request): Promise<Response> {
      const id = new URL(req.url).searchParams.get("session_id") ?? new URL(req.url).searchParams.get("sessionId");
      if (!id) {
        return jsonRpcError(400, ErrorCode.InvalidRequest, "Bad Request: session_id query parameter is required");
      }
      if (!streams.has(id)) return jsonRpcError(404, -32001, "Session not found: open a new stream at /sse");
      const body = await readBodyLimited(req, options.maxBodyBytes);
      if (body instanceof Response) return body;
      const message = parseMessage(new TextDecoder().decode(body));
      if (!message) return jsonRpcError(400, ErrorCode.ParseError, "Parse error: the body is not a JSON-RPC message");
      target.receive(id, message);
      return new Response("Accepted", { status: 202 });
    },

    /** Closes every stream. */
    closeAll(): void {
      for (const [id, controller] of streams) {
        try {
          controller.close();
        } catch { /* already closed */ }
        streams.delete(id);
        target.close(id);
      }
    },
  };
}
