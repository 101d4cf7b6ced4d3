/**
 * HTTP for every listener thv serves (design.md §3): Web-standard handlers, middleware as named factories
 * ({@linkcode hostGuard}, {@linkcode originGuard}, {@linkcode bodyLimit}, {@linkcode requestLog}) composed
 * with {@linkcode withMiddleware}, one error boundary that turns an {@linkcode HttpError} into its response,
 * and {@linkcode serve}, the listener with header and idle deadlines.
 * @module
 */
export { HttpError, type HttpErrorOptions } from "./error.ts";
export {
  compose,
  errorBoundary,
  type ErrorBoundaryOptions,
  type Handler,
  type Middleware,
  requestLog,
  type RequestLogOptions,
  withMiddleware,
} from "./middleware.ts";
export {
  checkHost,
  checkOrigin,
  hostGuard,
  type HostGuardOptions,
  originGuard,
  type OriginGuardOptions,
  requestHost,
} from "./guards.ts";
export { cors, type CorsOptions } from "./cors.ts";
export { bodyLimit, type BodyLimitOptions, readBody } from "./body.ts";
export { pathAndQuery, pathOf } from "./url.ts";
export {
  DEFAULT_HEADERS_TIMEOUT_MS,
  DEFAULT_IDLE_TIMEOUT_MS,
  type HttpListener,
  type HttpListenerOptions,
  serve,
} from "./serve.ts";
export { ConnectionState, type Protocol } from "./framing.ts";
