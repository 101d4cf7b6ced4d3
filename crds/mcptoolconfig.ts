/**
 * MCPToolConfig: which tools a server exposes and under what names, shared by the servers that reference it
 * (`spec.toolConfigRef`). Fields follow ToolHive's (toolhive-crds.md §2).
 * @module
 */
import { z } from "zod";
import { GROUP, V1ALPHA1_DEPRECATED } from "./api_group.ts";
import type { CrdDefinition } from "./crd.ts";
import { listSet } from "./k8s_schema.ts";
import { sharedConfigStatus } from "./shared.ts";

/** How one tool is shown to clients instead of as the server names it. */
export const ToolOverride = z.object({
  name: z.string().optional().describe("Name clients see and call the tool by."),
  description: z.string().optional().describe("Description clients see."),
  annotations: z.object({
    title: z.string().optional().describe("Replacement title annotation."),
    readOnlyHint: z.boolean().optional().describe("Replacement readOnlyHint."),
    destructiveHint: z.boolean().optional().describe("Replacement destructiveHint."),
    idempotentHint: z.boolean().optional().describe("Replacement idempotentHint."),
    openWorldHint: z.boolean().optional().describe("Replacement openWorldHint."),
  }).optional().describe("Replacement MCP annotations; unset ones pass through."),
});

/** The `spec` of an MCPToolConfig. */
export const McpToolConfigSpec = z.object({
  toolsFilter: listSet(z.string()).optional().describe(
    "Tools the server exposes, by the name the server gives them; empty or unset: all tools.",
  ),
  toolsOverride: z.record(z.string(), ToolOverride).optional().describe(
    "New names and descriptions, keyed by the name the server gives the tool.",
  ),
});

/** An MCPToolConfig's spec after defaults. */
export type McpToolConfigSpec = z.output<typeof McpToolConfigSpec>;

/** The `status` of an MCPToolConfig. */
export const McpToolConfigStatus = sharedConfigStatus();

/** MCPToolConfig. */
export const MCP_TOOL_CONFIG_CRD: CrdDefinition = {
  group: GROUP,
  kind: "MCPToolConfig",
  plural: "mcptoolconfigs",
  singular: "mcptoolconfig",
  shortNames: ["tc", "toolconfig"],
  categories: ["toolhive"],
  description: "Tool filtering and renaming, shared by the MCPServers that reference it.",
  spec: McpToolConfigSpec,
  status: McpToolConfigStatus,
  storageVersion: "v1beta1",
  deprecatedVersions: [V1ALPHA1_DEPRECATED],
  printerColumns: [
    { name: "Valid", type: "string", jsonPath: ".status.conditions[?(@.type=='Valid')].status" },
    { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" },
  ],
};
