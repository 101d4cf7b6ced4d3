/**
 * A small HTTP/1.1 client for one origin, written for the reverse proxy's hot path: keep-alive connections
 * in a pool, one write per request, and a response whose body is handed over whole when it came with the
 * head, or else streamed as it arrives (never buffered). Bytes pass through unchanged: no decompression,
 * no redirects. A request that finds its kept-alive connection closed by the server before any answer
 * is sent again on a new connection only when that is safe (a GET, HEAD, OPTIONS or body-less request);
 * one with a body, which may have run upstream, fails with an {@linkcode UpstreamClosedError} instead.
 * @module
 */
import { concatBytes } from "../../bytes.ts";
import { ChunkedDecoder } from "./chunked.ts";
import { Connection } from "./connection.ts";
import { encodeRequest, type Framing, keepsAlive, requestHead, responseFraming, type ResponseHead } from "./head.ts";

/** A response from the upstream server. */
export interface UpstreamResponse {
  /** Status code. */
  readonly status: number;
  /** Reason phrase. */
  readonly statusText: string;
  /** Header fields in order, names lower-cased, hop-by-hop fields included. */
  readonly headers: ReadonlyArray<readonly [string, string]>;
  /** The body: whole when it arrived with the head, else a stream; null when the response has none. */
  readonly body: Uint8Array<ArrayBuffer> | ReadableStream<Uint8Array> | null;
}

/** Options of {@linkcode Http1Pool}. */
export interface Http1PoolOptions {
  /** Most idle connections kept (default 64). */
  readonly maxIdle?: number;
  /** Extra root certificates (PEM) for an https origin. */
  readonly caCerts?: string[];
  /**
   * Longest wait, from the request being sent, for the response head (0: no limit, the default). A body
   * that streams afterwards (SSE) is not limited.
   */
  readonly answerTimeoutMs?: number;
}

/** The upstream server did not start its answer within {@linkcode Http1PoolOptions.answerTimeoutMs}. */
export class UpstreamTimeoutError extends Error {
  override name = "UpstreamTimeoutError";
}

/**
 * A kept-alive connection closed before any answer to a request that is not safe to send again (a POST with
 * a body: a `tools/call` may have run upstream), so it was not sent again.
 */
export class UpstreamClosedError extends Error {
  override name = "UpstreamClosedError";
}

/** Methods that change nothing upstream (RFC 9110 §9.2.1), so a request may be sent again. */
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS", "TRACE"]);

/** Keep-alive HTTP/1.1 connections to one origin. */
export class Http1Pool {
  readonly #hostname: string;
  readonly #port: number;
  readonly #host: string;
  readonly #tls: boolean;
  readonly #maxIdle: number;
  readonly #caCerts: string[] | undefined;
  readonly #answerTimeoutMs: number;
  readonly #idle: Connection[] = [];
  readonly #open = new Set<Connection>();
  #closed = false;

  /** A pool for the origin of `url` (http or https). */
  constructor(url: URL, options: Http1PoolOptions = {}) {
    this.#tls = url.protocol === "https:";
    this.#hostname = url.hostname.replace(/^\[(.*)\]$/, "$1");
    this.#port = Number(url.port || (this.#tls ? 443 : 80));
    this.#host = url.host;
    this.#maxIdle = options.maxIdle ?? 64;
    this.#caCerts = options.caCerts;
    this.#answerTimeoutMs = options.answerTimeoutMs ?? 0;
  }

  /** Open connections, idle or busy. */
  get connections(): number {
    return this.#open.size;
  }

  /** Idle connections. */
  get idle(): number {
    return this.#idle.length;
  }

