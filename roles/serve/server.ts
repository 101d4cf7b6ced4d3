/**
 * The handler of `thv serve`: the API routes (and, with `openapi`, the document) behind the request log, the
 * JSON error boundary, the Host and Origin guards against DNS rebinding, CORS for configured origins only,
 * and the bearer token; paths that are not the API's go to the web UI's files.
 * @module
 */
import { apiHandler, errorResponse } from "../../lib/api/mod.ts";
import {
  cors,
  errorBoundary,
  type Handler,
  hostGuard,
  HttpError,
  originGuard,
  requestLog,
  withMiddleware,
} from "../../lib/http/mod.ts";
import { tokenAuthorizer, tokenLogin } from "./auth.ts";
import type { ServeDeps } from "./deps.ts";
import { apiRoutes, openApiRoutes } from "./routes/mod.ts";

/** Options of {@linkcode serveHandler}. */
export interface ServeHandlerOptions {
  /** What the routes are built from. */
  readonly deps: ServeDeps;
  /** The bearer token every request but `/health` needs; absent on a UNIX socket, whose mode guards it. */
  readonly token?: string;
  /** Host names besides loopback ones clients may use (the `--host` given, when it is not loopback). */
  readonly allowedHosts: readonly string[];
  /** Browser origins allowed besides loopback ones; they get CORS. */
  readonly allowedOrigins: readonly string[];
  /** Serves `/api/openapi.json` (and `/api/doc`). */
  readonly openapi: boolean;
  /** Checks every JSON reply against its schema (tests). */
  readonly checkResponses?: boolean;
  /** Serves what is not the API: the web UI's files (default: a 404). */
  readonly ui?: Handler;
}

/** The handler of `thv serve`. */
export function serveHandler(options: ServeHandlerOptions): Handler {
  const { deps, token } = options;
  const routes = apiRoutes(deps);
  const all = options.openapi ? [...routes, ...openApiRoutes(routes, deps.version)] : routes;
  const api = apiHandler(all, {
    ...(token ? { authorize: tokenAuthorizer(token) } : {}),
    ...(options.ui ? { fallback: options.ui } : {}),
    ...(options.checkResponses ? { checkResponses: true } : {}),
  });
  return withMiddleware(
    api,
    requestLog({ log: deps.log }),
    errorBoundary({ log: deps.log, onError: (e: HttpError) => errorResponse(e) }),
    hostGuard({ allowedHosts: options.allowedHosts }),
    originGuard({ allowedOrigins: options.allowedOrigins }),
    cors({ allowedOrigins: options.allowedOrigins }),
    ...(token ? [tokenLogin(token)] : []),
  );
}
