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
 * - `ping` from the server is answered by the proxy, and so is `roots/list` while no session is open (with
 *   no roots: there is no client to have any).
 *
 * A request whose id is already in flight in its session is answered with an error and not forwarded:
 * the two answers could not be told apart.
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
import { type Forwarded, InFlight } from "./in_flight.ts";
import { type InitializeParams, versionFor } from "./negotiation.ts";
import { OwnRequests } from "./own_requests.ts";
import { ReadyGate } from "./ready_gate.ts";
import { ServerRequests } from "./server_requests.ts";
import { ToolFilter } from "./tool_filter.ts";
import { type Session, type SessionSink, SessionTable } from "./session_table.ts";

export type { SessionSink } from "./session_table.ts";

/** What sending to the server did: sent, server down, or its input queue full (it is not reading). */
export type SendResult = "sent" | "down" | "full";

/** Options of {@linkcode Multiplexer}. */
export interface MultiplexerOptions {
  /** Sends one message to the server. */
  readonly send: (message: Message) => SendResult;
  /** How the proxy initializes the server. */
  readonly initialize: InitializeParams;
  /** How long a client request may wait for the server (default 60 s; see {@linkcode Multiplexer.expire}). */
  readonly requestTimeoutMs?: number;
  /** The tools clients may see and call (RunConfig `tools_filter`/`tools_override`); absent: all, as named. */
  readonly tools?: ToolFilter;
}

/** Why a message could not be sent, in the words a client gets. */
const UNSENT: Record<Exclude<SendResult, "sent">, string> = {
  down: "MCP server unavailable: not running",
  full: "MCP server unavailable: it is not reading its input (write queue full); try again later",
};

/** One server, many sessions. */
export class Multiplexer {
  readonly #o: MultiplexerOptions;
  readonly #sessions = new SessionTable();
  /** Client requests forwarded to the server and not yet answered. */
  readonly #inFlight = new InFlight();
  /** Server requests sent to a session and not yet answered. */
  readonly #serverRequests = new ServerRequests();
  /** The proxy's own requests (initialize, ping…) waiting for the server. */
  readonly #own: OwnRequests;
  /** Open once the server is initialized; requests wait on it during a start or restart. */
  readonly #ready = new ReadyGate<Record<string, unknown>>();
  #nextId = 1;
  readonly #timeoutMs: number;

  /** Creates a multiplexer; call {@linkcode Multiplexer.connect} once the server runs. */
  constructor(options: MultiplexerOptions) {
    this.#o = options;
    this.#own = new OwnRequests(options.send);
    this.#timeoutMs = options.requestTimeoutMs ?? 60_000;
  }

  /** The server's InitializeResult, once it has one. */
  get initializeResult(): Readonly<Record<string, unknown>> | undefined {
    return this.#ready.value;
  }

  /** Number of open sessions. */
  get sessionCount(): number {
    return this.#sessions.size;
  }

  /** Requests waiting for the server. */
  get inFlight(): number {
    return this.#inFlight.size;
  }

  /** The proxy's own requests (initialize, ping…) waiting for the server. */
  get internalPending(): number {
    return this.#own.size;
  }

