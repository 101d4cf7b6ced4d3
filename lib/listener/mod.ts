/**
 * The listener's old home, kept only until roles/operator imports lib/http: use lib/http/mod.ts.
 * @module
 */
import { type Handler, type HttpListener, type HttpListenerOptions, serve } from "../http/mod.ts";

export {
  ConnectionState,
  DEFAULT_HEADERS_TIMEOUT_MS,
  DEFAULT_IDLE_TIMEOUT_MS,
  type HttpListener,
  type HttpListenerOptions,
  type Protocol,
} from "../http/mod.ts";

/**
 * The old name of {@linkcode serve}.
 * @deprecated Use `serve` from lib/http/mod.ts (same arguments); this goes with lib/listener.
 */
export function serveHttp(options: HttpListenerOptions, handler: Handler): HttpListener {
  return serve(options, handler);
}
