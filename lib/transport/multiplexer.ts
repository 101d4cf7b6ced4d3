/**
 * Many client sessions on one stdio MCP server, safely (design.md §8). The proxy initializes the server
 * once and answers each later session's `initialize` from that result. Every request id and progress token
 * a client sends is replaced by one unique to the proxy, so each response, progress notification and
 * cancellation reaches only the session it belongs to.
 *
 * Routing rules for what the server sends on its own:
 * - list-changed notifications go to every session; `notifications/resources/updated` to the sessions
 *   subscribed to that URI;
 * - a request (sampling, elicitation, roots) or other notification (logging) goes to the session whose
 *   request the server is working on: the most recently forwarded request still in flight. With none in
 *   flight, requests go to the most recently active session and notifications to every session;
 * - `ping` from the server is answered by the proxy.
 * @module
 */
import {
  ErrorCode,
  errorResponse,
  type Id,
  isNotification,
  isRequest,
  isResponse,
  type Message,
  type Request,
} from "./jsonrpc.ts";

/**
 * Where a session's messages go: `related` is the client's request id a message belongs to, if any. Returns
 * false when the message could not be delivered (no stream open for it).
 */
export type SessionSink = (message: Message, related?: Id) => boolean | void;

/** Protocol versions the proxy can speak with clients, oldest first. */
export const CLIENT_PROTOCOL_VERSIONS = ["2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25"];

/** The protocol version and capabilities the proxy initializes the server with. */
export interface InitializeParams {
  /** Protocol version to propose. */
  readonly protocolVersion: string;
  /** Client capabilities to declare (the proxy relays sampling, elicitation and roots). */
  readonly capabilities: Record<string, unknown>;
  /** Who the proxy says it is. */
  readonly clientInfo: { name: string; version: string };
}

/** Options of {@linkcode Multiplexer}. */
export interface MultiplexerOptions {
  /** Sends one message to the server; false when the server is down. */
  readonly send: (message: Message) => boolean;
  /** How the proxy initializes the server. */
  readonly initialize: InitializeParams;
  /** How long a client request may wait for the server (default 60 s). */
  readonly requestTimeoutMs?: number;
}

interface Pending {
  readonly session: string;
  readonly originalId: Id;
  readonly token?: string | number;
  readonly proxyToken?: string;
  readonly timer: ReturnType<typeof setTimeout>;
}

interface Session {
  readonly sink: SessionSink;
  readonly subscriptions: Set<string>;
  lastActive: number;
}

/** One server, many sessions. */
export class Multiplexer {
  readonly #o: MultiplexerOptions;
  readonly #sessions = new Map<string, Session>();
  /** proxy id → the client request it stands for. */
  readonly #pending = new Map<number, Pending>();
  /** `session\0originalId` → proxy id, for cancellations. */
  readonly #byOriginal = new Map<string, number>();
  /** proxy token → session and the client's own token. */
  readonly #tokens = new Map<string, Pending>();
  /** client-facing id of a server request → the server's id and the session it went to. */
  readonly #serverRequests = new Map<number, { session: string; serverId: Id }>();
  /** Proxy-internal requests (initialize, ping) → resolver. */
  readonly #internal = new Map<number, (m: Message) => void>();
  #nextId = 1;
  #initResult: Record<string, unknown> | undefined;
  /** Requests that arrived before the server was initialized, in order. */
  #queued: Array<{ session: string; request: Request; timer: ReturnType<typeof setTimeout> }> = [];
  /** The proxy id of the request forwarded last. */
  #lastForwarded: number | undefined;
  /** Callers waiting for the server to be initialized. */
  #initWaiters = new Set<(result: Record<string, unknown>) => void>();

  /** Creates a multiplexer; call {@linkcode Multiplexer.connect} once the server runs. */
  constructor(options: MultiplexerOptions) {
    this.#o = options;
  }

  /** The server's InitializeResult, once it has one. */
  get initializeResult(): Readonly<Record<string, unknown>> | undefined {
    return this.#initResult;
  }

  /** Number of open sessions. */
  get sessionCount(): number {
    return this.#sessions.size;
  }

  /** Requests waiting for the server. */
  get inFlight(): number {
    return this.#pending.size;
  }

