/**
 * The client configuration snippet of a running workload: an `mcpServers` entry with its URL, the shape
 * Cursor, Claude Desktop (through a bridge) and most MCP clients read; `thv client setup` writes it for them.
 * @module
 */
import type { Workload } from "./types.ts";

/** The JSON text of `workload`'s `mcpServers` entry (SSE proxies are marked with `"type": "sse"`). */
export function clientSnippet(workload: Pick<Workload, "name" | "url" | "proxy_mode">): string {
  const entry = workload.proxy_mode === "sse" ? { type: "sse", url: workload.url } : { url: workload.url };
  return JSON.stringify({ mcpServers: { [workload.name]: entry } }, null, 2);
}
