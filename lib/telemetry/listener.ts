/**
 * The Prometheus listener: `GET /metrics` on its own port (ToolHive's diagnostics port 9464 by default),
 * apart from the proxy's port, so that scraping needs no client credentials and never passes the chain.
 * @module
 */
import { type HttpListener, serve } from "../http/mod.ts";
import type { Logger } from "../log.ts";
import type { PrometheusRegistry, ScrapeState } from "./prometheus.ts";

/** The content type of the text exposition format 0.0.4. */
export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/** Options of {@linkcode startMetricsListener}. */
export interface MetricsListenerOptions {
  /** Address to listen on. */
  readonly hostname: string;
  /** Port (0: any free one). */
  readonly port: number;
  /** What is scraped. */
  readonly registry: PrometheusRegistry;
  /** Sessions and health, read at each scrape. */
  readonly state: ScrapeState;
  /** Logger. */
  readonly log: Logger;
  /** The workload, for errors. */
  readonly name: string;
}

/** Serves `/metrics`; throws a one-line error when the port cannot be had. */
export function startMetricsListener(options: MetricsListenerOptions): HttpListener {
  const { registry, state, log } = options;
  const handler = async (req: Request): Promise<Response> => {
    const path = new URL(req.url, "http://localhost").pathname;
    if (path !== "/metrics") return new Response("Not found: metrics are at /metrics\n", { status: 404 });
    if (req.method !== "GET" && req.method !== "HEAD") {
      return new Response("Method not allowed: GET /metrics\n", { status: 405, headers: { allow: "GET, HEAD" } });
    }
    return new Response(await registry.text(state), { headers: { "content-type": PROMETHEUS_CONTENT_TYPE } });
  };
  try {
    return serve({
      hostname: options.hostname,
      port: options.port,
      log,
      onListen: (addr) => log.info("Prometheus metrics listening", { port: addr.port, path: "/metrics" }),
    }, handler);
  } catch (e) {
    throw new Error(
      `RunConfig ${options.name}: cannot serve Prometheus metrics on ${options.hostname}:${options.port} ` +
        `(${(e as Error).message}): set another telemetry_config.prometheusPort (--prometheus-port)`,
    );
  }
}
