/**
 * Telemetry of the proxy (issue 15 item 6): OpenTelemetry traces (a span per MCP request) and metrics over
 * OTLP/HTTP, and Prometheus metrics on a separate port (9464, `/metrics`), from RunConfig
 * `telemetry_config`. {@linkcode factory} is the chain's `telemetry` stage, after outgoing authentication.
 * The OpenTelemetry SDK loads only when tracing or OTLP metrics are on. See docs/telemetry.md.
 * @module
 */
import type { StageFactory } from "../middleware/mod.ts";
import { TELEMETRY_KEYS, telemetryStage } from "./stage.ts";

export {
  collectorUrl,
  DEFAULT_PROMETHEUS_PORT,
  OTEL_HEADER_ENV_PREFIX,
  type OtlpTarget,
  parseKeyValues,
  samplingRatio,
  type TelemetrySettings,
  telemetrySettings,
} from "./config.ts";
export { DURATION_BUCKETS, PrometheusRegistry, type ScrapeState } from "./prometheus.ts";
export { PROMETHEUS_CONTENT_TYPE, startMetricsListener } from "./listener.ts";
export type { CallRecord, Recorder } from "./record.ts";
export { spanName, startAttributes, TELEMETRY_KEYS, telemetryStage } from "./stage.ts";

/** The chain's telemetry stage. */
export const factory: StageFactory = {
  name: "telemetry",
  keys: TELEMETRY_KEYS,
  build: (config, deps) => telemetryStage(config, deps),
};
