/**
 * What stands in front of every proxy's routes: the Host and Origin guards against DNS rebinding and the
 * body limit (lib/http middleware), inside an error boundary that answers in JSON-RPC, as MCP clients
 * expect.
 * @module
 */
import {
  bodyLimit,
  errorBoundary,
  type Handler,
  hostGuard,
  type HttpError,
  type Middleware,
  originGuard,
  withMiddleware,
} from "../http/mod.ts";
import type { Logger } from "../log.ts";
import { ErrorCode } from "./jsonrpc.ts";

/** A JSON-RPC error as an HTTP response (id null: the request was not read). */
export function jsonRpcError(status: number, code: number, message: string): Response {
  return Response.json({ jsonrpc: "2.0", id: null, error: { code, message } }, { status });
}

/**
 * An {@linkcode HttpError} as a JSON-RPC error with its status: a refused request is an invalid request, a
 * failure of the proxy an internal error, a server that cannot answer unavailable.
 */
function jsonRpcErrorOf(error: HttpError): Response {
  const code = error.status < 500
    ? ErrorCode.InvalidRequest
    : error.status === 500
    ? ErrorCode.InternalError
    : ErrorCode.BackendUnavailable;
  const res = jsonRpcError(error.status, code, error.message);
  for (const [k, v] of new Headers(error.headers)) res.headers.set(k, v);
  return res;
}

/** Options of {@linkcode guardedHandler}. */
export interface ProxyGuardOptions {
  /** Host names clients may use besides the loopback names. */
  readonly allowedHosts: readonly string[];
  /** Origins browsers may call from besides loopback ones. */
  readonly allowedOrigins: readonly string[];
  /** Largest request body. */
  readonly maxBodyBytes: number;
  /** Where unexpected errors are logged. */
  readonly log: Logger;
  /** The middleware chain (lib/middleware: authentication, authorization, audit...), inside the guards. */
  readonly middleware?: Middleware;
}

/**
 * `routes` behind the proxy's guards, in order: Host (403), Origin (403), body size (413), then the chain; every refusal,
 * and any error thrown inside, answered as a JSON-RPC error.
 */
export function guardedHandler(routes: Handler, options: ProxyGuardOptions): (req: Request) => Promise<Response> {
  const guarded = withMiddleware(
    routes,
    hostGuard(options),
    originGuard(options),
    bodyLimit({ maxBytes: options.maxBodyBytes }),
    ...(options.middleware ? [options.middleware] : []),
  );
  return errorBoundary({ log: options.log, onError: jsonRpcErrorOf })(guarded);
}
