/**
 * The chain's `telemetry` stage (issue 15 item 6): for each MCP request a server span (named as ToolHive
 * names them: `tools/call <tool>`, `prompts/get <prompt>`, else the method) continuing the client's W3C
 * `traceparent` and passing the span on to the MCP server; and the request's counts and duration for
 * Prometheus and OTLP metrics. Placed after outgoing authentication (ToolHive's order), so it sees only
 * authenticated calls.
 * @module
 */
import { type Span, SpanStatusCode } from "@opentelemetry/api";
import type { ChainDeps, Stage } from "../middleware/mod.ts";
import { type McpOperation, operationOf, type ProxyCall } from "../mcp_call/mod.ts";
import { lazyImport } from "../lazy_import.ts";
import type { RunConfig } from "../run_config.ts";
import { type TelemetrySettings, telemetrySettings } from "./config.ts";
import { startMetricsListener } from "./listener.ts";
import { type Outcome, outcomeOf } from "./outcome.ts";
import { PrometheusRegistry } from "./prometheus.ts";
import type { CallRecord, Recorder } from "./record.ts";
import type { CallTracer } from "./tracing.ts";

/** The RunConfig key the stage enforces. */
export const TELEMETRY_KEYS: readonly string[] = ["telemetry_config"];

type Attributes = Record<string, string | number | boolean>;

/** The span's name: ToolHive's `tools/call <tool>`, `prompts/get <prompt>`, else the method. */
export function spanName(op: McpOperation): string {
  if ((op.method === "tools/call" || op.method === "prompts/get") && op.target) return `${op.method} ${op.target}`;
  return op.method;
}

/** The span's attributes at the start: semantic-convention names, and ToolHive's older names when `legacy`. */
export function startAttributes(call: ProxyCall, op: McpOperation, settings: TelemetrySettings): Attributes {
  const a: Attributes = {
    "mcp.method.name": op.method,
    "rpc.system": "jsonrpc",
    "jsonrpc.protocol.version": "2.0",
    "http.request.method": call.request.method,
    "url.path": call.path,
    "network.transport": settings.transport === "stdio" ? "pipe" : "tcp",
    "mcp.server.name": settings.serverName,
  };
  if (op.id !== undefined) a["jsonrpc.request.id"] = String(op.id);
  if (call.sessionId) a["mcp.session.id"] = call.sessionId;
  const target = op.target;
  if (target !== undefined) {
    if (op.method === "tools/call") {
      a["gen_ai.tool.name"] = target;
      a["gen_ai.operation.name"] = "execute_tool";
    } else if (op.method === "prompts/get") a["gen_ai.prompt.name"] = target;
    else a["mcp.resource.uri"] = target;
  }
  if (settings.legacyAttributes) {
    a["mcp.method"] = op.method;
    a["rpc.service"] = "mcp";
    a["mcp.transport"] = settings.transport;
    a["http.method"] = call.request.method;
    a["http.target"] = call.path;
    if (op.id !== undefined) a["mcp.request.id"] = String(op.id);
    if (target !== undefined) {
      const legacy = op.method === "tools/call"
        ? "mcp.tool.name"
        : op.method === "prompts/get"
        ? "mcp.prompt.name"
        : "mcp.resource.id";
      a[legacy] = target;
    }
  }
  return a;
}

/** The first request or notification of a call's body. */
function firstOperation(call: ProxyCall): McpOperation | undefined {
  for (const m of call.messages) {
    const op = operationOf(m);
    if (op) return op;
  }
  return undefined;
}

/** Ends `span` and records the call once its outcome is known. */
function finish(
  span: Span | undefined,
  recorders: readonly Recorder[],
  record: Omit<CallRecord, "error">,
  outcome: Outcome,
  legacy: boolean,
): void {
  const rpcError = outcome.rpcError;
  const failed = rpcError !== undefined || outcome.toolError;
  // Metrics count every refusal (4xx) as an error, as ToolHive's do; a span marks only what the server failed.
  for (const r of recorders) r.record({ ...record, error: failed || record.httpStatus >= 400 });
  if (!span) return;
  const error = failed || record.httpStatus >= 500;
  span.setAttribute("http.response.status_code", record.httpStatus);
  if (legacy) span.setAttribute("http.status_code", record.httpStatus);
  if (rpcError !== undefined) span.setAttribute("rpc.jsonrpc.error_code", rpcError);
  if (error) {
    const type = rpcError !== undefined
      ? String(rpcError)
      : outcome.toolError
      ? "tool_error"
      : String(record.httpStatus);
    span.setAttribute("error.type", type);
    span.setStatus({ code: SpanStatusCode.ERROR });
  } else if (record.httpStatus < 400) span.setStatus({ code: SpanStatusCode.OK });
  span.end();
}

