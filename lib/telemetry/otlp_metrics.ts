/**
 * Metrics over OTLP/HTTP: the same request counts, tool calls and durations as the Prometheus listener,
 * recorded into OpenTelemetry instruments and exported every `intervalMs` to `/v1/metrics`. Imported only
 * when a RunConfig sets `metricsEnabled` (it loads the OpenTelemetry metrics SDK).
 * @module
 */
import { OTLPMetricExporter } from "@opentelemetry/exporter-metrics-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { MeterProvider, PeriodicExportingMetricReader } from "@opentelemetry/sdk-metrics";
import { CLOSE_TIMEOUT_MS, type OtlpTarget, within } from "./config.ts";
import type { CallRecord, Recorder } from "./record.ts";

/** A recorder exporting over OTLP; `sessions` is observed at each export. */
export interface OtlpMetrics extends Recorder {
  /** Exports what is recorded and stops. */
  close(): Promise<void>;
}

/** Options of {@linkcode createOtlpMetrics}. */
export interface OtlpMetricsOptions {
  /** The collector. */
  readonly target: OtlpTarget;
  /** Resource attributes (`service.name` included). */
  readonly resource: Record<string, string>;
  /** The `server` attribute of every point. */
  readonly server: string;
  /** Open client sessions, observed at export. */
  readonly sessions: () => number;
  /** Export period (default 10 s). */
  readonly intervalMs?: number;
  /** The CA bundle's text, when `target.caCertPath` names one. */
  readonly ca?: string;
}

/** OTLP metrics of one proxy. */
export function createOtlpMetrics(options: OtlpMetricsOptions): OtlpMetrics {
  const exporter = new OTLPMetricExporter({
    url: `${options.target.baseUrl}/v1/metrics`,
    headers: { ...options.target.headers },
    ...(options.ca ? { httpAgentOptions: { ca: options.ca } } : {}),
  });
  const provider = new MeterProvider({
    // The resources package is one major behind the metrics SDK; the resource's shape is the same.
    resource: resourceFromAttributes(options.resource) as never,
    readers: [
      new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: options.intervalMs ?? 10_000 }),
    ],
  });
  const meter = provider.getMeter("thv-proxy");
  const requests = meter.createCounter("toolhive_mcp_requests", { description: "MCP requests through the proxy" });
  const tools = meter.createCounter("toolhive_mcp_tool_calls", { description: "tools/call requests, by tool" });
  const duration = meter.createHistogram("toolhive_mcp_request_duration", {
    description: "Duration of MCP requests through the proxy",
    unit: "s",
  });
  meter.createObservableGauge("toolhive_mcp_active_connections", { description: "Open client sessions" })
    .addCallback((r) => r.observe(options.sessions(), { server: options.server }));
  const server = options.server;
  return {
    record(r: CallRecord) {
      const status = r.error ? "error" : "success";
      requests.add(1, { server, mcp_method: r.method, status_code: String(r.httpStatus), status });
      if (r.method === "tools/call") tools.add(1, { server, tool: r.target ?? "", status });
      duration.record(r.durationMs / 1000, { server, mcp_method: r.method });
    },
    async close() {
      // An unreachable collector must not hold the proxy's shutdown: what is not out by then is dropped.
      await within(provider.shutdown().catch(() => {}), CLOSE_TIMEOUT_MS);
    },
  };
}
