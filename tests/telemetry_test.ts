/**
 * Telemetry end to end with parts no one on the project wrote: a stdio proxy in front of server-everything
 * (npm) with the chain's telemetry stage sends its spans and OTLP metrics to a real OpenTelemetry Collector
 * (built from the Go module proxy by scripts/build_otelcol.sh), where they are read back from the debug
 * exporter; its Prometheus listener's `/metrics` is parsed by prometheus_client (PyPI) after real calls.
 */
import { strict as assert } from "node:assert";
import { createLogger } from "../lib/log.ts";
import { Client, StreamableHTTPClientTransport } from "../lib/mcp/mod.ts";
import { proxyChainOf, ProxyStateSlot } from "../lib/middleware/mod.ts";
import { parseRunConfig, type RunConfig } from "../lib/run_config.ts";
import { connectClient, EVERYTHING_STDIO, serveStdioProxy } from "./harness/mcp.ts";
import { type PrintedSpan, startCollector } from "./harness/otelcol.ts";
import { poll } from "./harness/poll.ts";
import { freePort } from "./harness/ports.ts";
import { type ParsedSample, parsePrometheusText } from "./harness/prometheus_parser.ts";
import { privateHome, runThv, spawnThv } from "./harness/thv.ts";

const log = createLogger({ format: "text", level: "error" });

function config(telemetry: Record<string, unknown>): RunConfig {
  return parseRunConfig(
    JSON.stringify({
      schema_version: "v0.1.0",
      name: "everything",
      image: "everything",
      transport: "stdio",
      port: 8080,
      telemetry_config: telemetry,
    }),
    "test",
  );
}

/** The sum of the samples of `name` whose labels include `labels`; undefined when there is none. */
function sample(samples: readonly ParsedSample[], name: string, labels: Record<string, string>): number | undefined {
  const found = samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  return found.length > 0 ? found.reduce((n, s) => n + s.value, 0) : undefined;
}

