/**
 * Requests the server sends to a client (sampling, elicitation, roots), as the multiplexer routes them: each
 * gets an id of the proxy's own towards the client, and only the session it was sent to may answer it.
 * @module
 */
import type { Id } from "./jsonrpc.ts";

/** A server request waiting for its session's answer. */
export interface Asked {
  /** The session it was sent to. */
  readonly session: string;
  /** The server's id for it. */
  readonly serverId: Id;
}

/** The server's requests waiting for an answer, by the id the client saw. */
export class ServerRequests {
  readonly #asked = new Map<number, Asked>();
  #nextId = 1;

  /** Records a request sent to `session`; returns the id the client sees. */
  add(asked: Asked): number {
    const clientId = this.#nextId++;
    this.#asked.set(clientId, asked);
    return clientId;
  }

  /** Takes the request `clientId` out if `session` was the one asked; undefined otherwise (nothing changes). */
  take(clientId: Id | null | undefined, session: string): Asked | undefined {
    const asked = this.#asked.get(clientId as number);
    if (asked?.session !== session) return undefined;
    this.#asked.delete(clientId as number);
    return asked;
  }

  /** Takes out every request sent to `session`. */
  takeAll(session: string): Asked[] {
    const taken: Asked[] = [];
    for (const [clientId, asked] of this.#asked) {
      if (asked.session !== session) continue;
      this.#asked.delete(clientId);
      taken.push(asked);
    }
    return taken;
  }

  /** Forgets every request (the server went away). */
  clear(): void {
    this.#asked.clear();
  }
}
