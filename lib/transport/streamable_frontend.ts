/**
 * The client side of streamable HTTP (MCP 2025-03-26 to 2025-11-25), written for the proxy's hot path:
 * sessions keyed by a crypto-random `Mcp-Session-Id`, and per request the cheapest reply that carries
 * everything. When the answer comes first it is sent as plain JSON; when a notification or a server
 * request for that request comes first, the reply becomes an SSE stream that carries them and ends with
 * the answer. Messages tied to no request go to the session's GET stream.
 *
 * What a session's streams hold for a client that does not read is bounded in bytes (`sessionBufferBytes`,
 * shared by its GET and POST streams): past it the session is disconnected, which cancels its calls at the
 * server. An open GET stream gets a keep-alive comment every so often ({@linkcode StreamableFrontend.keepAlive})
 * and keeps its session from idling out, as does a POST still waiting for its answer.
 * @module
 */
import type { Logger } from "../log.ts";
import { readBody } from "../http/mod.ts";
import { jsonRpcError } from "./guards.ts";
import { ErrorCode, errorResponse, type Id, isRequest, type Message } from "./jsonrpc.ts";
import type { SendResult, SessionSink } from "./multiplexer.ts";
import { PROTOCOL_VERSIONS } from "./negotiation.ts";
import { ByteBudget, SseStream } from "./sse_stream.ts";

/** Where sessions' messages go, and where new sessions are admitted. */
export interface StreamableTarget {
  /** A new session; false refuses it (the reply is then 503 with `refusal`). */
  open(sessionId: string, sink: SessionSink): boolean;
  /** A message from a session's client; `"full"` when the server cannot take it now (it is not reading). */
  receive(sessionId: string, message: Message): SendResult | void;
  /** The session ended (DELETE, idle expiry, or shutdown). */
  close(sessionId: string): void;
}

/** Options of {@linkcode StreamableFrontend}. */
export interface StreamableFrontendOptions {
  /** Largest POST body. */
  readonly maxBodyBytes: number;
  /** Message of the 503 when `open` refuses a session. */
  readonly refusal: string;
  /** Most bytes a session's streams may hold for a client that does not read them (default 4 MiB). */
  readonly sessionBufferBytes?: number;
  /** Logger, for sessions disconnected by the proxy. */
  readonly log?: Logger;
}

/** Default most bytes a session's streams hold unread: 4 MiB. */
const DEFAULT_SESSION_BUFFER_BYTES = 4 * 1024 * 1024;

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const sseEvent = (m: Message) => encoder.encode(`event: message\ndata: ${JSON.stringify(m)}\n\n`);
const KEEP_ALIVE = encoder.encode(": keep-alive\n\n");
const SSE_HEADERS = { "content-type": "text/event-stream", "cache-control": "no-cache", "x-accel-buffering": "no" };

/** One POST waiting for its answers: JSON until something else comes first, then an SSE stream. */
class Reply {
  /** The ids of the POST's requests, answered or not (for cleanup). */
  readonly ids: readonly Id[];
  readonly #ids: Set<Id>;
  readonly #sessionId: string;
  readonly #budget: ByteBudget;
  readonly #onOverflow: () => void;
  readonly #done: (r: Response) => void;
  #stream: SseStream | undefined;
  #answered: Message[] = [];
  #decided = false;
  readonly response: Promise<Response>;

  constructor(ids: Id[], sessionId: string, budget: ByteBudget, onOverflow: () => void) {
    this.ids = ids;
    this.#ids = new Set(ids);
    this.#sessionId = sessionId;
    this.#budget = budget;
    this.#onOverflow = onOverflow;
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
    this.#stream?.write(sseEvent(message));
    if (this.finished) this.#stream?.close();
    return this.finished;
  }

