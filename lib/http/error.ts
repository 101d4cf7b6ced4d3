/**
 * `HttpError`: the one error a handler or middleware throws to answer with an HTTP status. The error
 * boundary ({@linkcode errorBoundary}) turns it into its response; any other error becomes a bare 500.
 * @module
 */

/** Options of {@linkcode HttpError}. */
export interface HttpErrorOptions {
  /** Header fields of the response (e.g. `allow`, `retry-after`). */
  readonly headers?: HeadersInit;
  /** What caused it. */
  readonly cause?: unknown;
}

/**
 * An error with an HTTP status (4xx or 5xx) whose message is meant for the client: it must not carry
 * internals.
 * @example
 * ```ts
 * throw new HttpError(413, "Request body larger than 1024 bytes: send smaller messages");
 * ```
 */
export class HttpError extends Error {
  override name = "HttpError";
  /** The status of the response. */
  readonly status: number;
  /** Header fields of the response. */
  readonly headers: HeadersInit | undefined;

  /** An error answered with `status` and `message`. */
  constructor(status: number, message: string, options: HttpErrorOptions = {}) {
    if (!Number.isInteger(status) || status < 400 || status > 599) {
      throw new RangeError(`HttpError status ${status} is not an error status: use 400 to 599`);
    }
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.status = status;
    this.headers = options.headers;
  }

  /** The response: the message as plain text, with the status and headers. */
  toResponse(): Response {
    const headers = new Headers(this.headers);
    if (!headers.has("content-type")) headers.set("content-type", "text/plain; charset=utf-8");
    return new Response(`${this.message}\n`, { status: this.status, headers });
  }
}
