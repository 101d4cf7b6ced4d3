/**
 * How an MCPServer consumes `spec.telemetryConfigRef` (toolhive-crds.md §5, §0.8): the TelemetryConfigRefValidated
 * condition, `status.telemetryConfigHash`, RunConfig `telemetry_config`, and the proxy container's
 * `OTEL_RESOURCE_ATTRIBUTES`, Secret-backed OTLP headers (by secretKeyRef, never by value) and CA volume. The
 * proxy's telemetry stage (lib/telemetry) applies it: traces and metrics over OTLP, Prometheus on port 9464.
 * @module
 */
import type { V1EnvVar } from "@kubernetes/client-node";
import type { McpTelemetryConfigSpec } from "../../crds/mod.ts";
import type { RunConfig } from "../../lib/run_config.ts";
import type { RefContribution, RefWorkload, ServerRefHandler } from "./server_refs.ts";
import { TELEMETRY_CONFIG_KIND } from "./shared_config/mod.ts";

const CONDITION = "TelemetryConfigRefValidated";
const CA_ROOT = "/config/certs/otel";

/** The env var that carries a Secret-backed OTLP header: `TOOLHIVE_OTEL_HEADER_<NAME>`. */
export function otelHeaderEnv(header: string): string {
  return `TOOLHIVE_OTEL_HEADER_${header.toUpperCase().replaceAll("-", "_")}`;
}

/** RunConfig `telemetry_config` of `spec` for the server `server`; pure. */
export function telemetryRunConfig(
  server: RefWorkload,
  spec: McpTelemetryConfigSpec,
): NonNullable<RunConfig["telemetry_config"]> {
  const ref = server.spec.telemetryConfigRef!;
  const otel = spec.openTelemetry;
  const ca = otel?.caBundleRef?.configMapRef;
  const out: NonNullable<RunConfig["telemetry_config"]> = {
    serviceName: ref.serviceName || server.metadata.name,
    enablePrometheusMetricsPath: spec.prometheus?.enabled ?? false,
    ...(ca ? { caCertPath: `${CA_ROOT}/${ca.name}/${ca.key || "ca.crt"}` } : {}),
  };
  if (!otel?.enabled) return out;
  const rate = Math.min(1, Math.max(0, Number.parseFloat(otel.tracing?.samplingRate ?? "0.05")));
  return {
    ...out,
    ...(otel.endpoint ? { endpoint: otel.endpoint.replace(/^https?:\/\//, "") } : {}),
    insecure: otel.insecure,
    ...(otel.headers ? { headers: { ...otel.headers } } : {}),
    ...(otel.resourceAttributes ? { customAttributes: { ...otel.resourceAttributes } } : {}),
    useLegacyAttributes: otel.useLegacyAttributes,
    tracingEnabled: otel.tracing?.enabled ?? false,
    samplingRate: String(rate),
    metricsEnabled: otel.metrics?.enabled ?? false,
  };
}

function proxyWiring(server: RefWorkload, spec: McpTelemetryConfigSpec): RefContribution["proxyPod"] {
  const service = server.spec.telemetryConfigRef?.serviceName || server.metadata.name;
  const env: V1EnvVar[] = [{
    name: "OTEL_RESOURCE_ATTRIBUTES",
    value: `service.name=${service},service.namespace=${server.metadata.namespace}`,
  }];
  for (const h of spec.openTelemetry?.sensitiveHeaders ?? []) {
    env.push({
      name: otelHeaderEnv(h.name),
      valueFrom: { secretKeyRef: { name: h.secretKeyRef.name, key: h.secretKeyRef.key } },
    });
  }
  const ca = spec.openTelemetry?.caBundleRef?.configMapRef;
  if (!ca) return { env };
  const volume = `otel-ca-bundle-${ca.name}`;
  const key = ca.key || "ca.crt";
  return {
    env,
    volumes: [{ name: volume, configMap: { name: ca.name, items: [{ key, path: key }] } }],
    volumeMounts: [{ name: volume, mountPath: `${CA_ROOT}/${ca.name}`, readOnly: true }],
  };
}

/** `spec.telemetryConfigRef` → TelemetryConfigRefValidated, `telemetryConfigHash`, `telemetry_config`. */
export const TELEMETRY_CONFIG_REF: ServerRefHandler = {
  conditionType: CONDITION,
  resolve(server, lookup) {
    const ref = server.spec.telemetryConfigRef;
    if (!ref) return { hashes: { telemetryConfigHash: undefined } };
    const found = lookup<McpTelemetryConfigSpec>(TELEMETRY_CONFIG_KIND, ref.name);
    if (found.state === "missing") {
      return stop("TelemetryConfigRefNotFound", `MCPTelemetryConfig ${ref.name} not found`);
    }
    if (found.state === "invalid") {
      return stop("TelemetryConfigRefInvalid", `MCPTelemetryConfig ${ref.name} is invalid: ${found.message}`);
    }
    return {
      condition: {
        type: CONDITION,
        status: "True",
        reason: "TelemetryConfigRefValid",
        message: `MCPTelemetryConfig ${ref.name} is valid`,
      },
      hashes: { telemetryConfigHash: found.hash },
      runConfig: { telemetry_config: telemetryRunConfig(server, found.spec) },
      proxyPod: proxyWiring(server, found.spec),
    };
  },
};

function stop(reason: string, message: string): RefContribution {
  return {
    condition: { type: CONDITION, status: "False", reason, message },
    failure: { reason, message },
    unresolved: true,
  };
}