  /** Whether the reply still waits for an answer on an open stream (or has not been sent yet). */
  get open(): boolean {
    return !this.finished && !(this.#stream?.ended ?? false);
  }

  #openStream(): void {
    this.#decided = true;
    const stream = new SseStream({ budget: this.#budget, onOverflow: this.#onOverflow });
    this.#stream = stream;
    for (const m of this.#answered.splice(0)) stream.write(sseEvent(m));
    this.#done(new Response(stream.body, { headers: { ...SSE_HEADERS, "mcp-session-id": this.#sessionId } }));
  }

  /** Ends the reply early (the session closed); `drop` discards what its client has not read yet. */
  abort(drop: boolean): void {
    if (!this.#decided) {
      this.#decided = true;
      this.#done(jsonRpcError(404, -32001, "Session closed"));
    }
    if (drop) this.#stream?.abort();
    else this.#stream?.close();
  }
}

interface Session {
  /** Client request id → the POST waiting for its answer. */
  readonly replies: Map<Id, Reply>;
  /** The GET stream, when the client opened one. */
  standalone?: SseStream;
  /** What the session's streams hold unread. */
  readonly budget: ByteBudget;
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
      // No GET stream open (or it has ended): nowhere to deliver.
      return session.standalone?.write(sseEvent(message)) ?? false;
    };
  }

  /** The session's client does not read what it is sent: disconnect it (after the current delivery). */
  #overflowed(sessionId: string): () => void {
    return () =>
      queueMicrotask(() => {
        if (!this.#sessions.has(sessionId)) return;
        const session = this.#sessions.get(sessionId)!;
        this.#o.log?.warn("Disconnected an MCP session that does not read its stream", {
          session: sessionId.slice(0, 8),
          maxBytes: session.budget.limit,
        });
        this.#close(sessionId, true);
      });
  }

  /** Serves one HTTP request on `/mcp`; a body past `maxBodyBytes` rejects with an HttpError 413. */
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
    if (session.standalone !== undefined && !session.standalone.ended) {
      return jsonRpcError(409, ErrorCode.InvalidRequest, "Conflict: only one GET stream per session is allowed");
    }
    const stream = new SseStream({
      budget: session.budget,
      onOverflow: this.#overflowed(sessionId),
      onCancel: () => {
        if (session.standalone === stream) session.standalone = undefined;
        session.lastSeen = Date.now(); // idle from now on
      },
    });
    session.standalone = stream;
    return new Response(stream.body, { headers: { ...SSE_HEADERS, "mcp-session-id": sessionId } });
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
    const body = await readBody(req, { maxBytes: this.#o.maxBodyBytes }); // past it: an HttpError 413
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
      const budget = new ByteBudget(this.#o.sessionBufferBytes ?? DEFAULT_SESSION_BUFFER_BYTES);
      session = { replies: new Map(), budget, lastSeen: Date.now() };
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
      let full = false;
      for (const m of messages) full = this.#target.receive(id!, m) === "full" || full;
      if (full) {
        const message = "MCP server unavailable: it is not reading its input (write queue full); try again later";
        return jsonRpcError(503, ErrorCode.BackendUnavailable, message);
      }
      return new Response(null, { status: 202 });
    }
    // An id still waiting for its answer cannot be told apart from its reuse: refuse the whole POST.
    const seen = new Set<Id>();
    for (const r of requests) {
      if (session.replies.has(r.id) || seen.has(r.id)) {
        const message = `Invalid Request: request id ${JSON.stringify(r.id)} is already in use by a request in ` +
          "flight in this session; use a new id";
        return Response.json(errorResponse(r.id, ErrorCode.InvalidRequest, message), { status: 400 });
      }
      seen.add(r.id);
    }
    const reply = new Reply(requests.map((r) => r.id), id!, session.budget, this.#overflowed(id!));
    for (const r of requests) session.replies.set(r.id, reply);
    // No cleanup on disconnect is needed: the answer (or the multiplexer's timeout error) always comes and
    // finishes the reply, and a client that leaves an SSE stream cancels it.
    for (const m of messages) this.#target.receive(id!, m);
    return reply.response;
  }

  /** Ends a session: its open replies and GET stream close, and the target is told. */
  closeSession(id: string): void {
    this.#close(id, false);
  }

  /** Ends a session; `drop` (a client that does not read) discards what its streams still hold. */
  #close(id: string, drop: boolean): void {
    const session = this.#sessions.get(id);
    if (!session) return;
    this.#sessions.delete(id);
    for (const reply of new Set(session.replies.values())) reply.abort(drop);
    if (drop) session.standalone?.abort();
    else session.standalone?.close();
    this.#target.close(id);
  }

  /**
   * Ends sessions unused since `cutoff` (ms since the epoch). A session with an open GET stream, or with a
   * POST still waiting for its answer, is in use.
   */
  expireIdle(cutoff: number): void {
    for (const [id, s] of this.#sessions) {
      if (s.lastSeen >= cutoff || (s.standalone && !s.standalone.ended)) continue;
      if ([...s.replies.values()].some((r) => r.open)) continue;
      this.closeSession(id);
    }
  }

  /** Sends a keep-alive comment on every open GET stream (the owner calls it periodically). */
  keepAlive(): void {
    for (const s of this.#sessions.values()) s.standalone?.write(KEEP_ALIVE);
  }

  /** Ends every session. */
  closeAll(): void {
    for (const id of [...this.#sessions.keys()]) this.closeSession(id);
  }
}
