/**
 * The client side of streamable HTTP (MCP 2025-03-26 to 2025-11-25), written for the proxy's hot path:
 * sessions keyed by a crypto-random `Mcp-Session-Id`, and per request the cheapest reply that carries
 * everything. When the answer comes first it is sent as plain JSON; when a notification or a server
 * request for that request comes first, the reply becomes an SSE stream that carries them and ends with
 * the answer. Messages tied to no request go to the session's GET stream.
 * @module
 */
import { jsonRpcError, readBodyLimited } from "./guards.ts";
import { ErrorCode, type Id, isRequest, type Message } from "./jsonrpc.ts";
import type { SessionSink } from "./multiplexer.ts";
import { PROTOCOL_VERSIONS } from "./negotiation.ts";

/** Where sessions' messages go, and where new sessions are admitted. */
export interface StreamableTarget {
  /** A new session; false refuses it (the reply is then 503 with `refusal`). */
  open(sessionId: string, sink: SessionSink): boolean;
  /** A message from a session's client. */
  receive(sessionId: string, message: Message): void;
  /** The session ended (DELETE, idle expiry, or shutdown). */
  close(sessionId: string): void;
}

/** Options of {@linkcode StreamableFrontend}. */
export interface StreamableFrontendOptions {
  /** Largest POST body. */
  readonly maxBodyBytes: number;
  /** Message of the 503 when `open` refuses a session. */
  readonly refusal: string;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const sseEvent = (m: Message) => encoder.encode(`event: message\ndata: ${JSON.stringify(m)}\n\n`);
const SSE_HEADERS = { "content-type": "text/event-stream", "cache-control": "no-cache", "x-accel-buffering": "no" };

/** One POST waiting for its answers: JSON until something else comes first, then an SSE stream. */
class Reply {
  /** The ids of the POST's requests, answered or not (for cleanup). */
  readonly ids: readonly Id[];
  readonly #ids: Set<Id>;
  readonly #sessionId: string;
  readonly #done: (r: Response) => void;
  #stream: ReadableStreamDefaultController<Uint8Array> | undefined;
  #answered: Message[] = [];
  #decided = false;
  readonly response: Promise<Response>;

  constructor(ids: Id[], sessionId: string) {
    this.ids = ids;
    this.#ids = new Set(ids);
    this.#sessionId = sessionId;
    const { promise, resolve } = Promise.withResolvers<Response>();
    this.response = promise;
    this.#done = resolve;
  }

  /** Whether every request of the POST has its answer. */
  get finished(): boolean {
    return this.#ids.size === 0;
  }

  /** Delivers a message for this POST; true when it was the last answer. */
  deliver(message: Message): boolean {
    const isAnswer = message.method === undefined && message.id !== undefined && this.#ids.has(message.id as Id);
    if (isAnswer) this.#ids.delete(message.id as Id);
    if (!this.#decided && isAnswer && this.finished && this.#answered.length === 0) {
      // The fast path: nothing but the single answer, so plain JSON.
      this.#decided = true;
      this.#done(Response.json(message, { headers: { "mcp-session-id": this.#sessionId } }));
      return true;
    }
    if (!this.#decided && isAnswer && !this.finished) {
      this.#answered.push(message); // a batch: wait for the rest, then stream them all
      return false;
    }
    if (!this.#decided) this.#openStream();
    try {
      this.#stream?.enqueue(sseEvent(message));
      if (this.finished) this.#stream?.close();
    } catch { /* the client went away */ }
    return this.finished;
  }

  #openStream(): void {
    this.#decided = true;
    const early = this.#answered.splice(0);
    const body = new ReadableStream<Uint8Array>({
      start: (controller) => {
        this.#stream = controller;
        for (const m of early) controller.enqueue(sseEvent(m));
      },
      cancel: () => {
        this.#stream = undefined;
      },
    });
    this.#done(new Response(body, { headers: { ...SSE_HEADERS, "mcp-session-id": this.#sessionId } }));
  }

  /** Ends the reply early (the session closed). */
  abort(): void {
    if (!this.#decided) {
      this.#decided = true;
      this.#done(jsonRpcError(404, -32001, "Session closed"));
    }
    try {
      this.#stream?.close();
    } catch { /* already closed */ }
  }
}

interface Session {
  /** Client request id → the POST waiting for its answer. */
  readonly replies: Map<Id, Reply>;
  /** The GET stream, when the client opened one. */
  standalone?: ReadableStreamDefaultController<Uint8Array>;
  lastSeen: number;
}

/** Serves `/mcp` for many sessions. */
export class StreamableFrontend {
  readonly #target: StreamableTarget;
  readonly #o: StreamableFrontendOptions;
  readonly #sessions = new Map<string, Session>();

  /** Creates the frontend; {@linkcode StreamableFrontend.handle} serves requests. */
  constructor(target: StreamableTarget, options: StreamableFrontendOptions) {
    this.#target = target;
    this.#o = options;
  }

  /** Open sessions. */
  get size(): number {
    return this.#sessions.size;
  }

  /** The sink the target delivers a session's messages through. */
  #sink(session: Session): SessionSink {
    return (message, related) => {
      const reply = related === undefined ? undefined : session.replies.get(related);
      if (reply) {
        if (reply.deliver(message)) { for (const id of reply.ids) session.replies.delete(id); }
        return true;
      }
      if (!session.standalone) return false; // no GET stream open: nowhere to deliver
      try {
        session.standalone.enqueue(sseEvent(message));
        return true;
      } catch {
        session.standalone = undefined;
        return false;
      }
    };
  }

