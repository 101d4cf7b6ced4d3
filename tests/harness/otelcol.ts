/**
 * A real OpenTelemetry Collector for the telemetry tests: the binary scripts/build_otelcol.sh builds from the
 * Go module proxy (or `THV_OTELCOL_BIN`), run with an OTLP/HTTP receiver on a free port and the debug
 * exporter at detailed verbosity; the spans and metric names it printed are read back from its log.
 * @module
 */
import { fileURLToPath } from "node:url";
import { freePort } from "./ports.ts";
import { type ServerProcess, startProcess, waitUntilReady } from "./process.ts";

const SCRIPT = fileURLToPath(new URL("../../scripts/build_otelcol.sh", import.meta.url));

/** The collector binary: `THV_OTELCOL_BIN`, else the cached build; a missing one throws, saying how to build it. */
export async function otelcolBinary(env = Deno.env.toObject()): Promise<string> {
  let path = env.THV_OTELCOL_BIN;
  if (!path) {
    const out = await new Deno.Command("bash", { args: [SCRIPT, "--where"], stdout: "piped" }).output();
    path = new TextDecoder().decode(out.stdout).trim();
  }
  const ok = await Deno.stat(path).then((s) => s.isFile && (s.mode ?? 0) & 0o111, () => false);
  if (!ok) {
    throw new Error(
      `the OpenTelemetry Collector is missing at ${path}: run bash scripts/build_otelcol.sh (builds it from the Go module proxy), or set THV_OTELCOL_BIN`,
    );
  }
  return path;
}

/** One span as the debug exporter printed it. */
export interface PrintedSpan {
  /** Span name. */
  readonly name: string;
  /** Trace ID (hex). */
  readonly traceId: string;
  /** Parent span ID (hex; empty for a root). */
  readonly parentId: string;
  /** Span ID (hex). */
  readonly id: string;
  /** Kind, e.g. `Server`. */
  readonly kind: string;
  /** Status code, e.g. `Ok`, `Error`, `Unset`. */
  readonly status: string;
  /** Attributes, their values as printed inside `Str(...)`, `Int(...)`, `Bool(...)`. */
  readonly attributes: Readonly<Record<string, string>>;
  /** Resource attributes of the batch it came in. */
  readonly resource: Readonly<Record<string, string>>;
}

const ATTRIBUTE = /^\s*-> ([^:]+): \w+\((.*)\)$/;

/** The spans in a debug exporter's detailed output. */
export function parsePrintedSpans(log: string): PrintedSpan[] {
  const spans: PrintedSpan[] = [];
  let resource: Record<string, string> = {};
  let section: "resource" | "span" | "other" = "other";
  let span: { fields: Record<string, string>; attributes: Record<string, string> } | undefined;
  const flush = () => {
    if (!span) return;
    const f = span.fields;
    spans.push({
      name: f["Name"] ?? "",
      traceId: f["Trace ID"] ?? "",
      parentId: f["Parent ID"] ?? "",
      id: f["ID"] ?? "",
      kind: f["Kind"] ?? "",
      status: f["Status code"] ?? "",
      attributes: span.attributes,
      resource,
    });
    span = undefined;
  };
  for (const line of log.split("\n")) {
    if (line.includes("ResourceSpans #")) {
      flush();
      resource = {};
      section = "other";
    } else if (line.startsWith("Resource attributes:")) section = "resource";
    else if (/^Span #\d+/.test(line)) {
      flush();
      span = { fields: {}, attributes: {} };
      section = "other";
    } else if (span && line.startsWith("Attributes:")) section = "span";
    else if (/^(ScopeSpans|Events|Links|InstrumentationScope)/.test(line)) section = "other";
    else {
      const a = ATTRIBUTE.exec(line);
      if (a) {
        if (section === "resource") resource[a[1]!] = a[2]!;
        else if (section === "span" && span) span.attributes[a[1]!] = a[2]!;
        continue;
      }
      const field = /^ {4}([A-Za-z ]+?)\s*: (.*)$/.exec(line);
      if (span && field) span.fields[field[1]!] = field[2]!.trim();
    }
  }
  flush();
  return spans;
}

/** A running collector. */
export interface Collector extends AsyncDisposable {
  /** `127.0.0.1:<port>` of its OTLP/HTTP receiver (as RunConfig `endpoint` takes it). */
  readonly endpoint: string;
  /** Everything it printed so far. */
  log(): Promise<string>;
  /** The spans it printed so far. */
  spans(): Promise<PrintedSpan[]>;
  /** The collector process. */
  readonly process: ServerProcess;
  /** Stops it. */
  stop(): Promise<void>;
}

/** Starts a collector with an OTLP/HTTP receiver on a free port; waits until the receiver accepts. */
export async function startCollector(): Promise<Collector> {
  const binary = await otelcolBinary();
  const dir = await Deno.makeTempDir({ prefix: "thv-otelcol-" });
  const port = freePort();
  const config = `${dir}/config.yaml`;
  await Deno.writeTextFile(
    config,
    [
      "receivers:",
      "  otlp:",
      "    protocols:",
      "      http:",
      `        endpoint: 127.0.0.1:${port}`,
      "exporters:",
      "  debug:",
      "    verbosity: detailed",
      "service:",
      "  telemetry:",
      "    metrics:",
      "      level: none",
      "  pipelines:",
      "    traces:",
      "      receivers: [otlp]",
      "      exporters: [debug]",
      "    metrics:",
      "      receivers: [otlp]",
      "      exporters: [debug]",
      "",
    ].join("\n"),
  );
  const logPath = `${dir}/otelcol.log`;
  const process = await startProcess("otelcol", binary, { args: ["--config", `file:${config}`], logPath });
  const stop = async () => {
    await process.stop();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  };
  try {
    // The receiver answers a GET of its path with 405 once it listens.
    await waitUntilReady(process, async () => {
      const res = await fetch(`http://127.0.0.1:${port}/v1/traces`);
      await res.body?.cancel();
      return res.status > 0;
    }, { deadlineMs: 30_000, what: "ready (OTLP/HTTP receiver)" });
  } catch (e) {
    await stop();
    throw e;
  }
  const log = () => Deno.readTextFile(logPath).catch(() => "");
  return {
    endpoint: `127.0.0.1:${port}`,
    log,
    spans: async () => parsePrintedSpans(await log()),
    process,
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
