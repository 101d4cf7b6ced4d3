/**
 * The client requests the proxy has forwarded to the server and not yet seen answered: each under a proxy
 * id unique to the server, findable by the client's own id (for cancellations) and by the proxy's progress
 * token (for progress). Timeouts are deadlines, checked by whoever sweeps ({@linkcode InFlight.overdue}): no
 * timer per request.
 * @module
 */
import type { Id } from "./jsonrpc.ts";

/** One forwarded request. */
export interface Forwarded {
  /** The session that sent it. */
  readonly session: string;
  /** The client's id for it. */
  readonly originalId: Id;
  /** The client's progress token, when it asked for progress. */
  readonly token?: string | number;
  /** The token the server sees instead. */
  readonly proxyToken?: string;
  /** When it times out (ms since the epoch). */
  readonly deadline: number;
  /** Its answer is a `tools/list` result the proxy's tool filter rewrites. */
  readonly listsTools?: true;
}

/** Requests in flight, by proxy id. */
export class InFlight {
  readonly #byProxyId = new Map<number, Forwarded>();
  readonly #byOriginal = new Map<string, number>();
  readonly #byToken = new Map<string, Forwarded>();
  #newest: number | undefined;

  /** Number of requests in flight. */
  get size(): number {
    return this.#byProxyId.size;
  }

  /** Records a forwarded request under `proxyId`. */
  add(proxyId: number, request: Forwarded): void {
    this.#byProxyId.set(proxyId, request);
    this.#byOriginal.set(`${request.session}\0${request.originalId}`, proxyId);
    if (request.proxyToken) this.#byToken.set(request.proxyToken, request);
    this.#newest = proxyId;
  }

  /** The request with `proxyId`. */
  get(proxyId: number): Forwarded | undefined {
    return this.#byProxyId.get(proxyId);
  }

  /** The proxy id of the session's request with the client's `originalId`. */
  proxyIdOf(session: string, originalId: unknown): number | undefined {
    return this.#byOriginal.get(`${session}\0${originalId}`);
  }

  /** The request that asked for progress under the proxy's `token`. */
  byToken(token: string): Forwarded | undefined {
    return this.#byToken.get(token);
  }

  /** Forgets a request (answered, cancelled, timed out). */
  finish(proxyId: number): Forwarded | undefined {
    const request = this.#byProxyId.get(proxyId);
    if (!request) return undefined;
    this.#byProxyId.delete(proxyId);
    this.#byOriginal.delete(`${request.session}\0${request.originalId}`);
    if (request.proxyToken) this.#byToken.delete(request.proxyToken);
    return request;
  }

  /** The most recently forwarded request still in flight. */
  newest(): Forwarded | undefined {
    const newest = this.#newest === undefined ? undefined : this.#byProxyId.get(this.#newest);
    if (newest) return newest;
    let last: Forwarded | undefined;
    for (const request of this.#byProxyId.values()) last = request;
    return last;
  }

  /** The requests whose deadline is `now` or earlier, with their proxy ids. */
  overdue(now: number): Array<[number, Forwarded]> {
    const out: Array<[number, Forwarded]> = [];
    for (const entry of this.#byProxyId) if (entry[1].deadline <= now) out.push(entry);
    return out;
  }

  /** Every request in flight, with its proxy id. */
  entries(): Array<[number, Forwarded]> {
    return [...this.#byProxyId];
  }
}
