import { strict as assert } from "node:assert";
import { parseRunConfig, type RunConfig } from "../run_config.ts";
import { collectorUrl, parseKeyValues, samplingRatio, telemetrySettings } from "./config.ts";

function config(telemetry: Record<string, unknown> | undefined, extra: Record<string, unknown> = {}): RunConfig {
  return parseRunConfig(
    JSON.stringify({
      schema_version: "v0.1.0",
      name: "fetch",
      image: "fetch",
      transport: "stdio",
      port: 8080,
      ...(telemetry ? { telemetry_config: telemetry } : {}),
      ...extra,
    }),
    "test",
  );
}

Deno.test("telemetrySettings: the operator's RunConfig, with Secret headers from env and resource attributes", () => {
  const s = telemetrySettings(
    config({
      endpoint: "otel-collector:4318",
      serviceName: "fetch",
      insecure: false,
      headers: { "x-tenant": "a" },
      customAttributes: { team: "qa" },
      tracingEnabled: true,
      samplingRate: "0.25",
      metricsEnabled: true,
      enablePrometheusMetricsPath: true,
    }, { host: "0.0.0.0" }),
    {
      TOOLHIVE_OTEL_HEADER_X_API_KEY: "s3cret",
      OTEL_RESOURCE_ATTRIBUTES: "service.name=ignored,service.namespace=tools",
      PATH: "/bin",
    },
  )!;
  assert.equal(s.serviceName, "fetch", "the RunConfig's service name wins over the env's");
  assert.deepEqual(s.resource, { "service.namespace": "tools", team: "qa" });
  assert.equal(s.tracing?.baseUrl, "https://otel-collector:4318");
  assert.equal(s.tracing?.ratio, 0.25);
  assert.deepEqual(s.tracing?.headers, { "x-tenant": "a", "x-api-key": "s3cret" });
  assert.equal(s.metrics?.baseUrl, "https://otel-collector:4318");
  assert.deepEqual(s.prometheus, { hostname: "0.0.0.0", port: 9464 });
  assert.equal(s.legacyAttributes, true);
  assert.deepEqual(s.warnings, []);
});

Deno.test("telemetrySettings: nothing asked for is no stage; Prometheus alone needs no endpoint", () => {
  assert.equal(telemetrySettings(config(undefined), {}), undefined);
  assert.equal(telemetrySettings(config({ serviceName: "s", enablePrometheusMetricsPath: false }), {}), undefined);
  const p = telemetrySettings(config({ enablePrometheusMetricsPath: true, prometheusPort: 9500 }), {})!;
  assert.deepEqual(p.prometheus, { hostname: "127.0.0.1", port: 9500 });
  assert.equal(p.tracing, undefined);
  assert.equal(p.serviceName, "thv-fetch");
});

Deno.test("telemetrySettings: an endpoint with neither traces nor metrics warns; tracing without one refuses", () => {
  const s = telemetrySettings(config({ endpoint: "otel:4318" }), {})!;
  assert.equal(s.tracing, undefined);
  assert.match(s.warnings[0]!, /endpoint is set but neither tracingEnabled nor metricsEnabled/);
  assert.throws(
    () => telemetrySettings(config({ tracingEnabled: true }), {}),
    /^TypeError: RunConfig fetch: telemetry_config enables tracing but has no endpoint: set telemetry_config\.endpoint/,
  );
});

Deno.test("samplingRatio and collectorUrl: ratios from 0 to 1, host:port or a URL", () => {
  assert.equal(samplingRatio("x", undefined), 0.05, "the CRD's default");
  assert.equal(samplingRatio("x", "1"), 1);
  assert.equal(samplingRatio("x", "0"), 0);
  assert.throws(() => samplingRatio("x", "1.5"), /samplingRate "1\.5" is no ratio: give a number from 0 to 1/);
  assert.throws(() => samplingRatio("x", "half"), /is no ratio/);
  assert.equal(collectorUrl("x", "127.0.0.1:4318", true), "http://127.0.0.1:4318");
  assert.equal(collectorUrl("x", "collector:4318", false), "https://collector:4318");
  assert.equal(collectorUrl("x", "http://collector:4318/", false), "http://collector:4318");
  assert.throws(() => collectorUrl("x", "a b:c", false), /endpoint "a b:c" is no host:port/);
});

Deno.test("parseKeyValues reads OTEL_RESOURCE_ATTRIBUTES, percent-decoded, skipping malformed pairs", () => {
  assert.deepEqual(parseKeyValues("a=1,b=x%20y,broken,=v, c = 3 "), { a: "1", b: "x y", c: "3" });
  assert.deepEqual(parseKeyValues(undefined), {});
});
