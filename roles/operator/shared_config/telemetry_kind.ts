/**
 * MCPTelemetryConfig as a shared-config kind: the checks its controller runs on a stored spec, with ToolHive's
 * messages (toolhive-crds.md §5). Referrers re-run the same check on what they reference.
 * @module
 */
import { McpTelemetryConfigSpec } from "../../../crds/mod.ts";
import { MCP_TELEMETRY_CONFIG } from "../kinds.ts";
import type { SharedConfigKind } from "./kind.ts";

/** Longest CA-bundle ConfigMap name: its volume `otel-ca-bundle-<name>` must fit in 63 characters. */
const MAX_CA_CONFIGMAP_NAME = 63 - "otel-ca-bundle-".length;

/** The problem of an MCPTelemetryConfig spec beyond its schema, or undefined; pure. */
export function checkTelemetryConfig(spec: McpTelemetryConfigSpec): string | undefined {
  const otel = spec.openTelemetry;
  if (!otel) return undefined;
  if (otel.endpoint && !otel.tracing?.enabled && !otel.metrics?.enabled) {
    return "endpoint requires at least one of tracing or metrics to be enabled";
  }
  for (const [i, h] of (otel.sensitiveHeaders ?? []).entries()) {
    const at = `openTelemetry.sensitiveHeaders[${i}]`;
    if (!h.name) return `${at}.name must not be empty`;
    if (!h.secretKeyRef.name) return `${at}.secretKeyRef.name must not be empty`;
    if (!h.secretKeyRef.key) return `${at}.secretKeyRef.key must not be empty`;
    if (otel.headers && Object.hasOwn(otel.headers, h.name)) {
      return `header "${h.name}" appears in both headers and sensitiveHeaders`;
    }
  }
  const ca = otel.caBundleRef;
  if (ca) {
    if (otel.insecure) {
      return "openTelemetry.caBundleRef cannot be specified when insecure is true; they are mutually exclusive";
    }
    if (!ca.configMapRef) return "openTelemetry.caBundleRef.configMapRef must be specified";
    const name = ca.configMapRef.name;
    if (!name) return "openTelemetry.caBundleRef.configMapRef.name must not be empty";
    if (name.length > MAX_CA_CONFIGMAP_NAME) {
      return `openTelemetry.caBundleRef.configMapRef.name "${name}" is too long (${name.length} chars); ` +
        `maximum is ${MAX_CA_CONFIGMAP_NAME}`;
    }
  }
  return undefined;
}

/** MCPTelemetryConfig. */
export const TELEMETRY_CONFIG_KIND: SharedConfigKind = {
  kind: MCP_TELEMETRY_CONFIG,
  finalizer: "mcptelemetryconfig.toolhive.stacklok.dev/finalizer",
  spec: McpTelemetryConfigSpec,
  validReason: "ValidationSucceeded",
  invalidReason: "ValidationFailed",
  check: checkTelemetryConfig as (spec: never) => string | undefined,
};
