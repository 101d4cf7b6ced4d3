/**
 * MCPServer objects for unit tests, built through the real schema so defaults apply as on the API server.
 * @module
 */
import { type McpServer, McpServerSpec } from "../../../crds/mod.ts";

/** An MCPServer named `name` in namespace `ns` with `spec` (defaults filled in by the schema). */
export function mcpServer(
  spec: Record<string, unknown>,
  options: { name?: string; namespace?: string; generation?: number } = {},
): McpServer {
  return {
    apiVersion: "toolhive.stacklok.dev/v1beta1",
    kind: "MCPServer",
    metadata: {
      name: options.name ?? "fetch",
      namespace: options.namespace ?? "tools",
      uid: "0b7c1c5e-0000-4000-8000-000000000001",
      generation: options.generation ?? 1,
    },
    spec: McpServerSpec.parse({ image: "ghcr.io/example/fetch:1", ...spec }),
  };
}
