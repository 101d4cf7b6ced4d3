/**
 * MCPGroup: a named set of workloads (MCPServers, MCPRemoteProxies, MCPServerEntries name it in
 * `spec.groupRef`); its status lists the members. Fields follow ToolHive's (toolhive-crds.md §1).
 * @module
 */
import { z } from "zod";
import { GROUP, V1ALPHA1_DEPRECATED } from "./api_group.ts";
import type { CrdDefinition } from "./crd.ts";
import { int32, listMap, listSet } from "./k8s_schema.ts";
import { Condition } from "./shared.ts";

/** The phases of an MCPGroup. */
export const MCP_GROUP_PHASES = ["Ready", "Pending", "Failed"] as const;

/** The `spec` of an MCPGroup. */
export const McpGroupSpec = z.object({
  description: z.string().optional().describe("What the group is for."),
});

/** An MCPGroup's spec after defaults. */
export type McpGroupSpec = z.output<typeof McpGroupSpec>;

/** The `status` of an MCPGroup. */
export const McpGroupStatus = z.object({
  observedGeneration: z.int().min(0).optional().meta({ format: "int64" })
    .describe("Generation of the spec this status describes."),
  phase: z.enum(MCP_GROUP_PHASES).default("Pending").describe("Phase of the group."),
  servers: listSet(z.string()).optional().describe("Sorted names of the MCPServers in the group."),
  serverCount: int32().optional().describe("Number of MCPServers in the group."),
  remoteProxies: listSet(z.string()).optional().describe("Sorted names of the MCPRemoteProxies in the group."),
  remoteProxyCount: int32().optional().describe("Number of MCPRemoteProxies in the group."),
  entries: listSet(z.string()).optional().describe("Sorted names of the MCPServerEntries in the group."),
  entryCount: int32().optional().describe("Number of MCPServerEntries in the group."),
  conditions: listMap(Condition, ["type"]).optional().describe("MCPServersChecked."),
});

/** The status of an MCPGroup. */
export type McpGroupStatus = z.output<typeof McpGroupStatus>;

/** MCPGroup. */
export const MCP_GROUP_CRD: CrdDefinition = {
  group: GROUP,
  kind: "MCPGroup",
  plural: "mcpgroups",
  singular: "mcpgroup",
  shortNames: ["mcpg", "mcpgroup"],
  categories: ["toolhive"],
  description: "A named set of MCP workloads; its status lists the members.",
  spec: McpGroupSpec,
  status: McpGroupStatus,
  storageVersion: "v1beta1",
  deprecatedVersions: [V1ALPHA1_DEPRECATED],
  printerColumns: [
    { name: "Servers", type: "integer", jsonPath: ".status.serverCount" },
    { name: "Proxies", type: "integer", jsonPath: ".status.remoteProxyCount" },
    { name: "Phase", type: "string", jsonPath: ".status.phase" },
    { name: "Checked", type: "string", jsonPath: ".status.conditions[?(@.type=='MCPServersChecked')].status" },
    { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" },
  ],
};
