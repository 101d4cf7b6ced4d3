/**
 * One client connection to an HTTP/1.1 server, with a read buffer. While it waits in a pool it keeps one
 * read outstanding: a server that closes an idle connection is noticed at once, and the read becomes the
 * first read of the next response when the connection is used again.
 * @module
 */
import { headEnd, MAX_HEAD_BYTES, parseResponseHead, type ResponseHead } from "./head.ts";

/**
 * A connection's first read buffer: the head and body of most answers fit in one read, and a connection
 * that holds an event stream open keeps only this much (decision 013).
 */
const SMALL_BUFFER_BYTES = 4 * 1024;
/** The buffer of a connection whose reads fill its small one: a large body moves in fewer reads. */
const LARGE_BUFFER_BYTES = 16 * 1024;

/** A connection and the bytes read from it but not yet consumed (`buf[start, end)`). */
export class Connection {
  /** The socket. */
  readonly conn: Deno.Conn;
  /** Read buffer; replaced by a larger one once reads fill it, or for a head that does not fit. */
  buf: Uint8Array<ArrayBuffer> = new Uint8Array(SMALL_BUFFER_BYTES);
  /** Start of the unconsumed bytes. */
  start = 0;
  /** End of the unconsumed bytes. */
  end = 0;
  /** Whether it carried an earlier exchange (so the server may have closed it meanwhile). */
  reused = false;
  /** Bytes received in the current exchange. */
  received = 0;
  #pending: Promise<number | null> | undefined;
  #idle = false;
  /** A read filled the buffer: the next read, once it is drained, goes into a large one. */
  #bulk = false;

  /** Wraps an open socket. */
  constructor(conn: Deno.Conn) {
    this.conn = conn;
  }

  /** Whether the unconsumed bytes are all consumed. */
  get drained(): boolean {
    return this.start === this.end;
  }

  /** Whether it waits in a pool. */
  get idle(): boolean {
    return this.#idle;
  }

  /**
   * Parks the connection (all bytes consumed): starts the read that watches for the server closing it,
   * and calls `onLost` if that read ends while it is still parked.
   */
  park(onLost: () => void): void {
    this.start = this.end = 0;
    this.#idle = true;
    this.reused = true;
    const pending = this.conn.read(this.buf);
    this.#pending = pending;
    this.conn.unref(); // a parked connection must not keep the process alive
    const lost = () => this.#idle && onLost();
    pending.then(lost, lost);
  }

  /** Takes the connection out of the pool for an exchange. */
  unpark(): void {
    this.#idle = false;
    this.conn.ref();
  }

  /** Starts an exchange: counts its bytes from zero. */
  begin(): void {
    this.received = 0;
  }

  /** Reads more bytes after `end`; false at end of stream. */
  async fill(): Promise<boolean> {
    const pending = this.#pending;
    this.#pending = undefined;
    if (this.start === this.end) {
      this.start = this.end = 0;
      // Not while a parked read is outstanding: it reads into the buffer there is.
      if (this.#bulk && !pending && this.buf.length < LARGE_BUFFER_BYTES) this.buf = new Uint8Array(LARGE_BUFFER_BYTES);
    } else if (this.end === this.buf.length) this.#makeRoom();
    const n = await (pending ?? this.conn.read(this.buf.subarray(this.end)));
    if (n === null) return false;
    this.end += n;
    this.received += n;
    if (this.end === this.buf.length) this.#bulk = true;
    return true;
  }

  #makeRoom(): void {
    if (this.start > 0) {
      this.buf.copyWithin(0, this.start, this.end);
      this.end -= this.start;
      this.start = 0;
      return;
    }
    if (this.buf.length >= MAX_HEAD_BYTES) {
      throw new TypeError(`Upstream response head exceeds ${MAX_HEAD_BYTES} bytes`);
    }
    const bigger = new Uint8Array(this.buf.length * 2);
    bigger.set(this.buf.subarray(0, this.end));
    this.buf = bigger;
  }

  /** Reads the next response head; undefined when the stream ends before its first byte. */
  async readHead(): Promise<ResponseHead | undefined> {
    let scanned = 0;
    while (true) {
      const view = this.buf.subarray(this.start, this.end);
      const end = headEnd(view, Math.max(0, scanned - 3));
      if (end >= 0) {
        const head = parseResponseHead(view, end);
        this.start += end;
        return head;
      }
      scanned = view.length;
      if (!(await this.fill())) {
        if (scanned === 0) return undefined;
        throw new TypeError("Upstream closed the connection within a response head");
      }
    }
  }

  /** Writes all of `bytes`. */
  async write(bytes: Uint8Array): Promise<void> {
    let offset = 0;
    while (offset < bytes.length) offset += await this.conn.write(bytes.subarray(offset));
  }

  /** Closes the socket (a parked read then ends). */
  close(): void {
    this.#idle = false;
    try {
      this.conn.close();
    } catch { /* already closed */ }
  }
}
