/**
 * The MCP proxy every role ends in (design.md §3): HTTP in front; stdio, legacy SSE or streamable HTTP
 * behind. Build one with {@linkcode createProxy}.
 * @module
 */
export { jsonRpcError } from "./guards.ts";
export { ErrorCode, type Message, parseMessage } from "./jsonrpc.ts";
export { Multiplexer, type MultiplexerOptions, type SessionSink } from "./multiplexer.ts";
export {
  processConnector,
  StdioBackend,
  type StdioCommand,
  type StdioConnection,
  type StdioConnector,
} from "./stdio_backend.ts";
export { createStdioProxy, type Isolation, type StdioProxy, type StdioProxyOptions } from "./stdio_proxy.ts";
export { legacySseEndpoints, type LegacySseOptions, type LegacySseTarget } from "./legacy_sse.ts";
export {
  createHttpProxy,
  DEFAULT_REQUEST_TIMEOUT_MS,
  type HttpProxy,
  type HttpProxyOptions,
  type HttpTransport,
} from "./http_proxy.ts";
export { endpointRewriter, normalizePrefix } from "./sse_endpoint.ts";
export { StreamableFrontend, type StreamableFrontendOptions, type StreamableTarget } from "./streamable_frontend.ts";
export { type InitializeParams, PROTOCOL_VERSIONS, versionFor } from "./negotiation.ts";
export { ReadyGate } from "./ready_gate.ts";
export { type Forwarded, InFlight } from "./in_flight.ts";
export { HealthCheck, type HealthProbe, LIVENESS_PATH } from "./health.ts";
export {
  createProxy,
  type HttpProxyConfig,
  type McpProxy,
  type ProxyConfig,
  proxyConfigOf,
  type ProxyConfigSources,
  type StdioProxyConfig,
} from "./create.ts";
export { type CallDecision, ToolFilter, type ToolOverride, type ToolsConfig, UNKNOWN_TOOL } from "./tool_filter.ts";
