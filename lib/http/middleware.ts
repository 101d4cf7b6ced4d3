/**
 * Handlers and middleware: a handler is Web-standard, `(req: Request) => Response | Promise<Response>`,
 * testable as `handler(new Request(...))` without a socket; a middleware wraps one handler in another.
 * {@linkcode withMiddleware} composes them; {@linkcode errorBoundary} is the one place errors become
 * responses; {@linkcode requestLog} logs each request.
 * @module
 */
import type { Logger } from "../log.ts";
import { ConflictError, NotFoundError } from "../errors.ts";
import { HttpError } from "./error.ts";
import { pathOf } from "./url.ts";

/** A Web-standard HTTP handler. */
export type Handler = (req: Request) => Response | Promise<Response>;

/** Wraps a handler: checks or changes the request, the response, or both. */
export type Middleware = (next: Handler) => Handler;

/**
 * One middleware made of several, the first listed outermost (it sees the request first).
 * @example
 * ```ts
 * const guarded = compose(hostGuard({ allowedHosts: [] }), bodyLimit({ maxBytes: 1 << 20 }));
 * ```
 */
export function compose(...middleware: readonly Middleware[]): Middleware {
  return (next) => middleware.reduceRight((inner, wrap) => wrap(inner), next);
}

/**
 * `handler` inside `middleware`, the first listed outermost.
 * @example
 * ```ts
 * const handler = withMiddleware(routes, errorBoundary({ log }), hostGuard({ allowedHosts: [] }));
 * ```
 */
export function withMiddleware(handler: Handler, ...middleware: readonly Middleware[]): Handler {
  return compose(...middleware)(handler);
}

/** Options of {@linkcode errorBoundary}. */
export interface ErrorBoundaryOptions {
  /** Where unexpected errors are logged (their detail never reaches the client). */
  readonly log?: Logger;
  /**
   * Turns an error into the response: an {@linkcode HttpError} as thrown, anything else as a bare
   * `HttpError(500, "Internal server error")` whose cause is the error (default: `error.toResponse()`).
   */
  readonly onError?: (error: HttpError, req: Request) => Response | Promise<Response>;
}

/**
 * The error boundary: an {@linkcode HttpError} thrown (or rejected with) inside becomes its response, a
 * `NotFoundError` a 404 and a `ConflictError` a 409 with their messages (lib/errors.ts); any other error is logged with the request's method and path and answered with a 500 that says nothing more.
 */
export function errorBoundary(
  options: ErrorBoundaryOptions = {},
): (next: Handler) => (req: Request) => Promise<Response> {
  const render = options.onError ?? ((e: HttpError) => e.toResponse());
  return (next) => async (req) => {
    try {
      return await next(req);
    } catch (e) {
      if (e instanceof HttpError) return await render(e, req);
      // The domain's own errors carry one-line messages meant for the caller.
      if (e instanceof NotFoundError) return await render(new HttpError(404, e.message, { cause: e }), req);
      if (e instanceof ConflictError) return await render(new HttpError(409, e.message, { cause: e }), req);
      options.log?.error("Request failed", { method: req.method, path: pathOf(req.url), error: e });
      return await render(new HttpError(500, "Internal server error", { cause: e }), req);
    }
  };
}

/** Options of {@linkcode requestLog}. */
export interface RequestLogOptions {
  /** Where each request is logged. */
  readonly log: Logger;
  /** The level of the entries (default `debug`: a busy proxy serves thousands a second). */
  readonly level?: "debug" | "info";
}

/**
 * Logs each request once its response head is ready: method, path (never the query, which may carry a
 * session id), status and milliseconds. A request that throws is logged by {@linkcode errorBoundary}.
 */
export function requestLog(options: RequestLogOptions): Middleware {
  const { log } = options;
  const write = options.level === "info" ? log.info.bind(log) : log.debug.bind(log);
  return (next) => async (req) => {
    const started = performance.now();
    const res = await next(req);
    write("Served request", {
      method: req.method,
      path: pathOf(req.url),
      status: res.status,
      ms: Math.round((performance.now() - started) * 10) / 10,
    });
    return res;
  };
}
