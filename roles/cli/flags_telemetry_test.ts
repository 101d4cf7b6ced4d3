import { strict as assert } from "node:assert";
import { parseHeaderFlags, telemetryConfigOf, telemetryFlagsOf } from "./flags_telemetry.ts";

Deno.test("telemetryConfigOf: --otel-endpoint turns traces and metrics on, at ToolHive's CLI sampling default", () => {
  assert.deepEqual(
    telemetryConfigOf({ otelEndpoint: "127.0.0.1:4318", otelInsecure: true, otelHeaders: ["a=1,b=2"] }),
    {
      endpoint: "127.0.0.1:4318",
      insecure: true,
      headers: { a: "1", b: "2" },
      tracingEnabled: true,
      metricsEnabled: true,
      samplingRate: "0.1",
    },
  );
  assert.deepEqual(
    telemetryConfigOf({ otelEndpoint: "c:4318", otelMetrics: false, otelSamplingRate: "1", otelServiceName: "svc" }),
    { endpoint: "c:4318", serviceName: "svc", tracingEnabled: true, metricsEnabled: false, samplingRate: "1" },
  );
  assert.deepEqual(telemetryConfigOf({ enablePrometheus: true, prometheusPort: 9500 }), {
    enablePrometheusMetricsPath: true,
    prometheusPort: 9500,
  });
});

Deno.test("telemetryConfigOf: no flag keeps the RunConfig's own; flags lay over it", () => {
  const base = { endpoint: "otel:4318", tracingEnabled: true, samplingRate: "0.5", headers: { a: "1" } };
  assert.equal(telemetryConfigOf({ otelHeaders: [] }, base), base);
  assert.equal(telemetryConfigOf({}, undefined), undefined);
  assert.deepEqual(telemetryConfigOf({ otelHeaders: ["b=2"] }, base), {
    ...base,
    headers: { a: "1", b: "2" },
    metricsEnabled: false,
  });
});

Deno.test("telemetryConfigOf refuses flags that need another one, naming both", () => {
  assert.throws(() => telemetryConfigOf({ otelSamplingRate: "0.5" }), /--otel-sampling-rate needs --otel-endpoint/);
  assert.throws(() => telemetryConfigOf({ otelHeaders: ["a=1"] }), /--otel-headers needs --otel-endpoint/);
  assert.throws(() => telemetryConfigOf({ prometheusPort: 1 }), /--prometheus-port needs --enable-prometheus/);
  assert.throws(() => parseHeaderFlags(["novalue"]), /--otel-headers novalue is not key=value/);
});

Deno.test("telemetryFlagsOf takes the parent's flags the subcommand did not get", () => {
  const source = (given: string[], values: Record<string, unknown>) => ({
    getOptionValueSource: (n: string) => (given.includes(n) ? "cli" : "default"),
    opts: () => values,
  });
  const own = { otelEndpoint: undefined, otelTracing: true, enablePrometheus: true };
  const merged = telemetryFlagsOf(
    own,
    source(["enablePrometheus"], own),
    source(["otelEndpoint", "enablePrometheus"], { otelEndpoint: "c:4318", enablePrometheus: false }),
  );
  assert.deepEqual(merged, { otelEndpoint: "c:4318", otelTracing: true, enablePrometheus: true });
});