Deno.test("telemetry: spans at a real collector, /metrics parsed by prometheus_client", async (t) => {
  await using collector = await startCollector();
  const prometheusPort = freePort();
  const cfg = config({
    endpoint: collector.endpoint,
    insecure: true,
    tracingEnabled: true,
    metricsEnabled: true,
    samplingRate: "1",
    serviceName: "thv-telemetry-test",
    customAttributes: { team: "qa" },
    enablePrometheusMetricsPath: true,
    prometheusPort,
  });
  const state = new ProxyStateSlot();
  const chain = await proxyChainOf(cfg, { log, env: { TOOLHIVE_OTEL_HEADER_X_TEST: "s3cret" }, proxy: state });
  assert.deepEqual(chain?.stages, ["telemetry"]);
  let chainClosed = false;
  await using served = await serveStdioProxy(EVERYTHING_STDIO, { middleware: chain!.middleware });
  state.bind(served.proxy);
  // The client's own trace: the proxy's spans must continue it.
  const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
  const clientSpan = "00f067aa0ba902b7";
  const transport = new StreamableHTTPClientTransport(new URL(served.url), {
    requestInit: { headers: { traceparent: `00-${traceId}-${clientSpan}-01` } },
  });
  const client = new Client({ name: "thv-telemetry-test", version: "1.0.0" }, { capabilities: {} });
  try {
    await client.connect(transport);
    const sessionId = transport.sessionId;
    assert.ok(sessionId, "the proxy hands out a session");
    const tools = await client.listTools();
    assert.ok(tools.tools.some((tool) => tool.name === "echo"), "server-everything has echo");
    const echoed = await client.callTool({ name: "echo", arguments: { message: "hello telemetry" } });
    assert.match(JSON.stringify(echoed.content), /hello telemetry/);
    await client.callTool({ name: "echo", arguments: { message: "again" } });
    const failed = await client.callTool({ name: "no-such-tool", arguments: {} });
    assert.equal(failed.isError, true, "server-everything answers an unknown tool with a failed result");

    await t.step("/metrics, parsed by prometheus_client, counts the calls, the session and the health", async () => {
      const res = await fetch(`http://127.0.0.1:${prometheusPort}/metrics`);
      assert.equal(res.status, 200);
      assert.match(res.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
      const samples = await parsePrometheusText(await res.text());
      const server = { server: "everything" };
      assert.equal(
        sample(samples, "toolhive_mcp_requests_total", { ...server, mcp_method: "tools/call", status_code: "200" }),
        3,
      );
      assert.equal(
        sample(samples, "toolhive_mcp_requests_total", { mcp_method: "tools/call", status: "error" }),
        1,
        "the failed tool counts as an error",
      );
      assert.equal(sample(samples, "toolhive_mcp_requests_total", { mcp_method: "initialize" }), 1);
      assert.equal(sample(samples, "toolhive_mcp_requests_total", { mcp_method: "tools/list" }), 1);
      assert.equal(sample(samples, "toolhive_mcp_tool_calls_total", { tool: "echo", status: "success" }), 2);
      assert.equal(sample(samples, "toolhive_mcp_tool_calls_total", { tool: "no-such-tool", status: "error" }), 1);
      assert.equal(sample(samples, "toolhive_mcp_request_duration_seconds_count", { mcp_method: "tools/call" }), 3);
      assert.equal(
        sample(samples, "toolhive_mcp_request_duration_seconds_bucket", { mcp_method: "tools/call", le: "+Inf" }),
        3,
      );
      const family = samples.find((s) => s.name === "toolhive_mcp_request_duration_seconds_sum");
      assert.equal(family?.type, "histogram");
      assert.equal(sample(samples, "toolhive_mcp_active_connections", server), 1);
      assert.equal(sample(samples, "thv_mcp_backend_up", server), 1);
    });

    await client.close();
    await chain!.close(); // flushes the batched spans and the metrics
    chainClosed = true;

    await t.step("the collector got a server span per request, continuing the client's trace", async () => {
      const echo = await poll(async () => {
        const spans = await collector.spans();
        const found = spans.filter((s) => s.name === "tools/call echo");
        return found.length >= 2 ? found : undefined;
      }, { what: "two `tools/call echo` spans at the collector", deadlineMs: 20_000 });
      const span: PrintedSpan = echo[0]!;
      assert.equal(span.kind, "Server");
      assert.equal(span.traceId, traceId);
      assert.equal(span.parentId, clientSpan);
      assert.equal(span.status, "Ok");
      assert.equal(span.attributes["mcp.method.name"], "tools/call");
      assert.equal(span.attributes["gen_ai.tool.name"], "echo");
      assert.equal(span.attributes["mcp.tool.name"], "echo", "legacy names too, by default");
      assert.equal(span.attributes["mcp.session.id"], sessionId);
      assert.equal(span.attributes["http.response.status_code"], "200");
      assert.ok(span.attributes["jsonrpc.request.id"], "the JSON-RPC id");
      assert.equal(span.resource["service.name"], "thv-telemetry-test");
      assert.equal(span.resource["team"], "qa");
      const spans = await collector.spans();
      const names = new Set(spans.map((s) => s.name));
      for (const n of ["initialize", "tools/list", "notifications/initialized"]) assert.ok(names.has(n), n);
      const failed = spans.find((s) => s.name === "tools/call no-such-tool");
      assert.ok(failed, "the failing call has its span");
      assert.equal(failed.status, "Error");
      assert.ok(failed.attributes["error.type"]);
    });

    await t.step("the collector got the OTLP metrics", async () => {
      const text = await poll(async () => {
        const log = await collector.log();
        return log.includes("toolhive_mcp_requests") ? log : undefined;
      }, { what: "toolhive_mcp_requests at the collector", deadlineMs: 20_000 });
      assert.match(text, /toolhive_mcp_request_duration/);
      assert.match(text, /toolhive_mcp_tool_calls/);
    });
  } finally {
    await client.close().catch(() => {});
    if (!chainClosed) await chain!.close();
  }
});

Deno.test("thv proxy stdio --otel-endpoint --enable-prometheus: spans at the collector, /metrics on its port", async () => {
  await using collector = await startCollector();
  const prometheusPort = freePort();
  const thv = spawnThv([
    "proxy",
    "stdio",
    "--otel-endpoint",
    collector.endpoint,
    "--otel-insecure",
    "--otel-sampling-rate",
    "1",
    "--otel-service-name",
    "thv-cli-test",
    "--otel-headers",
    "x-tenant=qa",
    "--enable-prometheus",
    "--prometheus-port",
    String(prometheusPort),
    "--",
    EVERYTHING_STDIO.command,
    ...EVERYTHING_STDIO.args,
  ]);
  let stopped = false;
  try {
    const url = await thv.firstLine(30_000);
    const client = await connectClient(url);
    const result = await client.callTool({ name: "echo", arguments: { message: "from the cli" } });
    assert.match(JSON.stringify(result.content), /from the cli/);
    const samples = await parsePrometheusText(
      await (await fetch(`http://127.0.0.1:${prometheusPort}/metrics`)).text(),
    );
    assert.equal(sample(samples, "toolhive_mcp_tool_calls_total", { server: "proxy", tool: "echo" }), 1);
    assert.equal(sample(samples, "toolhive_mcp_active_connections", {}), 1);
    await client.close();
    assert.equal((await thv.stop()).code, 0, "SIGTERM stops it cleanly, flushing the spans");
    stopped = true;
    const span = await poll(async () => {
      const found = (await collector.spans()).find((s) => s.name === "tools/call echo");
      return found;
    }, { what: "the CLI proxy's span at the collector", deadlineMs: 20_000 });
    assert.equal(span.resource["service.name"], "thv-cli-test");
    assert.equal(span.attributes["gen_ai.tool.name"], "echo");
  } finally {
    if (!stopped) await thv.stop();
    await thv.stderr;
  }
});

const CACHE = `${Deno.env.get("HOME")}/.cache/thv/test-xdg-cache`;

Deno.test("thv run everything --enable-prometheus --otel-endpoint: the detached proxy exports and serves /metrics", async () => {
  await using collector = await startCollector();
  await using user = await privateHome({ XDG_CACHE_HOME: CACHE, TOOLHIVE_RUNTIME: "deno" });
  const prometheusPort = freePort();
  const run = await runThv([
    "run",
    "everything",
    "--otel-endpoint",
    collector.endpoint,
    "--otel-insecure",
    "--otel-sampling-rate",
    "1",
    "--enable-prometheus",
    "--prometheus-port",
    String(prometheusPort),
  ], user.env);
  assert.equal(run.code, 0, run.stderr);
  try {
    const client = await connectClient(run.stdout.trim());
    await client.callTool({ name: "echo", arguments: { message: "detached" } });
    await client.close();
    const samples = await parsePrometheusText(
      await (await fetch(`http://127.0.0.1:${prometheusPort}/metrics`)).text(),
    );
    assert.equal(sample(samples, "toolhive_mcp_tool_calls_total", { server: "everything", tool: "echo" }), 1);
    assert.equal(sample(samples, "thv_mcp_backend_up", { server: "everything" }), 1);
    const exported = JSON.parse((await runThv(["export", "everything"], user.env)).stdout);
    assert.equal(exported.telemetry_config.enablePrometheusMetricsPath, true, "the flags are in the RunConfig");
  } finally {
    assert.equal((await runThv(["stop", "everything"], user.env)).code, 0);
    await runThv(["rm", "everything"], user.env);
  }
  const span = await poll(
    async () => (await collector.spans()).find((s) => s.name === "tools/call echo"),
    { what: "the detached proxy's span at the collector", deadlineMs: 20_000 },
  );
  assert.equal(span.resource["service.name"], "thv-everything");
});