  /**
   * Sends one request: `target` is the path and query, `fields` the header fields to send besides `host`
   * and `content-length` (already free of hop-by-hop fields). Rejects when the server cannot be reached
   * or its answer is malformed, and with an {@linkcode UpstreamTimeoutError} when its answer does not start
   * in time (the request is not sent again: the server may be working on it), or with an
   * {@linkcode UpstreamClosedError} when a kept-alive connection closed unanswered under a request that is
   * not safe to send again.
   */
  async request(
    method: string,
    target: string,
    fields: ReadonlyArray<readonly [string, string]>,
    body?: Uint8Array,
  ): Promise<UpstreamResponse> {
    if (this.#closed) throw new Error("The upstream connection pool is closed");
    const bytes = encodeRequest(requestHead(method, target, this.#host, fields, body?.byteLength), body);
    while (true) {
      const c = this.#take() ?? await this.#connect();
      try {
        return await this.#exchange(c, method, bytes);
      } catch (e) {
        this.#discard(c);
        if (e instanceof UpstreamTimeoutError) throw e;
        // A kept-alive connection the server closed just before or as the request went out: the server
        // never answered. A request safe to replay goes again on another connection; any other may have
        // reached the server and run there (a tool call), so the caller is told instead.
        if (c.reused && c.received === 0 && !this.#closed) {
          if (SAFE_METHODS.has(method) || !body?.byteLength) continue;
          throw new UpstreamClosedError(
            `Upstream closed a kept-alive connection without answering ${method} ${target}; it was not sent ` +
              "again, as it may have run: retry it if that is safe",
            { cause: e },
          );
        }
        throw e;
      }
    }
  }

  /** Closes every connection; streams still reading end with an error. */
  close(): void {
    this.#closed = true;
    for (const c of this.#open) c.close();
    this.#open.clear();
    this.#idle.length = 0;
  }

  #take(): Connection | undefined {
    const c = this.#idle.pop();
    c?.unpark();
    return c;
  }

  async #connect(): Promise<Connection> {
    const options = { hostname: this.#hostname, port: this.#port };
    let conn: Deno.Conn;
    if (this.#tls) conn = await Deno.connectTls({ ...options, ...(this.#caCerts ? { caCerts: this.#caCerts } : {}) });
    else {
      const tcp = await Deno.connect(options);
      tcp.setNoDelay(true);
      conn = tcp;
    }
    const c = new Connection(conn);
    if (this.#closed) c.close();
    else this.#open.add(c);
    return c;
  }

  #discard(c: Connection): void {
    c.close();
    this.#open.delete(c);
    const i = this.#idle.indexOf(c);
    if (i >= 0) this.#idle.splice(i, 1);
  }

  /** Returns a connection whose exchange is complete to the pool, or closes it. */
  #release(c: Connection, reusable: boolean): void {
    if (!reusable || !c.drained || this.#closed || this.#idle.length >= this.#maxIdle) {
      this.#discard(c);
      return;
    }
    c.park(() => this.#discard(c));
    this.#idle.push(c);
  }

  async #exchange(c: Connection, method: string, bytes: Uint8Array): Promise<UpstreamResponse> {
    c.begin();
    let timedOut = false;
    const timer = this.#answerTimeoutMs > 0
      ? setTimeout(() => {
        timedOut = true;
        c.close(); // ends the read below
      }, this.#answerTimeoutMs)
      : undefined;
    let head: ResponseHead | undefined;
    try {
      await c.write(bytes);
      do {
        head = await c.readHead();
        if (!head) throw new Error("Upstream closed the connection without answering");
        if (head.status === 101) throw new TypeError("Upstream switched protocols, which the proxy does not relay");
      } while (head.status < 200);
    } catch (e) {
      if (!timedOut) throw e;
      throw new UpstreamTimeoutError(`Upstream did not answer within ${this.#answerTimeoutMs} ms`, { cause: e });
    } finally {
      clearTimeout(timer);
    }
    const framing = responseFraming(method, head);
    const reusable = keepsAlive(head, framing);
    const response = (body: UpstreamResponse["body"]) => ({
      status: head.status,
      statusText: head.statusText,
      headers: head.headers,
      body,
    });
    if (framing.kind === "none") {
      this.#release(c, reusable);
      return response(null);
    }
    const whole = framing.kind === "length" ? this.#wholeFixed(c, framing.length) : undefined;
    if (whole) {
      this.#release(c, reusable);
      return response(whole);
    }
    return response(this.#stream(c, framing, reusable));
  }

  /** The whole body of a fixed length when it is already buffered. */
  #wholeFixed(c: Connection, length: number): Uint8Array<ArrayBuffer> | undefined {
    if (c.end - c.start < length) return undefined;
    const body = c.buf.slice(c.start, c.start + length);
    c.start += length;
    return body;
  }

  /** The body as a stream; a chunked body that is already whole comes back whole instead. */
  #stream(c: Connection, framing: Framing, reusable: boolean): ReadableStream<Uint8Array> | Uint8Array<ArrayBuffer> {
    const chunked = framing.kind === "chunked" ? new ChunkedDecoder() : undefined;
    let remaining = framing.kind === "length" ? framing.length : Infinity;
    const pieces: Uint8Array[] = [];
    const collect = (p: Uint8Array) => pieces.push(p.slice());
    /** Moves buffered body bytes into `pieces`; true when the body is complete. */
    const decode = (): boolean => {
      if (chunked) {
        c.start += chunked.push(c.buf.subarray(c.start, c.end), collect);
        return chunked.done;
      }
      const n = Math.min(remaining, c.end - c.start);
      if (n > 0) collect(c.buf.subarray(c.start, c.start + n));
      c.start += n;
      remaining -= n;
      return remaining === 0;
    };
    if (decode()) {
      this.#release(c, reusable);
      return concatBytes(pieces);
    }
    let finished = false;
    return new ReadableStream<Uint8Array>({
      start(controller) {
        for (const p of pieces.splice(0)) controller.enqueue(p);
      },
      pull: async (controller) => {
        try {
          while (true) {
            const complete = decode();
            for (const p of pieces.splice(0)) controller.enqueue(p);
            if (complete) {
              finished = true;
              controller.close();
              this.#release(c, reusable);
              return;
            }
            if (controller.desiredSize !== null && controller.desiredSize <= 0) return;
            if (!(await c.fill())) {
              if (framing.kind !== "close") throw new Error("Upstream closed the connection within a response body");
              finished = true;
              controller.close();
              this.#discard(c);
              return;
            }
          }
        } catch (e) {
          if (finished) return; // cancelled while reading: the read ended because the socket closed
          finished = true;
          this.#discard(c);
          if (!this.#closed) throw e;
          controller.close(); // the pool closed (the proxy stops): the stream ends, as the server's would
        }
      },
      cancel: () => {
        if (finished) return;
        finished = true;
        this.#discard(c);
      },
    });
  }
}