  /** (Re)initializes the server: after start and after every restart. Waiting requests then go out. */
  connect(): Promise<Record<string, unknown>> {
    this.#ready.close();
    return this.#request("initialize", { ...this.#o.initialize }).then((m) => {
      if (m.error) throw new Error(`the MCP server refused initialize: ${m.error.message}`);
      const result = m.result as Record<string, unknown>;
      this.#o.send({ jsonrpc: "2.0", method: "notifications/initialized" });
      // A restarted server knows no subscriptions: restore those the sessions still hold.
      const uris = this.#sessions.subscribedUris();
      for (const uri of uris) this.#request("resources/subscribe", { uri }).catch(() => {});
      this.#ready.open(result);
      return result;
    });
  }

  /** Sends `ping` to the server and resolves with the round-trip time; rejects after `timeoutMs`. */
  async ping(timeoutMs: number): Promise<number> {
    const started = performance.now();
    const m = await this.#request("ping", {}, timeoutMs);
    if (m.error) throw new Error(m.error.message);
    return performance.now() - started;
  }

  /** A request of the proxy's own, never seen by a client; with `timeoutMs`, rejected and forgotten past it. */
  #request(method: string, params: Record<string, unknown>, timeoutMs = 0): Promise<Message> {
    return this.#own.request(this.#nextId++, method, params, timeoutMs);
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
    for (const [proxyId, p] of this.#inFlight.entries()) {
      if (p.session !== id) continue;
      this.#cancelAtServer(proxyId, "client session closed");
    }
    for (const uri of session.subscriptions) this.#unsubscribeIfLast(uri);
    for (const r of this.#serverRequests.takeAll(id)) {
      this.#o.send(errorResponse(r.serverId, ErrorCode.InternalError, "The client session that was asked has closed"));
    }
  }

  /**
   * Handles a message from a client session. A request always gets its answer through the sink; for a
   * notification or response the result says whether it reached the server (`"full"`: refused, the server
   * is not reading; `"down"`: lost with the server).
   */
  fromClient(sessionId: string, message: Message): SendResult {
    const session = this.#sessions.get(sessionId);
    if (!session) return "down";
    session.lastActive = Date.now();
    if (isRequest(message)) this.#clientRequest(sessionId, session, message);
    else if (isResponse(message)) return this.#clientResponse(sessionId, message);
    else if (isNotification(message)) return this.#clientNotification(sessionId, message);
    return "sent";
  }

  #clientRequest(sessionId: string, session: Session, request: Request): void {
    const reply = (m: Message) => session.sink(m, request.id);
    if (request.method === "initialize") {
      const wanted = request.params?.protocolVersion;
      const answer = (result: Record<string, unknown>) =>
        reply({
          jsonrpc: "2.0",
          id: request.id,
          result: { ...result, protocolVersion: versionFor(wanted, String(result.protocolVersion ?? "")) },
        });
      const ready = this.#ready.value;
      if (ready) answer(ready);
      else {
        // The server is starting or restarting: wait for it, as long as any request may wait.
        this.#ready.wait(this.#timeoutMs).then(
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
      if (this.#sessions.subscribers(uri).length > 0) {
        reply({ jsonrpc: "2.0", id: request.id, result: {} }); // others still want updates
        return;
      }
    }
    const tools = this.#o.tools;
    if (tools && request.method === "tools/call") {
      const decision = tools.call(request);
      if ("refuse" in decision) {
        reply(decision.refuse); // never reaches the server
        return;
      }
      request = decision.forward;
    }
    if (this.#ready.value) {
      this.#forwardRequest(sessionId, session, request);
      return;
    }
    // The server is starting or restarting: the request waits (in order), unless its session goes away.
    const stillOpen = () => this.#sessions.get(sessionId) === session;
    this.#ready.wait(this.#timeoutMs).then(
      () => stillOpen() && this.#forwardRequest(sessionId, session, request),
      () =>
        stillOpen() && session.sink(
          errorResponse(
            request.id,
            ErrorCode.RequestTimeout,
            `MCP server did not become ready within ${this.#timeoutMs} ms`,
          ),
          request.id,
        ),
    );
  }

  #forwardRequest(sessionId: string, session: Session, request: Request): void {
    if (this.#inFlight.proxyIdOf(sessionId, request.id) !== undefined) {
      const message = `Invalid Request: request id ${JSON.stringify(request.id)} is already in use by a request in ` +
        "flight in this session; use a new id";
      session.sink(errorResponse(request.id, ErrorCode.InvalidRequest, message), request.id);
      return;
    }
    const proxyId = this.#nextId++;
    const meta = request.params?._meta as Record<string, unknown> | undefined;
    const token = meta?.progressToken as string | number | undefined;
    const proxyToken = token === undefined ? undefined : `thv-${proxyId}`;
    const pending: Forwarded = {
      session: sessionId,
      originalId: request.id,
      deadline: Date.now() + this.#timeoutMs,
      ...(token === undefined ? {} : { token, proxyToken }),
      ...(this.#o.tools && request.method === "tools/list" ? { listsTools: true as const } : {}),
    };
    this.#inFlight.add(proxyId, pending);
    const params = proxyToken ? { ...request.params, _meta: { ...meta, progressToken: proxyToken } } : request.params;
    const sent = this.#o.send({ ...request, id: proxyId, ...(params ? { params } : {}) });
    if (sent !== "sent") {
      this.#inFlight.finish(proxyId);
      session.sink(errorResponse(request.id, ErrorCode.BackendUnavailable, UNSENT[sent]), request.id);
    }
  }

  #clientResponse(sessionId: string, response: Message): SendResult {
    const entry = this.#serverRequests.take(response.id, sessionId); // only the session that was asked may answer
    if (!entry) return "sent";
    return this.#o.send({ ...response, id: entry.serverId });
  }

  #clientNotification(sessionId: string, note: Message): SendResult {
    switch (note.method) {
      case "notifications/initialized":
        return "sent"; // the proxy sent its own when it initialized the server
      case "notifications/cancelled": {
        const requestId = note.params?.requestId as Id;
        const proxyId = this.#inFlight.proxyIdOf(sessionId, requestId);
        if (proxyId !== undefined) {
          this.#inFlight.finish(proxyId);
          this.#o.send({ ...note, params: { ...note.params, requestId: proxyId } });
          // The server will not answer now; end the client's reply so its HTTP request does not hang (the
          // client ignores answers to requests it cancelled).
          this.#sessions.get(sessionId)?.sink(
            errorResponse(requestId, ErrorCode.RequestCancelled, "Request cancelled"),
            requestId,
          );
          return "sent";
        }
        const asked = this.#serverRequests.take(requestId, sessionId);
        return asked ? this.#o.send({ ...note, params: { ...note.params, requestId: asked.serverId } }) : "sent";
      }
      default:
        return this.#o.send(note);
    }
  }

  /** Handles a message from the server. */
  fromServer(message: Message): void {
    if (isResponse(message)) {
      if (this.#own.answer(message)) return;
      const p = this.#inFlight.finish(message.id as number);
      if (!p) return; // cancelled or timed out: the client has its answer already
      const answer = p.listsTools && this.#o.tools ? this.#o.tools.response(message) : message;
      this.#sessions.get(p.session)?.sink({ ...answer, id: p.originalId }, p.originalId);
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
    const target = this.#activeRequest() ?? this.#sessions.mostRecent();
    const session = target && this.#sessions.get(target.session);
    if (!target || !session) {
      if (request.method === "roots/list") {
        // Servers ask at start, before any client is there: with no client there are no roots (not an error).
        this.#o.send({ jsonrpc: "2.0", id: request.id, result: { roots: [] } });
        return;
      }
      this.#o.send(errorResponse(request.id, ErrorCode.MethodNotFound, "No MCP client is connected to answer"));
      return;
    }
    const clientId = this.#serverRequests.add({ session: target.session, serverId: request.id });
    if (session.sink({ ...request, id: clientId }, target.related) === false) {
      this.#serverRequests.take(clientId, target.session);
      this.#o.send(
        errorResponse(request.id, ErrorCode.InternalError, "The client has no open stream to receive this request"),
      );
    }
  }

  #serverNotification(note: Message): void {
    const method = note.method!;
    if (method === "notifications/progress") {
      const p = this.#inFlight.byToken(String(note.params?.progressToken));
      if (!p) return;
      this.#sessions.get(p.session)?.sink(
        { ...note, params: { ...note.params, progressToken: p.token } },
        p.originalId,
      );
      return;
    }
    this.#sessions.deliverNotification(note, this.#activeRequest());
  }

  /**
   * Times out the requests whose deadline has passed by `now`: each gets an error and the server a
   * cancellation. The owner calls it periodically (the stdio proxy every second), so a request times out
   * up to one period late; no request holds a timer of its own.
   */
  expire(now: number = Date.now()): void {
    for (const [proxyId, p] of this.#inFlight.overdue(now)) {
      this.#cancelAtServer(proxyId, "timeout");
      this.#sessions.get(p.session)?.sink(
        errorResponse(p.originalId, ErrorCode.RequestTimeout, `MCP server did not answer within ${this.#timeoutMs} ms`),
        p.originalId,
      );
    }
  }

  /** Fails every request in flight: the server exited. It must be initialized again ({@linkcode connect}). */
  serverDown(reason: string): void {
    this.#ready.close();
    for (const [proxyId, p] of this.#inFlight.entries()) {
      this.#inFlight.finish(proxyId);
      this.#sessions.get(p.session)?.sink(
        errorResponse(p.originalId, ErrorCode.BackendUnavailable, `MCP server unavailable: ${reason}`),
        p.originalId,
      );
    }
    this.#own.failAll(reason);
    this.#serverRequests.clear();
  }

  /** Ends a forwarded request: the server is told to stop working on it. */
  #cancelAtServer(proxyId: number, reason: string): void {
    this.#inFlight.finish(proxyId);
    this.#o.send({ jsonrpc: "2.0", method: "notifications/cancelled", params: { requestId: proxyId, reason } });
  }

  /** The most recently forwarded request still in flight: its session and the client's id for it. */
  #activeRequest(): { session: string; related: Id } | undefined {
    const newest = this.#inFlight.newest();
    return newest && this.#sessions.has(newest.session)
      ? { session: newest.session, related: newest.originalId }
      : undefined;
  }

  #unsubscribeIfLast(uri: string): void {
    if (this.#sessions.subscribers(uri).length > 0 || !this.#ready.value) return;
    this.#own.requestAndForget(this.#nextId++, "resources/unsubscribe", { uri });
  }
}
