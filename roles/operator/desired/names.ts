/**
 * Names, labels, owner references, ports and the URL of the objects behind an MCPServer (design.md §3):
 * the same as ToolHive's, so existing dashboards and scripts keep working.
 * @module
 */
import { clientPath, clientProtocol } from "../../../lib/client_path.ts";
import type { V1OwnerReference } from "@kubernetes/client-node";
import type { McpServer } from "../../../crds/mod.ts";

/** The port used when neither the field nor its deprecated alias is set. */
const DEFAULT_PORT = 8080;

/** The names of every child of an MCPServer. */
export function childNames(name: string) {
  return {
    proxyDeployment: name,
    proxyService: `mcp-${name}-proxy`,
    runConfigMap: `${name}-runconfig`,
    proxyRunner: `${name}-proxy-runner`,
    mcpServiceAccount: `${name}-sa`,
    statefulSet: name,
    mcpService: `mcp-${name}`,
    mcpHeadlessService: `mcp-${name}-headless`,
    networkPolicy: `mcp-${name}-network`,
  } as const;
}

/** Labels on the proxy Deployment, its pods, its Service and its selector. */
export function labelsFor(name: string): Record<string, string> {
  return {
    app: "mcpserver",
    "app.kubernetes.io/name": "mcpserver",
    "app.kubernetes.io/instance": name,
    toolhive: "true",
    "toolhive-name": name,
  };
}

/** The owner reference every child carries: the MCPServer is its controller. */
export function ownerReference(server: McpServer): V1OwnerReference {
  return {
    apiVersion: server.apiVersion,
    kind: server.kind,
    name: server.metadata.name,
    uid: server.metadata.uid,
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** The ports in effect: the field, else its deprecated alias, else 8080. */
export function effectivePorts(
  server: { readonly spec: Partial<Pick<McpServer["spec"], "proxyPort" | "port" | "mcpPort" | "targetPort">> },
): { proxyPort: number; mcpPort: number } {
  const { spec } = server;
  return {
    proxyPort: spec.proxyPort ?? spec.port ?? DEFAULT_PORT,
    mcpPort: spec.mcpPort ?? spec.targetPort ?? DEFAULT_PORT,
  };
}

/** The protocol clients speak to the proxy (lib/client_path.ts holds the rule). */
export function clientTransport(server: McpServer): "sse" | "streamable-http" {
  return clientProtocol(server.spec.transport, { proxyMode: server.spec.proxyMode });
}

/** `status.url`: where MCP clients in the cluster reach the server. */
export function serverUrl(server: McpServer): string {
  const { name, namespace } = server.metadata;
  const base = `http://${childNames(name).proxyService}.${namespace}.svc.cluster.local:${
    effectivePorts(server).proxyPort
  }`;
  const path = clientPath(server.spec.transport, { proxyMode: server.spec.proxyMode });
  return path === "/sse" ? `${base}${path}#${name}` : `${base}${path}`;
}
