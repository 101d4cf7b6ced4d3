/**
 * The custom resources thv serves, as CRD definitions.
 * @module
 */
import type { CrdDefinition } from "./crd.ts";
import { McpServerSpec, McpServerStatus } from "./mcpserver.ts";

/** The API group of every thv custom resource. */
export const GROUP = "toolhive.stacklok.dev";

const v1alpha1Deprecated = {
  name: "v1alpha1",
  warning: `${GROUP}/v1alpha1 is deprecated; use v1beta1`,
} as const;

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
  deprecatedVersions: [v1alpha1Deprecated],
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
export const ALL_CRDS: readonly CrdDefinition[] = [MCP_SERVER_CRD];