  /** Serves one HTTP request on `/mcp`. */
  handle(req: Request): Promise<Response> {
    const sessionId = req.headers.get("mcp-session-id");
    const version = req.headers.get("mcp-protocol-version");
    if (version !== null && !PROTOCOL_VERSIONS.includes(version)) {
      const supported = PROTOCOL_VERSIONS.join(", ");
      const message = `Bad Request: unsupported MCP-Protocol-Version ${version} (supported: ${supported})`;
      return Promise.resolve(jsonRpcError(400, ErrorCode.InvalidRequest, message));
    }
    if (req.method === "POST") return this.#post(req, sessionId);
    return Promise.resolve(this.#other(req, sessionId));
  }

  /** GET (the session's stream), DELETE (end the session), anything else 405. */
  #other(req: Request, sessionId: string | null): Response {
    if (!sessionId) {
      return jsonRpcError(400, ErrorCode.InvalidRequest, "Bad Request: Mcp-Session-Id header is required");
    }
    const session = this.#sessions.get(sessionId);
    if (!session) return jsonRpcError(404, -32001, "Session not found: initialize a new session");
    session.lastSeen = Date.now();
    if (req.method === "GET") return this.#get(session, sessionId);
    if (req.method === "DELETE") {
      this.closeSession(sessionId);
      return new Response(null, { status: 200 });
    }
    return new Response(null, { status: 405, headers: { allow: "GET, POST, DELETE" } });
  }

  #get(session: Session, sessionId: string): Response {
    if (session.standalone !== undefined) {
      return jsonRpcError(409, ErrorCode.InvalidRequest, "Conflict: only one GET stream per session is allowed");
    }
    const body = new ReadableStream<Uint8Array>({
      start: (controller) => {
        session.standalone = controller;
      },
      cancel: () => {
        session.standalone = undefined;
      },
    });
    return new Response(body, { headers: { ...SSE_HEADERS, "mcp-session-id": sessionId } });
  }

  async #post(req: Request, sessionId: string | null): Promise<Response> {
    const accept = req.headers.get("accept") ?? "";
    if (!accept.includes("application/json") || !accept.includes("text/event-stream")) {
      return jsonRpcError(
        406,
        ErrorCode.InvalidRequest,
        "Not Acceptable: Accept must list application/json and text/event-stream",
      );
    }
    if (!(req.headers.get("content-type") ?? "").includes("application/json")) {
      return jsonRpcError(415, ErrorCode.InvalidRequest, "Unsupported Media Type: send application/json");
    }
    const body = await readBodyLimited(req, this.#o.maxBodyBytes);
    if (body instanceof Response) return body;
    let parsed: unknown;
    try {
      parsed = JSON.parse(decoder.decode(body));
    } catch {
      return jsonRpcError(400, ErrorCode.ParseError, "Parse error: the body is not JSON");
    }
    const messages = (Array.isArray(parsed) ? parsed : [parsed]) as Message[];
    let initialize = false;
    for (const m of messages) {
      if (!m || typeof m !== "object" || m.jsonrpc !== "2.0") {
        return jsonRpcError(400, ErrorCode.InvalidRequest, "Invalid Request: the body is not a JSON-RPC message");
      }
      if (m.method === "initialize") initialize = true;
    }
    if (messages.length === 0) {
      return jsonRpcError(400, ErrorCode.InvalidRequest, "Invalid Request: the body is not a JSON-RPC message");
    }
    let id = sessionId;
    let session: Session | undefined;
    if (initialize) {
      if (sessionId || messages.length > 1) {
        return jsonRpcError(
          400,
          ErrorCode.InvalidRequest,
          "Invalid Request: initialize must come alone, without a session",
        );
      }
      id = crypto.randomUUID();
      session = { replies: new Map(), lastSeen: Date.now() };
      if (!this.#target.open(id, this.#sink(session))) {
        return jsonRpcError(503, ErrorCode.BackendUnavailable, this.#o.refusal);
      }
      this.#sessions.set(id, session);
    } else {
      if (!sessionId) {
        return jsonRpcError(400, ErrorCode.InvalidRequest, "Bad Request: Mcp-Session-Id header is required");
      }
      session = this.#sessions.get(sessionId);
      if (!session) return jsonRpcError(404, -32001, "Session not found: initialize a new session");
      session.lastSeen = Date.now();
    }
    const requests = messages.filter(isRequest);
    if (requests.length === 0) {
      for (const m of messages) this.#target.receive(id!, m);
      return new Response(null, { status: 202 });
    }
    const reply = new Reply(requests.map((r) => r.id), id!);
    for (const r of requests) session.replies.set(r.id, reply);
    // No cleanup on disconnect is needed: the answer (or the multiplexer's timeout error) always comes and
    // finishes the reply, and a client that leaves an SSE stream cancels it.
    for (const m of messages) this.#target.receive(id!, m);
    return reply.response;
  }

  /** Ends a session: its open replies and GET stream close, and the target is told. */
  closeSession(id: string): void {
    const session = this.#sessions.get(id);
    if (!session) return;
    this.#sessions.delete(id);
    for (const reply of new Set(session.replies.values())) reply.abort();
    try {
      session.standalone?.close();
    } catch { /* already closed */ }
    this.#target.close(id);
  }

  /** Ends sessions unused since `cutoff` (ms since the epoch). */
  expireIdle(cutoff: number): void {
    for (const [id, s] of this.#sessions) if (s.lastSeen < cutoff) this.closeSession(id);
  }

  /** Ends every session. */
  closeAll(): void {
    for (const id of [...this.#sessions.keys()]) this.closeSession(id);
  }
}