  /** (Re)initializes the server: after start and after every restart. Queued requests then go out. */
  connect(): Promise<Record<string, unknown>> {
    this.#initResult = undefined;
    const init = this.#request("initialize", { ...this.#o.initialize }).then((m) => {
      if (m.error) throw new Error(`the MCP server refused initialize: ${m.error.message}`);
      this.#initResult = m.result as Record<string, unknown>;
      this.#o.send({ jsonrpc: "2.0", method: "notifications/initialized" });
      // A restarted server knows no subscriptions: restore those the sessions still hold.
      const uris = new Set([...this.#sessions.values()].flatMap((s) => [...s.subscriptions]));
      for (const uri of uris) this.#request("resources/subscribe", { uri }).catch(() => {});
      for (const q of this.#queued.splice(0)) {
        clearTimeout(q.timer);
        const session = this.#sessions.get(q.session);
        if (session) this.#forwardRequest(q.session, session, q.request);
      }
      const result = this.#initResult;
      for (const waiter of [...this.#initWaiters]) waiter(result);
      return result;
    });
    init.catch((e: Error) => {
      for (const q of this.#queued.splice(0)) {
        clearTimeout(q.timer);
        const reason = `MCP server unavailable: ${e.message}`;
        this.#sessions.get(q.session)?.sink(
          errorResponse(q.request.id, ErrorCode.BackendUnavailable, reason),
          q.request.id,
        );
      }
    });
    return init;
  }

  /** Resolves with the InitializeResult once the server is initialized; rejects after `timeoutMs`. */
  #whenInitialized(timeoutMs: number): Promise<Record<string, unknown>> {
    if (this.#initResult) return Promise.resolve(this.#initResult);
    return new Promise((resolve, reject) => {
      const waiter = (result: Record<string, unknown>) => {
        clearTimeout(timer);
        this.#initWaiters.delete(waiter);
        resolve(result);
      };
      const timer = setTimeout(() => {
        this.#initWaiters.delete(waiter);
        reject(new Error(`not ready within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#initWaiters.add(waiter);
    });
  }

  /** Sends `ping` to the server and resolves with the round-trip time; rejects after `timeoutMs`. */
  async ping(timeoutMs: number): Promise<number> {
    const started = performance.now();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const reply = this.#request("ping", {});
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer to ping within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      const m = await Promise.race([reply, timeout]);
      if (m.error) throw new Error(m.error.message);
      return performance.now() - started;
    } finally {
      clearTimeout(timer);
    }
  }

  /** A request of the proxy's own; never seen by a client. */
  #request(method: string, params: Record<string, unknown>): Promise<Message> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#internal.set(id, resolve);
      if (!this.#o.send({ jsonrpc: "2.0", id, method, params })) {
        this.#internal.delete(id);
        reject(new Error("the MCP server is not running"));
      }
    });
  }

  /** Opens a session that will receive messages through `sink`. */
  openSession(id: string, sink: SessionSink): void {
    this.#sessions.set(id, { sink, subscriptions: new Set(), lastActive: Date.now() });
  }

  /** Closes a session: its requests still in flight are cancelled at the server. */
  closeSession(id: string): void {
    const session = this.#sessions.get(id);
    if (!session) return;
    this.#sessions.delete(id);
    for (const [proxyId, p] of this.#pending) {
      if (p.session !== id) continue;
      this.#finish(proxyId);
      this.#o.send({
        jsonrpc: "2.0",
        method: "notifications/cancelled",
        params: { requestId: proxyId, reason: "client session closed" },
      });
    }
    for (const uri of session.subscriptions) this.#unsubscribeIfLast(uri);
    this.#queued = this.#queued.filter((q) => {
      if (q.session === id) clearTimeout(q.timer);
      return q.session !== id;
    });
    for (const [clientId, r] of this.#serverRequests) {
      if (r.session !== id) continue;
      this.#serverRequests.delete(clientId);
      this.#o.send(errorResponse(r.serverId, ErrorCode.InternalError, "The client session that was asked has closed"));
    }
  }

  /** Handles a message from a client session. */
  fromClient(sessionId: string, message: Message): void {
    const session = this.#sessions.get(sessionId);
    if (!session) return;
    session.lastActive = Date.now();
    if (isRequest(message)) this.#clientRequest(sessionId, session, message);
    else if (isResponse(message)) this.#clientResponse(sessionId, message);
    else if (isNotification(message)) this.#clientNotification(sessionId, message);
  }

  #clientRequest(sessionId: string, session: Session, request: Request): void {
    const reply = (m: Message) => session.sink(m, request.id);
    if (request.method === "initialize") {
      const wanted = request.params?.protocolVersion;
      // Answer in the client's version when the proxy speaks it and the server is at least that new.
      const answer = (result: Record<string, unknown>) => {
        const serverVersion = String(result.protocolVersion ?? "");
        const version =
          typeof wanted === "string" && CLIENT_PROTOCOL_VERSIONS.includes(wanted) && wanted <= serverVersion
            ? wanted
            : serverVersion;
        reply({ jsonrpc: "2.0", id: request.id, result: { ...result, protocolVersion: version } });
      };
      if (this.#initResult) answer(this.#initResult);
      else {
        // The server is starting or restarting: wait for it, as long as any request may wait.
        this.#whenInitialized(this.#o.requestTimeoutMs ?? 60_000).then(
          answer,
          (e) => reply(errorResponse(request.id, ErrorCode.BackendUnavailable, `MCP server unavailable: ${e.message}`)),
        );
      }
      return;
    }
    if (request.method === "ping") {
      reply({ jsonrpc: "2.0", id: request.id, result: {} });
      return;
    }
    const uri = typeof request.params?.uri === "string" ? request.params.uri : undefined;
    if (request.method === "resources/subscribe" && uri) session.subscriptions.add(uri);
    if (request.method === "resources/unsubscribe" && uri) {
      session.subscriptions.delete(uri);
      if (this.#subscribers(uri).length > 0) {
        reply({ jsonrpc: "2.0", id: request.id, result: {} }); // others still want updates
        return;
      }
    }
    if (this.#initResult) {
      this.#forwardRequest(sessionId, session, request);
      return;
    }
    const timeoutMs = this.#o.requestTimeoutMs ?? 60_000;
    const timer = setTimeout(() => {
      const before = this.#queued.length;
      this.#queued = this.#queued.filter((q) => q.timer !== timer);
      if (this.#queued.length === before) return;
      const message = `MCP server did not become ready within ${timeoutMs} ms`;
      session.sink(errorResponse(request.id, ErrorCode.RequestTimeout, message), request.id);
    }, timeoutMs);
    this.#queued.push({ session: sessionId, request, timer });
  }

  #forwardRequest(sessionId: string, session: Session, request: Request): void {
    const proxyId = this.#nextId++;
    const meta = request.params?._meta as Record<string, unknown> | undefined;
    const token = meta?.progressToken as string | number | undefined;
    const proxyToken = token === undefined ? undefined : `thv-${proxyId}`;
    const timeoutMs = this.#o.requestTimeoutMs ?? 60_000;
    const timer = setTimeout(() => {
      if (!this.#pending.has(proxyId)) return;
      this.#finish(proxyId);
      this.#o.send({
        jsonrpc: "2.0",
        method: "notifications/cancelled",
        params: { requestId: proxyId, reason: "timeout" },
      });
      session.sink(
        errorResponse(request.id, ErrorCode.RequestTimeout, `MCP server did not answer within ${timeoutMs} ms`),
        request.id,
      );
    }, timeoutMs);
    const pending: Pending = {
      session: sessionId,
      originalId: request.id,
      timer,
      ...(token === undefined ? {} : { token, proxyToken }),
    };
    this.#pending.set(proxyId, pending);
    this.#lastForwarded = proxyId;
    this.#byOriginal.set(`${sessionId}\0${request.id}`, proxyId);
    if (proxyToken) this.#tokens.set(proxyToken, pending);
    const params = proxyToken ? { ...request.params, _meta: { ...meta, progressToken: proxyToken } } : request.params;
    const sent = this.#o.send({ ...request, id: proxyId, ...(params ? { params } : {}) });
    if (!sent) {
      this.#finish(proxyId);
      session.sink(
        errorResponse(request.id, ErrorCode.BackendUnavailable, "MCP server unavailable: not running"),
        request.id,
      );
    }
  }

  #clientResponse(sessionId: string, response: Message): void {
    const entry = this.#serverRequests.get(response.id as number);
    if (!entry || entry.session !== sessionId) return; // only the session that was asked may answer
    this.#serverRequests.delete(response.id as number);
    this.#o.send({ ...response, id: entry.serverId });
  }

  #clientNotification(sessionId: string, note: Message): void {
    switch (note.method) {
      case "notifications/initialized":
        return; // the proxy sent its own when it initialized the server
      case "notifications/cancelled": {
        const requestId = note.params?.requestId as Id;
        const proxyId = this.#byOriginal.get(`${sessionId}\0${requestId}`);
        if (proxyId !== undefined) {
          this.#finish(proxyId);
          this.#o.send({ ...note, params: { ...note.params, requestId: proxyId } });
          // The server will not answer now; end the client's reply so its HTTP request does not hang (the
          // client ignores answers to requests it cancelled).
          this.#sessions.get(sessionId)?.sink(
            errorResponse(requestId, ErrorCode.RequestCancelled, "Request cancelled"),
            requestId,
          );
          return;
        }
        const asked = this.#serverRequests.get(requestId as number);
        if (asked?.session === sessionId) {
          this.#serverRequests.delete(requestId as number);
          this.#o.send({ ...note, params: { ...note.params, requestId: asked.serverId } });
        }
        return;
      }
      default:
        this.#o.send(note);
    }
  }

  /** Handles a message from the server. */
  fromServer(message: Message): void {
    if (isResponse(message)) {
      const internal = this.#internal.get(message.id as number);
      if (internal) {
        this.#internal.delete(message.id as number);
        internal(message);
        return;
      }
      const p = this.#pending.get(message.id as number);
      if (!p) return; // cancelled or timed out: the client has its answer already
      this.#finish(message.id as number);
      this.#sessions.get(p.session)?.sink({ ...message, id: p.originalId }, p.originalId);
      return;
    }
    if (isRequest(message)) {
      this.#serverRequest(message);
      return;
    }
    if (isNotification(message)) this.#serverNotification(message);
  }

  #serverRequest(request: Request): void {
    if (request.method === "ping") {
      this.#o.send({ jsonrpc: "2.0", id: request.id, result: {} });
      return;
    }
    const target = this.#activeRequest() ?? this.#mostRecentSession();
    if (!target) {
      this.#o.send(errorResponse(request.id, ErrorCode.MethodNotFound, "No MCP client is connected to answer"));
      return;
    }
    const session = this.#sessions.get(target.session);
    if (!session) {
      this.#o.send(errorResponse(request.id, ErrorCode.MethodNotFound, "No MCP client is connected to answer"));
      return;
    }
    const clientId = this.#nextId++;
    this.#serverRequests.set(clientId, { session: target.session, serverId: request.id });
    if (session.sink({ ...request, id: clientId }, target.related) === false) {
      this.#serverRequests.delete(clientId);
      this.#o.send(
        errorResponse(request.id, ErrorCode.InternalError, "The client has no open stream to receive this request"),
      );
    }
  }

  #serverNotification(note: Message): void {
    const method = note.method!;
    if (method === "notifications/progress") {
      const p = this.#tokens.get(String(note.params?.progressToken));
      if (!p) return;
      this.#sessions.get(p.session)?.sink(
        { ...note, params: { ...note.params, progressToken: p.token } },
        p.originalId,
      );
      return;
    }
    if (method === "notifications/resources/updated") {
      const uri = String(note.params?.uri);
      for (const id of this.#subscribers(uri)) this.#sessions.get(id)!.sink(note);
      return;
    }
    if (method.endsWith("/list_changed")) {
      for (const session of this.#sessions.values()) session.sink(note);
      return;
    }
    const active = this.#activeRequest();
    if (active) this.#sessions.get(active.session)?.sink(note, active.related);
    else for (const session of this.#sessions.values()) session.sink(note);
  }

  /** Fails every request in flight: the server exited. It must be initialized again ({@linkcode connect}). */
  serverDown(reason: string): void {
    this.#initResult = undefined;
    for (const [proxyId, p] of [...this.#pending]) {
      this.#finish(proxyId);
      this.#sessions.get(p.session)?.sink(
        errorResponse(p.originalId, ErrorCode.BackendUnavailable, `MCP server unavailable: ${reason}`),
        p.originalId,
      );
    }
    for (const resolve of this.#internal.values()) {
      resolve(errorResponse(null, ErrorCode.BackendUnavailable, reason));
    }
    this.#internal.clear();
    this.#serverRequests.clear();
  }

  #finish(proxyId: number): void {
    const p = this.#pending.get(proxyId);
    if (!p) return;
    clearTimeout(p.timer);
    this.#pending.delete(proxyId);
    this.#byOriginal.delete(`${p.session}\0${p.originalId}`);
    if (p.proxyToken) this.#tokens.delete(p.proxyToken);
  }

  /** The most recently forwarded request still in flight: its session and the client's id for it. */
  #activeRequest(): { session: string; related: Id } | undefined {
    let last = this.#lastForwarded === undefined ? undefined : this.#pending.get(this.#lastForwarded);
    if (!last) { for (const p of this.#pending.values()) last = p; // the newest still in flight
     }
    return last && this.#sessions.has(last.session) ? { session: last.session, related: last.originalId } : undefined;
  }

  #mostRecentSession(): { session: string; related?: Id } | undefined {
    let best: [string, Session] | undefined;
    for (const entry of this.#sessions) if (!best || entry[1].lastActive > best[1].lastActive) best = entry;
    return best ? { session: best[0] } : undefined;
  }

  #subscribers(uri: string): string[] {
    return [...this.#sessions].filter(([, s]) => s.subscriptions.has(uri)).map(([id]) => id);
  }

  #unsubscribeIfLast(uri: string): void {
    if (this.#subscribers(uri).length > 0 || !this.#initResult) return;
    const id = this.#nextId++;
    this.#internal.set(id, () => {});
    this.#o.send({ jsonrpc: "2.0", id, method: "resources/unsubscribe", params: { uri } });
  }
}
