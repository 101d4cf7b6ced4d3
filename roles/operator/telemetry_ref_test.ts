import assert from "node:assert/strict";
import { McpTelemetryConfigSpec } from "../../crds/mod.ts";
import type { Lookup, LookupGroup } from "./server_refs.ts";
import type { ConfigLookup } from "./shared_config/mod.ts";
import { TELEMETRY_CONFIG_REF } from "./telemetry_ref.ts";
import { mcpServer } from "./testing/servers.ts";

const noGroups: LookupGroup = () => ({ state: "missing" });

const lookupOf = (found: ConfigLookup<unknown>): Lookup => (() => found) as Lookup;
const server = mcpServer({ telemetryConfigRef: { name: "otel" } });
const spec = McpTelemetryConfigSpec.parse({
  openTelemetry: {
    enabled: true,
    endpoint: "https://collector:4318",
    tracing: { enabled: true, samplingRate: "0.5" },
    headers: { "x-team": "a" },
    sensitiveHeaders: [{ name: "x-api-key", secretKeyRef: { name: "otel", key: "key" } }],
    caBundleRef: { configMapRef: { name: "otel-ca", key: "bundle.pem" } },
  },
  prometheus: { enabled: true },
});

Deno.test("telemetryConfigRef: a valid config gives telemetry_config, its hash, and Secret headers by reference", () => {
  const c = TELEMETRY_CONFIG_REF.resolve(server, lookupOf({ state: "valid", spec, hash: "h1" }), noGroups);
  assert.deepEqual(c.condition, {
    type: "TelemetryConfigRefValidated",
    status: "True",
    reason: "TelemetryConfigRefValid",
    message: "MCPTelemetryConfig otel is valid",
  });
  assert.deepEqual(c.hashes, { telemetryConfigHash: "h1" });
  assert.deepEqual(c.runConfig?.telemetry_config, {
    serviceName: "fetch",
    enablePrometheusMetricsPath: true,
    caCertPath: "/config/certs/otel/otel-ca/bundle.pem",
    endpoint: "collector:4318",
    insecure: false,
    headers: { "x-team": "a" },
    useLegacyAttributes: true,
    tracingEnabled: true,
    samplingRate: "0.5",
    metricsEnabled: false,
  });
  assert.deepEqual(c.proxyPod?.env, [
    { name: "OTEL_RESOURCE_ATTRIBUTES", value: "service.name=fetch,service.namespace=tools" },
    { name: "TOOLHIVE_OTEL_HEADER_X_API_KEY", valueFrom: { secretKeyRef: { name: "otel", key: "key" } } },
  ]);
  assert.deepEqual(c.proxyPod?.volumeMounts, [
    { name: "otel-ca-bundle-otel-ca", mountPath: "/config/certs/otel/otel-ca", readOnly: true },
  ]);
  assert.equal(c.failure, undefined);
});

Deno.test("telemetryConfigRef: disabled OTLP keeps only the Prometheus switch and the service name", () => {
  const named = mcpServer({ telemetryConfigRef: { name: "otel", serviceName: "svc" } });
  const c = TELEMETRY_CONFIG_REF.resolve(
    named,
    lookupOf({ state: "valid", spec: McpTelemetryConfigSpec.parse({}), hash: "h" }),
    noGroups,
  );
  assert.deepEqual(c.runConfig?.telemetry_config, { serviceName: "svc", enablePrometheusMetricsPath: false });
});

Deno.test("telemetryConfigRef: missing or invalid fails the server with ToolHive's reasons", () => {
  const missing = TELEMETRY_CONFIG_REF.resolve(server, lookupOf({ state: "missing" }), noGroups);
  assert.deepEqual(missing.failure, {
    reason: "TelemetryConfigRefNotFound",
    message: "MCPTelemetryConfig otel not found",
  });
  assert.equal(missing.condition?.status, "False");
  const invalid = TELEMETRY_CONFIG_REF.resolve(
    server,
    lookupOf({ state: "invalid", message: "endpoint requires x" }),
    noGroups,
  );
  assert.deepEqual(invalid.failure, {
    reason: "TelemetryConfigRefInvalid",
    message: "MCPTelemetryConfig otel is invalid: endpoint requires x",
  });
});

Deno.test("no telemetryConfigRef: no condition, and the copied hash is cleared", () => {
  const c = TELEMETRY_CONFIG_REF.resolve(mcpServer({}), lookupOf({ state: "missing" }), noGroups);
  assert.deepEqual(c, { hashes: { telemetryConfigHash: undefined } });
});
