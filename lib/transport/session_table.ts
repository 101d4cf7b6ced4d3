/**
 * The client sessions of one {@linkcode Multiplexer}: where each session's messages go, what it subscribed
 * to, and when it was last active.
 * @module
 */
import type { Id, Message } from "./jsonrpc.ts";

/**
 * Where a session's messages go: `related` is the client's request id a message belongs to, if any. Returns
 * false when the message could not be delivered (no stream open for it).
 */
export type SessionSink = (message: Message, related?: Id) => boolean | void;

/** One client session. */
export interface Session {
  /** Delivers a message to the client. */
  readonly sink: SessionSink;
  /** Resource URIs the session subscribed to. */
  readonly subscriptions: Set<string>;
  /** When the client last sent something (ms since the epoch). */
  lastActive: number;
}

/** Sessions by id, with the look-ups routing needs. */
export class SessionTable extends Map<string, Session> {
  /** The session that sent something last, if any. */
  mostRecent(): { session: string; related?: Id } | undefined {
    let best: [string, Session] | undefined;
    for (const entry of this) if (!best || entry[1].lastActive > best[1].lastActive) best = entry;
    return best ? { session: best[0] } : undefined;
  }

  /** The ids of the sessions subscribed to `uri`. */
  subscribers(uri: string): string[] {
    return [...this].filter(([, s]) => s.subscriptions.has(uri)).map(([id]) => id);
  }

  /**
   * Delivers a notification the server sent on its own (not progress): list changes to every session,
   * resource updates to the sessions subscribed to the URI, anything else to `active` (the session whose
   * request the server is working on) or, with none, to every session.
   */
  deliverNotification(note: Message, active?: { session: string; related: Id }): void {
    const method = note.method ?? "";
    if (method === "notifications/resources/updated") {
      for (const id of this.subscribers(String(note.params?.uri))) this.get(id)!.sink(note);
    } else if (method.endsWith("/list_changed") || !active) {
      for (const session of this.values()) session.sink(note);
    } else {
      this.get(active.session)?.sink(note, active.related);
    }
  }

  /** Every URI some session is subscribed to. */
  subscribedUris(): Set<string> {
    return new Set([...this.values()].flatMap((s) => [...s.subscriptions]));
  }
}
