/**
 * The telemetry stage's settings, from RunConfig `telemetry_config` (ToolHive's camelCase keys,
 * toolhive-crds.md §5) and the environment: OTLP headers from secrets arrive as `TOOLHIVE_OTEL_HEADER_<NAME>`
 * env vars in a pod, resource attributes as `OTEL_RESOURCE_ATTRIBUTES`. Pure.
 * @module
 */
import type { RunConfig } from "../run_config.ts";

/** The port of the Prometheus listener when none is given (ToolHive's diagnostics port). */
export const DEFAULT_PROMETHEUS_PORT = 9464;

/** The prefix of env vars that carry Secret-backed OTLP headers (roles/operator telemetry_ref.ts). */
export const OTEL_HEADER_ENV_PREFIX = "TOOLHIVE_OTEL_HEADER_";

/** How long closing waits for the last exports (ms). */
export const CLOSE_TIMEOUT_MS = 2000;

/** `p`, or nothing once `ms` have passed. */
export async function within(p: Promise<unknown>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([p, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

/** Where and how OTLP data goes. */
export interface OtlpTarget {
  /** Base URL of the collector's OTLP/HTTP receiver, e.g. `https://collector:4318` (no `/v1/...`). */
  readonly baseUrl: string;
  /** Headers of every export (plain ones and the ones from secrets). */
  readonly headers: Readonly<Record<string, string>>;
  /** A CA bundle file to trust for an https collector. */
  readonly caCertPath?: string;
}

/** What the telemetry stage does, resolved. */
export interface TelemetrySettings {
  /** `service.name` of the resource. */
  readonly serviceName: string;
  /** The workload's name (the `server` label of the metrics). */
  readonly serverName: string;
  /** The workload's transport (the `transport` label). */
  readonly transport: string;
  /** Resource attributes besides `service.name`. */
  readonly resource: Readonly<Record<string, string>>;
  /** Emit ToolHive's pre-semconv attribute names too (`mcp.method`, `mcp.tool.name`, ...). */
  readonly legacyAttributes: boolean;
  /** Traces over OTLP, sampled at `ratio` (parent-based). */
  readonly tracing?: OtlpTarget & { readonly ratio: number };
  /** Metrics over OTLP. */
  readonly metrics?: OtlpTarget;
  /** The Prometheus listener. */
  readonly prometheus?: { readonly hostname: string; readonly port: number };
  /** Things asked for that do nothing, one line each (logged as warnings). */
  readonly warnings: readonly string[];
}

/** A header name of a `TOOLHIVE_OTEL_HEADER_<NAME>` env var: lower case, `_` → `-`. */
function headerOfEnv(name: string): string {
  return name.slice(OTEL_HEADER_ENV_PREFIX.length).toLowerCase().replaceAll("_", "-");
}

/** `k=v,k=v` (OTEL_RESOURCE_ATTRIBUTES, percent-decoded values); malformed pairs are skipped. */
export function parseKeyValues(text: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of (text ?? "").split(",")) {
    const eq = pair.indexOf("=");
    if (eq <= 0) continue;
    const key = pair.slice(0, eq).trim();
    let value = pair.slice(eq + 1).trim();
    try {
      value = decodeURIComponent(value);
    } catch { /* kept as it is */ }
    if (key) out[key] = value;
  }
  return out;
}

/** The sampling ratio of `samplingRate` ("0.05"): a number in [0, 1]; throws naming the field otherwise. */
export function samplingRatio(name: string, rate: string | undefined): number {
  if (rate === undefined || rate.trim() === "") return 0.05;
  const n = Number(rate);
  if (!Number.isFinite(n) || n < 0 || n > 1) {
    throw new TypeError(
      `RunConfig ${name}: telemetry_config.samplingRate ${JSON.stringify(rate)} is no ratio: give a number from 0 to 1`,
    );
  }
  return n;
}

/** The collector's base URL: `endpoint` is `host:port` (ToolHive strips the scheme), `insecure` picks http. */
export function collectorUrl(name: string, endpoint: string, insecure: boolean): string {
  const withScheme = /^https?:\/\//.test(endpoint) ? endpoint : `${insecure ? "http" : "https"}://${endpoint}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new TypeError(
      `RunConfig ${name}: telemetry_config.endpoint ${
        JSON.stringify(endpoint)
      } is no host:port: give the collector's OTLP/HTTP address`,
    );
  }
  return url.href.replace(/\/+$/, "");
}

/** The settings `config` asks for; undefined when it asks for no export at all. Throws a TypeError for a bad value. */
export function telemetrySettings(
  config: RunConfig,
  env: Readonly<Record<string, string | undefined>>,
): TelemetrySettings | undefined {
  const t = config.telemetry_config;
  if (!t) return undefined;
  const warnings: string[] = [];
  const endpoint = t.endpoint?.trim() ?? "";
  const wantsOtlp = t.tracingEnabled === true || t.metricsEnabled === true;
  if (wantsOtlp && !endpoint) {
    throw new TypeError(
      `RunConfig ${config.name}: telemetry_config enables ${
        t.tracingEnabled ? "tracing" : "metrics"
      } but has no endpoint: set telemetry_config.endpoint (--otel-endpoint)`,
    );
  }
  if (endpoint && !wantsOtlp) {
    warnings.push(
      "telemetry_config.endpoint is set but neither tracingEnabled nor metricsEnabled: nothing is sent to it",
    );
  }
  const headers: Record<string, string> = { ...(t.headers ?? {}) };
  for (const [k, v] of Object.entries(env)) {
    if (k.startsWith(OTEL_HEADER_ENV_PREFIX) && v !== undefined) headers[headerOfEnv(k)] = v;
  }
  const base = wantsOtlp ? collectorUrl(config.name, endpoint, t.insecure === true) : "";
  const target: OtlpTarget = { baseUrl: base, headers, ...(t.caCertPath ? { caCertPath: t.caCertPath } : {}) };
  if (t.caCertPath && base.startsWith("http:")) {
    warnings.push("telemetry_config.caCertPath is set but insecure is true: the collector is reached over plain http");
  }
  const fromEnv = parseKeyValues(env.OTEL_RESOURCE_ATTRIBUTES);
  const serviceName = t.serviceName || fromEnv["service.name"] || `thv-${config.name}`;
  delete fromEnv["service.name"];
  const settings: TelemetrySettings = {
    serviceName,
    serverName: config.name,
    transport: config.transport,
    resource: { ...fromEnv, ...(t.customAttributes ?? {}) },
    legacyAttributes: t.useLegacyAttributes ?? true,
    ...(t.tracingEnabled ? { tracing: { ...target, ratio: samplingRatio(config.name, t.samplingRate) } } : {}),
    ...(t.metricsEnabled ? { metrics: target } : {}),
    ...(t.enablePrometheusMetricsPath
      ? { prometheus: { hostname: config.host, port: t.prometheusPort ?? DEFAULT_PROMETHEUS_PORT } }
      : {}),
    warnings,
  };
  if (!settings.tracing && !settings.metrics && !settings.prometheus) {
    return warnings.length > 0 ? settings : undefined;
  }
  return settings;
}
