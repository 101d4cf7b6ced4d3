/**
 * MCPServerEntry: a remote MCP server registered in an MCPGroup without running anything (validation only;
 * VirtualMCPServer consumes entries). Fields follow ToolHive's (toolhive-crds.md §8).
 * @module
 */
import { z } from "zod";
import { GROUP, V1ALPHA1_DEPRECATED } from "./api_group.ts";
import type { CrdDefinition } from "./crd.ts";
import { HeaderForward } from "./header_forward.ts";
import { CaBundleSource } from "./shared.ts";
import { listMap } from "./k8s_schema.ts";
import { Condition, nameRef } from "./shared.ts";

/** The `spec` of an MCPServerEntry. */
export const McpServerEntrySpec = z.object({
  remoteUrl: z.string().regex(/^https?:\/\//).describe(
    "URL of the remote MCP server. The operator refuses loopback, link-local and metadata hosts.",
  ),
  transport: z.enum(["sse", "streamable-http"]).describe("MCP transport the remote server speaks."),
  groupRef: nameRef("MCPGroup").describe("MCPGroup the entry belongs to. Required."),
  allowPrivateEndpoint: z.boolean().default(false).describe(
    "Allow private (RFC 1918, ULA) and cluster.local hosts. Loopback and metadata stay refused.",
  ),
  externalAuthConfigRef: z.object({ name: z.string().describe("Name of the MCPExternalAuthConfig.") })
    .optional().describe("How a virtual MCP server authenticates to this backend."),
  headerForward: HeaderForward.optional().describe("Headers a virtual MCP server adds toward the remote."),
  caBundleRef: CaBundleSource.optional().describe("CA bundle to trust the remote's TLS certificate with."),
});

/** An MCPServerEntry's spec after defaults. */
export type McpServerEntrySpec = z.output<typeof McpServerEntrySpec>;

/** The phases of an MCPServerEntry. */
export const MCP_SERVER_ENTRY_PHASES = ["Valid", "Pending", "Failed"] as const;

/** The `status` of an MCPServerEntry. */
export const McpServerEntryStatus = z.object({
  phase: z.enum(MCP_SERVER_ENTRY_PHASES).default("Pending").describe("Whether every reference is valid."),
  observedGeneration: z.int().min(0).optional().meta({ format: "int64" })
    .describe("Generation of the spec this status describes."),
  conditions: listMap(Condition, ["type"]).optional().describe("One condition per check, and Valid."),
});

/** MCPServerEntry. */
export const MCP_SERVER_ENTRY_CRD: CrdDefinition = {
  group: GROUP,
  kind: "MCPServerEntry",
  plural: "mcpserverentries",
  singular: "mcpserverentry",
  shortNames: ["mcpentry"],
  categories: ["toolhive"],
  description: "A remote MCP server listed in an MCPGroup; the operator validates it and runs nothing.",
  spec: McpServerEntrySpec,
  status: McpServerEntryStatus,
  storageVersion: "v1beta1",
  deprecatedVersions: [V1ALPHA1_DEPRECATED],
  printerColumns: [
    { name: "Phase", type: "string", jsonPath: ".status.phase" },
    { name: "Transport", type: "string", jsonPath: ".spec.transport" },
    { name: "Remote URL", type: "string", jsonPath: ".spec.remoteUrl" },
    { name: "Group", type: "string", jsonPath: ".spec.groupRef.name" },
    { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" },
  ],
};
