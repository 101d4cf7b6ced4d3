/**
 * The telemetry flags of `thv run` and `thv proxy` (ToolHive's `--otel-*` names, plus `--enable-prometheus`
 * and `--prometheus-port`), and their mapping onto RunConfig `telemetry_config` (lib/telemetry reads it).
 * With `--otel-endpoint`, traces and OTLP metrics are on unless `--no-otel-tracing`/`--no-otel-metrics`.
 * @module
 */
import { Option } from "@commander-js/extra-typings";
import type { RunConfig } from "../../lib/run_config.ts";

type TelemetryConfig = NonNullable<RunConfig["telemetry_config"]>;

const collect = (value: string, previous: string[]) => [...previous, value];

/** The sampling ratio `thv run` uses when only `--otel-endpoint` is given (ToolHive's CLI default). */
export const DEFAULT_CLI_SAMPLING_RATE = "0.1";

function ratio(value: string): string {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < 0 || n > 1) {
    throw new RangeError(`--otel-sampling-rate ${value} is no ratio: give a number from 0 to 1, e.g. 0.1`);
  }
  return value;
}

function prometheusPort(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    throw new RangeError(`--prometheus-port ${value} is not a port: use 0 to 65535 (0 picks a free one)`);
  }
  return n;
}

/** The telemetry options, to add to a command one by one (`.addOption(...)`), in this order. */
export const TELEMETRY_OPTIONS = {
  endpoint: () =>
    new Option(
      "--otel-endpoint <host:port>",
      "OTLP/HTTP collector to send traces and metrics to (https unless --otel-insecure)",
    ),
  samplingRate: () =>
    new Option(
      "--otel-sampling-rate <ratio>",
      `share of new traces sampled, 0 to 1 (default ${DEFAULT_CLI_SAMPLING_RATE})`,
    )
      .argParser(ratio),
  headers: () =>
    new Option("--otel-headers <key=value>", "header sent to the collector, e.g. an API key (repeatable, or k=v,k=v)")
      .argParser(collect).default([] as string[]),
  serviceName: () => new Option("--otel-service-name <name>", "service.name of the spans (default: thv-<workload>)"),
  insecure: () => new Option("--otel-insecure", "reach the collector over plain http"),
  noTracing: () => new Option("--no-otel-tracing", "with --otel-endpoint: send no traces"),
  noMetrics: () => new Option("--no-otel-metrics", "with --otel-endpoint: send no OTLP metrics"),
  prometheus: () => new Option("--enable-prometheus", "serve Prometheus metrics at /metrics on a port of their own"),
  prometheusPort: () =>
    new Option("--prometheus-port <port>", "port of the Prometheus listener (default 9464)").argParser(prometheusPort),
} as const;

/** The values of the telemetry options, as commander parses them. */
export interface TelemetryFlags {
  readonly otelEndpoint?: string;
  readonly otelSamplingRate?: string;
  readonly otelHeaders?: readonly string[];
  readonly otelServiceName?: string;
  readonly otelInsecure?: boolean;
  readonly otelTracing?: boolean;
  readonly otelMetrics?: boolean;
  readonly enablePrometheus?: boolean;
  readonly prometheusPort?: number;
}

/** `k=v` pairs (each value may hold `k=v,k=v`) → a record; throws naming the flag for a pair without `=`. */
export function parseHeaderFlags(values: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of values.flatMap((v) => v.split(","))) {
    if (pair.trim() === "") continue;
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new RangeError(`--otel-headers ${pair} is not key=value: give e.g. x-api-key=...`);
    out[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
  }
  return out;
}

/** Whether any telemetry flag was given. */
function anyGiven(f: TelemetryFlags): boolean {
  return f.otelEndpoint !== undefined || f.otelSamplingRate !== undefined || (f.otelHeaders?.length ?? 0) > 0 ||
    f.otelServiceName !== undefined || f.otelInsecure !== undefined || f.otelTracing === false ||
    f.otelMetrics === false || f.enablePrometheus !== undefined || f.prometheusPort !== undefined;
}

/**
 * `telemetry_config` with the flags laid over `base` (a RunConfig's own, from `--from-config`); `base`
 * itself when no flag is given. Throws naming the flag that needs another one.
 */
