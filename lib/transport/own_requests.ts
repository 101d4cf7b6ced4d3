/**
 * The multiplexer's own requests to the server (initialize, ping, re-subscribing after a restart, the last
 * unsubscribe), never seen by a client: each waits for its answer by id, with an optional deadline, and all
 * of them fail at once when the server goes down.
 * @module
 */
import { ErrorCode, errorResponse, type Message } from "./jsonrpc.ts";
import type { SendResult } from "./multiplexer.ts";

/** The proxy's own requests waiting for the server's answer, by id. */
export class OwnRequests {
  readonly #waiting = new Map<number, (m: Message) => void>();
  readonly #send: (message: Message) => SendResult;

  /** Requests sent through `send`. */
  constructor(send: (message: Message) => SendResult) {
    this.#send = send;
  }

  /** Requests waiting for an answer. */
  get size(): number {
    return this.#waiting.size;
  }

  /** Sends request `id`; resolves with its answer; with `timeoutMs`, rejected and forgotten past it. */
  request(id: number, method: string, params: Record<string, unknown>, timeoutMs = 0): Promise<Message> {
    return new Promise((resolve, reject) => {
      const fail = (message: string) => {
        clearTimeout(timer);
        this.#waiting.delete(id);
        reject(new Error(message));
      };
      const expire = () => fail(`no answer to ${method} within ${timeoutMs} ms`);
      const timer = timeoutMs > 0 ? setTimeout(expire, timeoutMs) : undefined;
      this.#waiting.set(id, (m) => (clearTimeout(timer), resolve(m)));
      const sent = this.#send({ jsonrpc: "2.0", id, method, params });
      if (sent !== "sent") fail(`the MCP server is ${sent === "full" ? "not reading its input" : "not running"}`);
    });
  }

  /** Sends request `id` whose answer nobody waits for (it is still taken in, not routed to a client). */
  requestAndForget(id: number, method: string, params: Record<string, unknown>): void {
    this.#waiting.set(id, () => {});
    this.#send({ jsonrpc: "2.0", id, method, params });
  }

  /** Hands `response` to the request it answers; false when it answers none of ours. */
  answer(response: Message): boolean {
    const resolve = this.#waiting.get(response.id as number);
    if (!resolve) return false;
    this.#waiting.delete(response.id as number);
    resolve(response);
    return true;
  }

  /** Answers every waiting request with an error: the server is down. */
  failAll(reason: string): void {
    for (const resolve of this.#waiting.values()) resolve(errorResponse(null, ErrorCode.BackendUnavailable, reason));
    this.#waiting.clear();
  }
}