/** The stage `config.telemetry_config` asks for; undefined when it asks for no export. */
export async function telemetryStage(config: RunConfig, deps: ChainDeps): Promise<Stage | undefined> {
  const settings = telemetrySettings(config, deps.env);
  if (!settings) return undefined;
  const log = deps.log.with({ stage: "telemetry" });
  for (const w of settings.warnings) log.warn(`RunConfig ${config.name}: ${w}`);
  if (!settings.tracing && !settings.metrics && !settings.prometheus) return undefined;
  const caPath = settings.tracing?.caCertPath ?? settings.metrics?.caCertPath;
  let ca: string | undefined;
  if (caPath && !(settings.tracing ?? settings.metrics)!.baseUrl.startsWith("http:")) {
    ca = await (deps.readTextFile ?? Deno.readTextFile)(caPath).catch((e: Error) => {
      throw new Error(`RunConfig ${config.name}: cannot read telemetry_config.caCertPath ${caPath}: ${e.message}`);
    });
  }
  const resource = { ...settings.resource, "service.name": settings.serviceName };
  const state = deps.proxy ?? { sessions: () => 0, healthy: () => Promise.resolve(undefined) };
  const closers: Array<() => Promise<void>> = [];
  const recorders: Recorder[] = [];
  let tracer: CallTracer | undefined;
  try {
    if (settings.tracing) {
      const { createTracer } = await lazyImport<typeof import("./tracing.ts")>(
        new URL("./tracing.ts", import.meta.url),
      );
      const t = createTracer({
        target: settings.tracing,
        ratio: settings.tracing.ratio,
        resource,
        ...(ca ? { ca } : {}),
      });
      tracer = t;
      closers.push(() => t.close());
    }
    if (settings.metrics) {
      const { createOtlpMetrics } = await lazyImport<typeof import("./otlp_metrics.ts")>(
        new URL("./otlp_metrics.ts", import.meta.url),
      );
      const m = createOtlpMetrics({
        target: settings.metrics,
        resource,
        server: settings.serverName,
        sessions: () => state.sessions(),
        ...(ca ? { ca } : {}),
      });
      recorders.push(m);
      closers.push(() => m.close());
    }
    if (settings.prometheus) {
      const registry = new PrometheusRegistry(settings.serverName, settings.transport);
      const listener = startMetricsListener({ ...settings.prometheus, registry, state, log, name: config.name });
      recorders.push(registry);
      closers.push(() => listener.shutdown());
    }
  } catch (e) {
    await Promise.allSettled(closers.map((c) => c()));
    throw e;
  }
  log.info("Telemetry on", {
    tracing: settings.tracing ? `${settings.tracing.baseUrl} ratio ${settings.tracing.ratio}` : "off",
    metrics: settings.metrics ? settings.metrics.baseUrl : "off",
    prometheus: settings.prometheus ? settings.prometheus.port : "off",
    // Header names only: their values are secrets.
    headers: Object.keys((settings.tracing ?? settings.metrics)?.headers ?? {}).join(","),
  });
  const legacy = settings.legacyAttributes;
  return {
    middleware: (next) => async (call) => {
      const op = firstOperation(call);
      if (!op) return await next(call);
      const span = tracer?.start(spanName(op), call.request.headers, startAttributes(call, op, settings));
      if (span) tracer!.inject(span, call.upstreamHeaders);
      const base = { method: op.method, ...(op.target !== undefined ? { target: op.target } : {}) };
      let res: Response;
      try {
        res = await next(call);
      } catch (e) {
        span?.recordException(e as Error);
        finish(
          span,
          recorders,
          { ...base, httpStatus: 500, durationMs: performance.now() - call.started },
          { toolError: false },
          legacy,
        );
        throw e;
      }
      const record = { ...base, httpStatus: res.status, durationMs: performance.now() - call.started };
      if (res.status === 200 && res.body && op.id !== undefined) {
        // A JSON-RPC error (or a failed tool) answers 200: read from a copy, off the client's path.
        void outcomeOf(res.clone(), op.id).then((o) => finish(span, recorders, record, o, legacy));
      } else finish(span, recorders, record, { toolError: false }, legacy);
      return res;
    },
    async close() {
      await Promise.allSettled(closers.map((c) => c()));
    },
  };
}
