/**
 * A small keep-alive HTTP/1.1 client for the reverse proxy's hot path (see {@linkcode Http1Pool}).
 * @module
 */
export {
  Http1Pool,
  type Http1PoolOptions,
  UpstreamClosedError,
  type UpstreamResponse,
  UpstreamTimeoutError,
} from "./pool.ts";
export { ChunkedDecoder } from "./chunked.ts";
export {
  encodeRequest,
  type Framing,
  headEnd,
  headerValue,
  keepsAlive,
  parseResponseHead,
  requestHead,
  responseFraming,
  type ResponseHead,
} from "./head.ts";
