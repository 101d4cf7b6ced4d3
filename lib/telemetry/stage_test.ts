import { strict as assert } from "node:assert";
import { createLogger } from "../log.ts";
import { buildChain } from "../middleware/mod.ts";
import { parseRunConfig, type RunConfig } from "../run_config.ts";
import { factory } from "./mod.ts";
import { spanName } from "./stage.ts";

const log = createLogger({ format: "text", level: "error" });

function config(telemetry: Record<string, unknown>): RunConfig {
  return parseRunConfig(
    JSON.stringify({
      schema_version: "v0.1.0",
      name: "fx",
      image: "fx",
      transport: "streamable-http",
      port: 8080,
      telemetry_config: telemetry,
    }),
    "test",
  );
}

/** A loopback port nothing listens on: exports fail fast, which the stage must survive. */
function closedPort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = l.addr as Deno.NetAddr;
  l.close();
  return port;
}

const call = (headers: Record<string, string> = {}) =>
  new Request("http://localhost/mcp", {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ jsonrpc: "2.0", id: 3, method: "tools/call", params: { name: "echo", arguments: {} } }),
  });

Deno.test("telemetry stage: the client's traceparent is continued and a child of it goes upstream", async () => {
  const chain = await buildChain(
    config({ endpoint: `127.0.0.1:${closedPort()}`, insecure: true, tracingEnabled: true, samplingRate: "0" }),
    { log, env: {} },
    { factories: [factory] },
  );
  assert.deepEqual(chain?.stages, ["telemetry"]);
  const upstream: Headers[] = [];
  const handler = chain!.middleware((req) => {
    upstream.push(req.headers);
    return Promise.resolve(new Response(null, { status: 202 }));
  });
  try {
    const client = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    assert.equal((await handler(call({ traceparent: client }))).status, 202);
    const sent = upstream[0]!.get("traceparent");
    assert.match(
      sent ?? "",
      /^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01$/,
      "same trace, sampled by its parent",
    );
    assert.notEqual(sent, client, "the proxy's span is the parent upstream");

    // No client trace and a sampling rate of 0: a new trace, not sampled, still propagated.
    await handler(call());
    assert.match(upstream[1]!.get("traceparent") ?? "", /^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/);
  } finally {
    await chain!.close();
  }
});

Deno.test("telemetry stage: nothing to export is no stage; a busy Prometheus port refuses, naming the flag", async () => {
  assert.equal(
    await buildChain(config({ serviceName: "s", enablePrometheusMetricsPath: false }), { log, env: {} }, {
      factories: [factory],
    }),
    undefined,
  );
  const busy = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    await assert.rejects(
      buildChain(
        config({ enablePrometheusMetricsPath: true, prometheusPort: (busy.addr as Deno.NetAddr).port }),
        { log, env: {} },
        { factories: [factory] },
      ),
      /^Error: RunConfig fx: cannot serve Prometheus metrics on 127\.0\.0\.1:\d+ .*: set another telemetry_config\.prometheusPort \(--prometheus-port\)$/,
    );
  } finally {
    busy.close();
  }
});

Deno.test("telemetry stage: a refused call (a 4xx, e.g. authorization's 403) is counted with status error", async () => {
  const port = closedPort();
  const chain = await buildChain(
    config({ enablePrometheusMetricsPath: true, prometheusPort: port }),
    { log, env: {} },
    { factories: [factory] },
  );
  const denied = JSON.stringify({ jsonrpc: "2.0", id: 3, error: { code: 403, message: "Unauthorized" } });
  const handler = chain!.middleware(() =>
    Promise.resolve(new Response(denied, { status: 403, headers: { "content-type": "application/json" } }))
  );
  try {
    await (await handler(call())).body?.cancel();
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    assert.match(text, /^toolhive_mcp_requests_total\{[^}]*status_code="403",status="error"\} 1$/m, text);
    assert.match(text, /^toolhive_mcp_tool_calls_total\{server="fx",tool="echo",status="error"\} 1$/m, text);
  } finally {
    await chain!.close();
  }
});

Deno.test("spanName: ToolHive's names", () => {
  assert.equal(spanName({ method: "tools/call", target: "echo" }), "tools/call echo");
  assert.equal(spanName({ method: "prompts/get", target: "review" }), "prompts/get review");
  assert.equal(spanName({ method: "resources/read", target: "file:///a" }), "resources/read");
  assert.equal(spanName({ method: "tools/list" }), "tools/list");
});
