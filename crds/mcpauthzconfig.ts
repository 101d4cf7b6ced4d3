/**
 * MCPAuthzConfig: an authorizer backend (`cedarv1`, `httpv1`) and its options, shared by the workloads that
 * reference it (`spec.authzConfigRef`). Fields follow ToolHive's (toolhive-crds.md §4).
 * @module
 */
import { z } from "zod";
import { GROUP, V1ALPHA1_DEPRECATED } from "./api_group.ts";
import type { CrdDefinition } from "./crd.ts";
import { preservedObject } from "./k8s_schema.ts";
import { sharedConfigStatus } from "./shared.ts";

/** The `spec` of an MCPAuthzConfig. */
export const McpAuthzConfigSpec = z.object({
  type: z.string().min(1).describe("Authorizer backend: cedarv1 or httpv1."),
  config: preservedObject().describe(
    "Options of the backend: the cedar object for cedarv1, the pdp object for httpv1.",
  ),
});

/** An MCPAuthzConfig's spec. */
export type McpAuthzConfigSpec = z.output<typeof McpAuthzConfigSpec>;

/** The `status` of an MCPAuthzConfig. */
export const McpAuthzConfigStatus = sharedConfigStatus();

/** MCPAuthzConfig. */
export const MCP_AUTHZ_CONFIG_CRD: CrdDefinition = {
  group: GROUP,
  kind: "MCPAuthzConfig",
  plural: "mcpauthzconfigs",
  singular: "mcpauthzconfig",
  shortNames: ["authzcfg"],
  categories: ["toolhive"],
  description: "Authorization of MCP requests, shared by the workloads that reference it.",
  spec: McpAuthzConfigSpec,
  status: McpAuthzConfigStatus,
  storageVersion: "v1beta1",
  deprecatedVersions: [V1ALPHA1_DEPRECATED],
  printerColumns: [
    { name: "Type", type: "string", jsonPath: ".spec.type" },
    { name: "Valid", type: "string", jsonPath: ".status.conditions[?(@.type=='Valid')].status" },
    { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" },
  ],
};
