/**
 * A response body for server-sent events whose unread bytes are bounded. Bytes wait in a queue of the
 * stream's own and are handed over only when the HTTP server reads (a pull), so the queue holds exactly
 * what the client has not taken yet. Several streams of one session share a {@linkcode ByteBudget}; a
 * write that would take the budget past its limit overflows the stream instead: its queue is dropped, the
 * stream ends, and `onOverflow` tells the owner, who disconnects the session. One message always fits in an
 * empty budget, so a single large answer never counts as a slow client.
 * @module
 */
import { concatBytes } from "../bytes.ts";

/** The bytes a session's streams hold for a client that has not read them, and their limit. */
export class ByteBudget {
  /** Bytes waiting now. */
  used = 0;
  /** The most that may wait. */
  readonly limit: number;

  /** A budget of `limit` bytes. */
  constructor(limit: number) {
    this.limit = limit;
  }
}

/** Callbacks of an {@linkcode SseStream}. */
export interface SseStreamOptions {
  /** The budget the stream's waiting bytes count against. */
  readonly budget: ByteBudget;
  /** The client did not read and the budget ran out: the stream has ended; disconnect its session. */
  readonly onOverflow: () => void;
  /** The client went away (cancelled the body). */
  readonly onCancel?: () => void;
  /** Bytes sent first, before anything written. */
  readonly first?: Uint8Array;
}

/** One bounded event stream. */
export class SseStream {
  /** The response body. */
  readonly body: ReadableStream<Uint8Array>;
  readonly #o: SseStreamOptions;
  #controller!: ReadableStreamDefaultController<Uint8Array>;
  #queue: Uint8Array[] = [];
  #queued = 0;
  /** The HTTP server is waiting for bytes: the next write goes straight to it. */
  #pulling = false;
  /** close() was called: end once the queue is read. */
  #closing = false;
  #ended = false;

  /** Opens a stream; serve {@linkcode SseStream.body}. */
  constructor(options: SseStreamOptions) {
    this.#o = options;
    this.body = new ReadableStream<Uint8Array>({
      start: (controller) => {
        this.#controller = controller;
        if (options.first) this.write(options.first);
      },
      pull: () => this.#pull(),
      cancel: () => {
        this.#drop();
        this.#ended = true;
        options.onCancel?.();
      },
    }, { highWaterMark: 0 });
  }

  /** Whether the stream has ended (closed, overflowed or cancelled); writes are then refused. */
  get ended(): boolean {
    return this.#ended || this.#closing;
  }

  /** Queues bytes for the client; false when the stream has ended or just overflowed. */
  write(bytes: Uint8Array): boolean {
    if (this.ended) return false;
    if (this.#pulling) {
      this.#pulling = false;
      this.#controller.enqueue(bytes); // a read is waiting: it takes the bytes now
      return true;
    }
    const budget = this.#o.budget;
    if (budget.used > 0 && budget.used + bytes.length > budget.limit) {
      this.#drop();
      this.#end();
      this.#o.onOverflow();
      return false;
    }
    this.#queue.push(bytes);
    this.#queued += bytes.length;
    budget.used += bytes.length;
    return true;
  }

  /** Ends the stream once the client has read what is queued. */
  close(): void {
    if (this.ended) return;
    this.#closing = true;
    if (this.#queued === 0) this.#end();
  }

  /** Ends the stream now, dropping what is queued. */
  abort(): void {
    this.#drop();
    this.#end();
  }

  #pull(): void {
    if (this.#queued === 0) {
      this.#pulling = true;
      return;
    }
    const chunk = this.#queue.length === 1 ? this.#queue[0]! : concatBytes(this.#queue);
    this.#drop();
    this.#controller.enqueue(chunk);
    if (this.#closing) this.#end();
  }

  #drop(): void {
    this.#o.budget.used -= this.#queued;
    this.#queue = [];
    this.#queued = 0;
  }

  #end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#closing = false;
    try {
      this.#controller.close();
    } catch { /* cancelled already */ }
  }
}
