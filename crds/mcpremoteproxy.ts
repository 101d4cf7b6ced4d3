/**
 * MCPRemoteProxy: a proxy in the cluster in front of an MCP server that runs elsewhere. Fields follow
 * ToolHive's (toolhive-crds.md §9); shapes shared with MCPServer are taken from its schema.
 * @module
 */
import { z } from "zod";
import { GROUP, V1ALPHA1_DEPRECATED } from "./api_group.ts";
import type { CrdDefinition } from "./crd.ts";
import { HeaderForward } from "./header_forward.ts";
import { int32, listMap, port, preservedObject, withRules } from "./k8s_schema.ts";
import { McpServerSpec } from "./mcpserver.ts";
import { Condition, nameRef } from "./shared.ts";

const server = McpServerSpec.shape;

/** The `spec` of an MCPRemoteProxy. */
export const McpRemoteProxySpec = withRules(
  z.object({
    remoteUrl: z.string().regex(/^https?:\/\//).describe(
      "URL of the remote MCP server. The operator refuses loopback, link-local and metadata hosts.",
    ),
    transport: z.enum(["sse", "streamable-http"]).default("streamable-http")
      .describe("MCP transport the remote server speaks."),
    proxyPort: port().default(8080).describe("Port the proxy listens on, and of Service mcp-<name>-remote-proxy."),
    allowPrivateEndpoint: z.boolean().default(false).describe(
      "Allow private (RFC 1918, ULA) and cluster.local hosts. Loopback and metadata stay refused.",
    ),
    headerForward: HeaderForward.optional().describe("Headers the proxy adds to every request toward the remote."),
    groupRef: nameRef("MCPGroup").optional().describe("MCPGroup the proxy belongs to."),
    toolConfigRef: z.object({ name: z.string().describe("Name of the MCPToolConfig.") }).optional()
      .describe("Tool filtering and renaming."),
    oidcConfigRef: server.oidcConfigRef,
    authzConfig: server.authzConfig,
    authzConfigRef: nameRef("MCPAuthzConfig").optional().describe("Cedar authorization from an MCPAuthzConfig."),
    externalAuthConfigRef: z.object({ name: z.string().describe("Name of the MCPExternalAuthConfig.") })
      .optional().describe("How the proxy authenticates to the remote server."),
    authServerRef: server.authServerRef,
    telemetryConfigRef: server.telemetryConfigRef,
    audit: server.audit,
    endpointPrefix: z.string().optional().describe("Path prefix for SSE endpoint URLs behind an ingress."),
    trustProxyHeaders: z.boolean().default(false).describe(
      "Honour X-Forwarded-Proto, -Host, -Port and -Prefix from a trusted ingress.",
    ),
    podTemplateSpec: preservedObject().optional().describe(
      "A PodTemplateSpec merged into the proxy pod; a container named toolhive targets the proxy.",
    ),
    replicas: int32({ min: 0 }).optional().describe(
      "Proxy replicas. When unset, thv leaves the Deployment's replicas alone (for an autoscaler).",
    ),
    resourceOverrides: server.resourceOverrides,
    resources: server.resources,
    serviceAccount: z.string().optional().describe(
      "Existing ServiceAccount for the proxy pod. When unset, thv creates <name>-remote-proxy-runner.",
    ),
    sessionAffinity: z.enum(["ClientIP", "None"]).default("ClientIP").describe(
      "Session affinity of the proxy Service.",
    ),
    sessionStorage: server.sessionStorage,
  }),
  [{
    rule: "!(has(self.authzConfig) && has(self.authzConfigRef))",
    message:
      "authzConfig and authzConfigRef are mutually exclusive; use authzConfigRef to reference a shared MCPAuthzConfig",
  }],
);

/** An MCPRemoteProxy's spec after defaults. */
export type McpRemoteProxySpec = z.output<typeof McpRemoteProxySpec>;

/** The phases of an MCPRemoteProxy. */
export const MCP_REMOTE_PROXY_PHASES = ["Pending", "Ready", "Failed", "Terminating"] as const;

/** The `status` of an MCPRemoteProxy. */
export const McpRemoteProxyStatus = z.object({
  phase: z.enum(MCP_REMOTE_PROXY_PHASES).optional().describe("Summary of the proxy's state."),
  message: z.string().optional().describe("Details of the phase."),
  url: z.string().optional().describe("URL that MCP clients use, inside the cluster."),
  externalUrl: z.string().optional().describe("URL outside the cluster (not set by thv)."),
  observedGeneration: z.int().min(0).optional().meta({ format: "int64" })
    .describe("Generation of the spec this status describes."),
  conditions: listMap(Condition, ["type"]).optional().describe("Detailed conditions."),
  toolConfigHash: z.string().optional().describe("Hash of the MCPToolConfig applied."),
  externalAuthConfigHash: z.string().optional().describe("Hash of the MCPExternalAuthConfig applied."),
  authServerConfigHash: z.string().optional().describe("Hash of the auth server config applied."),
  authzConfigHash: z.string().optional().describe("Hash of the MCPAuthzConfig applied."),
  oidcConfigHash: z.string().optional().describe("Hash of the MCPOIDCConfig applied."),
  telemetryConfigHash: z.string().optional().describe("Hash of the MCPTelemetryConfig applied."),
});

/** MCPRemoteProxy. */
export const MCP_REMOTE_PROXY_CRD: CrdDefinition = {
  group: GROUP,
  kind: "MCPRemoteProxy",
  plural: "mcpremoteproxies",
  singular: "mcpremoteproxy",
  shortNames: ["rp", "mcprp"],
  categories: ["toolhive"],
  description: "A proxy in the cluster in front of a remote MCP server.",
  spec: McpRemoteProxySpec,
  status: McpRemoteProxyStatus,
  storageVersion: "v1beta1",
  deprecatedVersions: [V1ALPHA1_DEPRECATED],
  printerColumns: [
    { name: "Phase", type: "string", jsonPath: ".status.phase" },
    { name: "Remote URL", type: "string", jsonPath: ".spec.remoteUrl" },
    { name: "URL", type: "string", jsonPath: ".status.url" },
    { name: "Ready", type: "string", jsonPath: ".status.conditions[?(@.type=='Ready')].status" },
    { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" },
  ],
};