export function telemetryConfigOf(flags: TelemetryFlags, base?: TelemetryConfig): TelemetryConfig | undefined {
  if (!anyGiven(flags)) return base;
  const endpoint = flags.otelEndpoint ?? base?.endpoint;
  for (
    const [given, flag] of [
      [flags.otelSamplingRate, "--otel-sampling-rate"],
      [flags.otelHeaders?.length ? flags.otelHeaders : undefined, "--otel-headers"],
      [flags.otelInsecure, "--otel-insecure"],
    ] as const
  ) {
    if (given !== undefined && !endpoint) throw new TypeError(`${flag} needs --otel-endpoint <host:port>: add it`);
  }
  if (flags.prometheusPort !== undefined && !(flags.enablePrometheus || base?.enablePrometheusMetricsPath)) {
    throw new TypeError("--prometheus-port needs --enable-prometheus: add it");
  }
  const headers = { ...base?.headers, ...parseHeaderFlags(flags.otelHeaders ?? []) };
  const viaFlag = flags.otelEndpoint !== undefined;
  return {
    ...base,
    ...(endpoint ? { endpoint } : {}),
    ...(flags.otelServiceName ? { serviceName: flags.otelServiceName } : {}),
    ...(flags.otelInsecure ? { insecure: true } : {}),
    ...(Object.keys(headers).length > 0 ? { headers } : {}),
    ...(endpoint
      ? {
        tracingEnabled: flags.otelTracing === false ? false : viaFlag ? true : base?.tracingEnabled ?? false,
        metricsEnabled: flags.otelMetrics === false ? false : viaFlag ? true : base?.metricsEnabled ?? false,
        samplingRate: flags.otelSamplingRate ?? base?.samplingRate ?? DEFAULT_CLI_SAMPLING_RATE,
      }
      : {}),
    ...(flags.enablePrometheus ? { enablePrometheusMetricsPath: true } : {}),
    ...(flags.prometheusPort !== undefined ? { prometheusPort: flags.prometheusPort } : {}),
  };
}

/** The RunConfig fields the flags set over `config`'s own: `{telemetry_config}`, or none. */
export function telemetryFieldsOf(config: RunConfig, flags: TelemetryFlags): Partial<RunConfig> {
  const telemetry = telemetryConfigOf(flags, config.telemetry_config);
  return telemetry && telemetry !== config.telemetry_config ? { telemetry_config: telemetry } : {};
}

/** `{telemetry_config}` for `thv proxy`'s chain fields, or none. */
export function telemetryFields(telemetry: TelemetryConfig | undefined): Partial<RunConfig> {
  return telemetry ? { telemetry_config: telemetry } : {};
}

const OPTION_FLAGS = [
  ["otelEndpoint", "--otel-endpoint"],
  ["otelSamplingRate", "--otel-sampling-rate"],
  ["otelHeaders", "--otel-headers"],
  ["otelServiceName", "--otel-service-name"],
  ["otelInsecure", "--otel-insecure"],
  ["otelTracing", "--no-otel-tracing"],
  ["otelMetrics", "--no-otel-metrics"],
  ["enablePrometheus", "--enable-prometheus"],
  ["prometheusPort", "--prometheus-port"],
] as const;

/** Where commander says an option's value came from, and the values. */
interface OptionSource {
  getOptionValueSource(name: string): string | undefined;
  opts(): unknown;
}

/**
 * The telemetry flags of `thv proxy stdio`: its own, else those `thv proxy` read (commander may give the
 * parent a flag both define, wherever it stands; `thv proxy --otel-endpoint x stdio` counts too).
 */
export function telemetryFlagsOf(own: TelemetryFlags, command: OptionSource, parent: OptionSource): TelemetryFlags {
  const merged: Record<string, unknown> = { ...own };
  const parentOpts = parent.opts() as Record<string, unknown>;
  for (const [name] of OPTION_FLAGS) {
    if (command.getOptionValueSource(name) !== "cli" && parent.getOptionValueSource(name) === "cli") {
      merged[name] = parentOpts[name];
    }
  }
  return merged as TelemetryFlags;
}
