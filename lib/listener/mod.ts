/**
 * HTTP listeners with header-read and idle deadlines, for every socket thv serves (design.md §3).
 * @module
 */
export {
  DEFAULT_HEADERS_TIMEOUT_MS,
  DEFAULT_IDLE_TIMEOUT_MS,
  type HttpListener,
  type HttpListenerOptions,
  serveHttp,
} from "./serve.ts";
export { ConnectionState, type Protocol } from "./framing.ts";
