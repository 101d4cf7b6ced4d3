/**
 * Traces over OTLP/HTTP: a tracer provider with a parent-based ratio sampler and a batch span processor,
 * and the W3C trace-context propagator that continues a client's `traceparent` and passes it to the MCP
 * server. Imported only when a RunConfig enables tracing (it loads the OpenTelemetry SDK).
 * @module
 */
import { type Context, ROOT_CONTEXT, type Span, SpanKind, trace, type Tracer } from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
} from "@opentelemetry/sdk-trace-base";
import { CLOSE_TIMEOUT_MS, type OtlpTarget, within } from "./config.ts";

/** Starts spans for calls and exports them. */
export interface CallTracer {
  /** A server span named `name`, child of the client's `traceparent` in `headers` when it sends one. */
  start(name: string, headers: Headers, attributes: Record<string, string | number | boolean>): Span;
  /** Sets `traceparent` (and `tracestate`) of `span` on `headers`, toward the MCP server. */
  inject(span: Span, headers: Headers): void;
  /** Exports what is buffered and stops. */
  close(): Promise<void>;
}

const propagator = new W3CTraceContextPropagator();
const getter = {
  keys: (h: Headers) => [...h.keys()],
  get: (h: Headers, key: string) => h.get(key) ?? undefined,
};
const setter = { set: (h: Headers, key: string, value: string) => h.set(key, value) };

/** Options of {@linkcode createTracer}. */
export interface TracerOptions {
  /** The collector. */
  readonly target: OtlpTarget;
  /** Fraction of new traces sampled, 0..1; a client's sampled flag decides for its own. */
  readonly ratio: number;
  /** Resource attributes (`service.name` included). */
  readonly resource: Record<string, string>;
  /** The CA bundle's text, when `target.caCertPath` names one. */
  readonly ca?: string;
}

/** A tracer exporting to `options.target` (`/v1/traces`). */
export function createTracer(options: TracerOptions): CallTracer {
  const exporter = new OTLPTraceExporter({
    url: `${options.target.baseUrl}/v1/traces`,
    headers: { ...options.target.headers },
    ...(options.ca ? { httpAgentOptions: { ca: options.ca } } : {}),
  });
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes(options.resource),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(options.ratio) }),
    spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: 1000 })],
  });
  const tracer: Tracer = provider.getTracer("thv-proxy");
  return {
    start(name, headers, attributes) {
      const parent: Context = headers.has("traceparent")
        ? propagator.extract(ROOT_CONTEXT, headers, getter)
        : ROOT_CONTEXT;
      return tracer.startSpan(name, { kind: SpanKind.SERVER, attributes }, parent);
    },
    inject(span, headers) {
      propagator.inject(trace.setSpan(ROOT_CONTEXT, span), headers, setter);
    },
    async close() {
      // An unreachable collector must not hold the proxy's shutdown: what is not out by then is dropped.
      await within(provider.shutdown().catch(() => {}), CLOSE_TIMEOUT_MS);
    },
  };
}
