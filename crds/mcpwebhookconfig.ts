/**
 * MCPWebhookConfig: validating and mutating webhooks called for MCP requests, shared by the MCPServers that
 * reference it (`spec.webhookConfigRef`). Served only as v1alpha1, like ToolHive's (toolhive-crds.md §7).
 * @module
 */
import { z } from "zod";
import { GROUP } from "./api_group.ts";
import type { CrdDefinition } from "./crd.ts";
import { withRules } from "./k8s_schema.ts";
import { SecretKeyRef, sharedConfigStatus } from "./shared.ts";

/** One webhook endpoint. */
export const WebhookSpec = z.object({
  name: z.string().min(1).max(63).describe("Unique id of the webhook."),
  url: z.string().meta({ format: "uri" }).describe("Endpoint; https unless tlsConfig.insecureSkipVerify."),
  timeout: z.string().meta({ format: "duration" }).optional().describe(
    "Call timeout, 1s to 30s; unset or 0: 10s.",
  ),
  failurePolicy: z.enum(["fail", "ignore"]).default("fail").describe(
    "When the call fails: deny the request (fail) or let it pass (ignore).",
  ),
  tlsConfig: z.object({
    caSecretRef: SecretKeyRef.optional().describe("Secret key with the CA bundle that verifies the endpoint."),
    clientCertSecretRef: SecretKeyRef.optional().describe("Secret key with the client certificate (mTLS)."),
    clientKeySecretRef: SecretKeyRef.optional().describe("Secret key with the client key (mTLS)."),
    insecureSkipVerify: z.boolean().optional().describe("Skip verification; also allows http URLs."),
  }).optional().describe("TLS of the call."),
  hmacSecretRef: SecretKeyRef.optional().describe(
    "Secret key with an HMAC key; requests are then signed (X-ToolHive-Signature, X-ToolHive-Timestamp).",
  ),
});

/** One webhook endpoint, after defaults. */
export type WebhookSpec = z.output<typeof WebhookSpec>;

/** The `spec` of an MCPWebhookConfig. */
export const McpWebhookConfigSpec = withRules(
  z.object({
    validating: z.array(WebhookSpec).optional().describe("Webhooks that approve or deny requests (run last)."),
    mutating: z.array(WebhookSpec).optional().describe("Webhooks that patch requests (run first)."),
  }),
  [{
    rule: "(has(self.validating) ? size(self.validating) : 0) + (has(self.mutating) ? size(self.mutating) : 0) > 0",
    message: "at least one validating or mutating webhook must be defined",
  }],
);

/** An MCPWebhookConfig's spec after defaults. */
export type McpWebhookConfigSpec = z.output<typeof McpWebhookConfigSpec>;

/** The `status` of an MCPWebhookConfig. */
export const McpWebhookConfigStatus = sharedConfigStatus();

/** MCPWebhookConfig (v1alpha1 only, and not deprecated). */
export const MCP_WEBHOOK_CONFIG_CRD: CrdDefinition = {
  group: GROUP,
  kind: "MCPWebhookConfig",
  plural: "mcpwebhookconfigs",
  singular: "mcpwebhookconfig",
  shortNames: ["mwc"],
  categories: ["toolhive"],
  description: "Validating and mutating webhooks for MCP requests, shared by the MCPServers that reference it.",
  spec: McpWebhookConfigSpec,
  status: McpWebhookConfigStatus,
  storageVersion: "v1alpha1",
  deprecatedVersions: [],
  printerColumns: [
    { name: "Valid", type: "string", jsonPath: ".status.conditions[?(@.type=='Valid')].status" },
    { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" },
  ],
};
