/**
 * Which protocol MCP clients speak to a proxy, and the path of the URL they get. Kept apart from
 * lib/run_config.ts (which re-exports both): that module loads zod for its schema, and the proxy, which
 * needs only these rules, should not pay for it (decision 013).
 * @module
 */
import type { ProxyMode, Transport } from "./run_config.ts";

/**
 * The protocol MCP clients speak to a proxy: in front of a stdio server its proxy mode (streamable HTTP
 * unless set), else the server's own transport.
 */
export function clientProtocol(transport: Transport, options: { readonly proxyMode?: ProxyMode } = {}): ProxyMode {
  return transport === "stdio" ? options.proxyMode ?? "streamable-http" : transport;
}

/**
 * The one rule for the path of the URL MCP clients get for a proxy: `/sse` where they speak legacy SSE,
 * `/mcp` where they speak streamable HTTP. An HTTP MCP server serves the same paths by convention.
 * @example
 * ```ts
 * clientPath("stdio", { proxyMode: "sse" }); // "/sse"
 * ```
 */
export function clientPath(transport: Transport, options: { readonly proxyMode?: ProxyMode } = {}): "/sse" | "/mcp" {
  return clientProtocol(transport, options) === "sse" ? "/sse" : "/mcp";
}
