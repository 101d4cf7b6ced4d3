/**
 * The custom resources thv serves, as CRD definitions.
 * @module
 */
import { GROUP, V1ALPHA1_DEPRECATED } from "./api_group.ts";
import type { CrdDefinition } from "./crd.ts";
import { McpServerSpec, McpServerStatus } from "./mcpserver.ts";
import { MCP_TOOL_CONFIG_CRD } from "./mcptoolconfig.ts";
import { MCP_TELEMETRY_CONFIG_CRD } from "./mcptelemetryconfig.ts";
import { MCP_EXTERNAL_AUTH_CONFIG_CRD } from "./mcpexternalauthconfig.ts";
import { MCP_GROUP_CRD } from "./mcpgroup.ts";
import { MCP_OIDC_CONFIG_CRD } from "./mcpoidcconfig.ts";
import { MCP_AUTHZ_CONFIG_CRD } from "./mcpauthzconfig.ts";
import { MCP_WEBHOOK_CONFIG_CRD } from "./mcpwebhookconfig.ts";
import { MCP_REMOTE_PROXY_CRD } from "./mcpremoteproxy.ts";
import { MCP_SERVER_ENTRY_CRD } from "./mcpserverentry.ts";

export { GROUP } from "./api_group.ts";

/** MCPServer: one MCP server and the proxy in front of it. */
export const MCP_SERVER_CRD: CrdDefinition = {
  group: GROUP,
  kind: "MCPServer",
  plural: "mcpservers",
  singular: "mcpserver",
  shortNames: ["mcpserver", "mcpservers"],
  categories: ["toolhive"],
  description: "An MCP server run in the cluster behind thv's proxy.",
  spec: McpServerSpec,
  status: McpServerStatus,
  storageVersion: "v1beta1",
  deprecatedVersions: [V1ALPHA1_DEPRECATED],
  printerColumns: [
    { name: "Status", type: "string", jsonPath: ".status.phase", description: "Phase of the server." },
    {
      name: "Ready",
      type: "string",
      jsonPath: ".status.conditions[?(@.type=='Ready')].status",
      description: "Whether the server answers.",
    },
    { name: "Replicas", type: "integer", jsonPath: ".status.readyReplicas", description: "Ready proxy replicas." },
    { name: "URL", type: "string", jsonPath: ".status.url", description: "URL for MCP clients in the cluster." },
    { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" },
  ],
};

/** Every CRD thv serves, in the order they are generated. */
export const ALL_CRDS: readonly CrdDefinition[] = [
  MCP_SERVER_CRD,
  MCP_TOOL_CONFIG_CRD,
  MCP_TELEMETRY_CONFIG_CRD,
  MCP_EXTERNAL_AUTH_CONFIG_CRD,
  MCP_OIDC_CONFIG_CRD,
  MCP_AUTHZ_CONFIG_CRD,
  MCP_WEBHOOK_CONFIG_CRD,
  MCP_REMOTE_PROXY_CRD,
  MCP_SERVER_ENTRY_CRD,
  MCP_GROUP_CRD,
];
