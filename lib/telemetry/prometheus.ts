/**
 * The proxy's metrics in memory, and their Prometheus text exposition (format 0.0.4): request counts by
 * method and status, a request duration histogram, tool calls by tool, and, read at scrape time, the open
 * sessions and the server's health. Recording is a map lookup and an add (the hot path); the text is built
 * only when scraped. Names follow ToolHive's (`toolhive_mcp_*`) so its dashboards apply; the health gauge is
 * thv's own.
 * @module
 */
import type { CallRecord, Recorder } from "./record.ts";

/** Upper bounds (seconds) of the duration histogram's buckets. */
export const DURATION_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** What is read at scrape time. */
export interface ScrapeState {
  /** Open client sessions. */
  sessions(): number;
  /** Whether the server answers the proxy's health probe; undefined when unknown. */
  healthy(): Promise<boolean | undefined>;
}

interface Histogram {
  readonly labels: readonly string[];
  readonly buckets: number[];
  sum: number;
  count: number;
}

const SEP = "\u0000";

/** `\`, `"` and newlines escaped, as label values must be. */
function escapeLabel(value: string): string {
  return value.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("\n", "\\n");
}

function labelText(names: readonly string[], values: readonly string[], extra = ""): string {
  const parts = names.map((n, i) => `${n}="${escapeLabel(values[i] ?? "")}"`);
  if (extra) parts.push(extra);
  return parts.length > 0 ? `{${parts.join(",")}}` : "";
}

function numberText(n: number): string {
  if (n === Infinity) return "+Inf";
  if (n === -Infinity) return "-Inf";
  return Number.isNaN(n) ? "NaN" : String(n);
}

/** A counter family: label values → count. */
class Counter {
  readonly values = new Map<string, number>();
  constructor(readonly name: string, readonly help: string, readonly labels: readonly string[]) {}

  add(values: readonly string[], n = 1): void {
    const key = values.join(SEP);
    this.values.set(key, (this.values.get(key) ?? 0) + n);
  }

  text(): string {
    let out = `# HELP ${this.name} ${this.help}\n# TYPE ${this.name} counter\n`;
    for (const [key, n] of this.values) out += `${this.name}${labelText(this.labels, key.split(SEP))} ${n}\n`;
    return out;
  }
}

/** The metrics of one proxy. */
export class PrometheusRegistry implements Recorder {
  readonly #server: string;
  readonly #transport: string;
  readonly #requests = new Counter(
    "toolhive_mcp_requests_total",
    "MCP requests through the proxy, by method and HTTP status.",
    ["server", "transport", "mcp_method", "status_code", "status"],
  );
  readonly #tools = new Counter("toolhive_mcp_tool_calls_total", "tools/call requests, by tool.", [
    "server",
    "tool",
    "status",
  ]);
  readonly #durations = new Map<string, Histogram>();

  /** The metrics of the proxy of `server`, speaking `transport`. */
  constructor(server: string, transport: string) {
    this.#server = server;
    this.#transport = transport;
  }

  /** Counts one MCP request. */
  record(r: CallRecord): void {
    const status = r.error ? "error" : "success";
    this.#requests.add([this.#server, this.#transport, r.method, String(r.httpStatus), status]);
    if (r.method === "tools/call") this.#tools.add([this.#server, r.target ?? "", status]);
    const key = r.method;
    let h = this.#durations.get(key);
    if (!h) {
      h = { labels: [this.#server, r.method], buckets: DURATION_BUCKETS.map(() => 0), sum: 0, count: 0 };
      this.#durations.set(key, h);
    }
    const seconds = r.durationMs / 1000;
    for (let i = 0; i < DURATION_BUCKETS.length; i++) if (seconds <= DURATION_BUCKETS[i]!) h.buckets[i]!++;
    h.sum += seconds;
    h.count++;
  }

  /** The exposition text, with the sessions and health read from `state` now. */
  async text(state: ScrapeState): Promise<string> {
    const name = "toolhive_mcp_request_duration_seconds";
    let out = this.#requests.text() + this.#tools.text();
    out += `# HELP ${name} Duration of MCP requests through the proxy, in seconds.\n# TYPE ${name} histogram\n`;
    const labels = ["server", "mcp_method"];
    for (const h of this.#durations.values()) {
      DURATION_BUCKETS.forEach((le, i) => {
        out += `${name}_bucket${labelText(labels, h.labels, `le="${numberText(le)}"`)} ${h.buckets[i]}\n`;
      });
      out += `${name}_bucket${labelText(labels, h.labels, 'le="+Inf"')} ${h.count}\n`;
      out += `${name}_sum${labelText(labels, h.labels)} ${numberText(h.sum)}\n`;
      out += `${name}_count${labelText(labels, h.labels)} ${h.count}\n`;
    }
    const server = labelText(["server"], [this.#server]);
    out += "# HELP toolhive_mcp_active_connections Open client sessions of the proxy.\n" +
      "# TYPE toolhive_mcp_active_connections gauge\n" +
      `toolhive_mcp_active_connections${server} ${state.sessions()}\n`;
    const healthy = await state.healthy();
    out += "# HELP thv_mcp_backend_up 1 while the MCP server answers the proxy's health probe, 0 when it does not.\n" +
      "# TYPE thv_mcp_backend_up gauge\n" +
      (healthy === undefined ? "" : `thv_mcp_backend_up${server} ${healthy ? 1 : 0}\n`);
    return out;
  }
}
