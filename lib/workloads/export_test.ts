import { strict as assert } from "node:assert";
import { McpTelemetryConfigSpec } from "../../crds/mod.ts";
import { parseRunConfig } from "../run_config.ts";
import { kubernetesManifests } from "./export.ts";

function config(telemetry: Record<string, unknown>) {
  return parseRunConfig(
    JSON.stringify({
      schema_version: "v0.1.0",
      name: "fetch",
      image: "example/fetch:1",
      transport: "stdio",
      port: 8080,
      telemetry_config: telemetry,
    }),
    "test",
  );
}

Deno.test("kubernetesManifests: telemetry_config becomes an MCPTelemetryConfig the MCPServer references", () => {
  const objects = kubernetesManifests(config({
    endpoint: "otel:4318",
    insecure: true,
    tracingEnabled: true,
    metricsEnabled: false,
    samplingRate: "0.1",
    serviceName: "svc",
    customAttributes: { team: "qa" },
    enablePrometheusMetricsPath: true,
  }));
  const [telemetry, server] = objects as Array<
    { kind: string; metadata: { name: string }; spec: Record<string, unknown> }
  >;
  assert.equal(telemetry!.kind, "MCPTelemetryConfig");
  assert.equal(telemetry!.metadata.name, "fetch-telemetry");
  assert.deepEqual(telemetry!.spec, {
    openTelemetry: {
      enabled: true,
      endpoint: "otel:4318",
      insecure: true,
      resourceAttributes: { team: "qa" },
      tracing: { enabled: true, samplingRate: "0.1" },
      metrics: { enabled: false },
    },
    prometheus: { enabled: true },
  });
  McpTelemetryConfigSpec.parse(telemetry!.spec); // the CRD's schema takes it
  assert.deepEqual(server!.spec.telemetryConfigRef, { name: "fetch-telemetry", serviceName: "svc" });
});

Deno.test("kubernetesManifests: a telemetry_config that exports nothing adds nothing", () => {
  const objects = kubernetesManifests(config({ endpoint: "otel:4318", serviceName: "svc" }));
  assert.deepEqual(objects.map((o) => o.kind), ["MCPServer"]);
});
