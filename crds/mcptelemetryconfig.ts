/**
 * MCPTelemetryConfig: OpenTelemetry export and the Prometheus endpoint, shared by the workloads that reference
 * it (`spec.telemetryConfigRef`). Fields, defaults and the CEL rule follow ToolHive's (toolhive-crds.md §5).
 * @module
 */
import { z } from "zod";
import { GROUP, V1ALPHA1_DEPRECATED } from "./api_group.ts";
import type { CrdDefinition } from "./crd.ts";
import { listMap, stringMap, withRules } from "./k8s_schema.ts";
import { CaBundleSource, SecretKeyRef, sharedConfigStatus } from "./shared.ts";

/** An OTLP header whose value comes from a Secret. */
export const SensitiveHeader = z.object({
  name: z.string().min(1).describe("Header name; must not also be a key of headers."),
  secretKeyRef: SecretKeyRef.describe("Secret key holding the header value."),
});

/** The `spec.openTelemetry` of an MCPTelemetryConfig. */
export const OpenTelemetryConfig = withRules(
  z.object({
    enabled: z.boolean().default(false).describe("Master switch; when false no OTLP settings reach the proxy."),
    endpoint: z.string().optional().describe("OTLP endpoint; the scheme is stripped to host:port."),
    insecure: z.boolean().default(false).describe("Plain HTTP to the collector; exclusive with caBundleRef."),
    headers: stringMap().optional().describe("Plaintext OTLP headers."),
    sensitiveHeaders: listMap(SensitiveHeader, ["name"]).optional().describe("OTLP headers whose values are Secrets."),
    resourceAttributes: stringMap().optional().describe("Extra OpenTelemetry resource attributes."),
    metrics: z.object({
      enabled: z.boolean().default(false).describe("Send OTLP metrics."),
    }).optional().describe("OTLP metrics."),
    tracing: z.object({
      enabled: z.boolean().default(false).describe("Send traces."),
      samplingRate: z.string().regex(/^(0(\.\d+)?|1(\.0+)?)$/).default("0.05")
        .describe("Share of traces sampled, 0 to 1."),
    }).optional().describe("OTLP tracing."),
    useLegacyAttributes: z.boolean().default(true).describe("Also emit the attribute names used before semconv."),
    caBundleRef: CaBundleSource.optional().describe("CA bundle that verifies the collector."),
  }),
  [{
    rule: "!has(self.sensitiveHeaders) || !has(self.headers) || " +
      "self.sensitiveHeaders.all(h, !(h.name in self.headers))",
    message: "a header name cannot appear in both headers and sensitiveHeaders",
  }],
);

/** The `spec` of an MCPTelemetryConfig. */
export const McpTelemetryConfigSpec = z.object({
  openTelemetry: OpenTelemetryConfig.optional().describe("OTLP export settings."),
  prometheus: z.object({
    enabled: z.boolean().default(false).describe("Expose /metrics on the diagnostics port."),
  }).optional().describe("Prometheus scrape endpoint."),
});

/** An MCPTelemetryConfig's spec after defaults. */
export type McpTelemetryConfigSpec = z.output<typeof McpTelemetryConfigSpec>;

/** The `status` of an MCPTelemetryConfig. */
export const McpTelemetryConfigStatus = sharedConfigStatus();

/** MCPTelemetryConfig. */
export const MCP_TELEMETRY_CONFIG_CRD: CrdDefinition = {
  group: GROUP,
  kind: "MCPTelemetryConfig",
  plural: "mcptelemetryconfigs",
  singular: "mcptelemetryconfig",
  shortNames: ["mcpotel"],
  categories: ["toolhive"],
  description: "OpenTelemetry and Prometheus settings, shared by the workloads that reference it.",
  spec: McpTelemetryConfigSpec,
  status: McpTelemetryConfigStatus,
  storageVersion: "v1beta1",
  deprecatedVersions: [V1ALPHA1_DEPRECATED],
  printerColumns: [
    { name: "Endpoint", type: "string", jsonPath: ".spec.openTelemetry.endpoint" },
    { name: "Valid", type: "string", jsonPath: ".status.conditions[?(@.type=='Valid')].status" },
    { name: "Tracing", type: "boolean", jsonPath: ".spec.openTelemetry.tracing.enabled" },
    { name: "Metrics", type: "boolean", jsonPath: ".spec.openTelemetry.metrics.enabled" },
    { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" },
  ],
};
