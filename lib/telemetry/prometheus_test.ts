import { strict as assert } from "node:assert";
import { PrometheusRegistry } from "./prometheus.ts";

const state = (healthy: boolean | undefined) => ({ sessions: () => 2, healthy: () => Promise.resolve(healthy) });

Deno.test("PrometheusRegistry: counters, the histogram's cumulative buckets, sessions and health", async () => {
  const r = new PrometheusRegistry("fetch", "stdio");
  r.record({ method: "tools/call", target: "get", httpStatus: 200, error: false, durationMs: 3 });
  r.record({ method: "tools/call", target: "get", httpStatus: 200, error: true, durationMs: 30 });
  r.record({ method: "tools/list", httpStatus: 200, error: false, durationMs: 20_000 });
  const text = await r.text(state(true));
  const line = (prefix: string) => text.split("\n").find((l) => l.startsWith(prefix));
  assert.equal(
    line(
      'toolhive_mcp_requests_total{server="fetch",transport="stdio",mcp_method="tools/call",status_code="200",status="success"}',
    ),
    'toolhive_mcp_requests_total{server="fetch",transport="stdio",mcp_method="tools/call",status_code="200",status="success"} 1',
  );
  assert.match(text, /^toolhive_mcp_tool_calls_total\{server="fetch",tool="get",status="error"\} 1$/m);
  assert.match(
    text,
    /^toolhive_mcp_request_duration_seconds_bucket\{server="fetch",mcp_method="tools\/call",le="0\.005"\} 1$/m,
  );
  assert.match(
    text,
    /^toolhive_mcp_request_duration_seconds_bucket\{server="fetch",mcp_method="tools\/call",le="0\.05"\} 2$/m,
  );
  assert.match(
    text,
    /^toolhive_mcp_request_duration_seconds_bucket\{server="fetch",mcp_method="tools\/list",le="10"\} 0$/m,
  );
  assert.match(
    text,
    /^toolhive_mcp_request_duration_seconds_bucket\{server="fetch",mcp_method="tools\/list",le="\+Inf"\} 1$/m,
  );
  assert.match(text, /^toolhive_mcp_request_duration_seconds_count\{server="fetch",mcp_method="tools\/call"\} 2$/m);
  assert.match(text, /^toolhive_mcp_active_connections\{server="fetch"\} 2$/m);
  assert.match(text, /^thv_mcp_backend_up\{server="fetch"\} 1$/m);
  assert.match(await r.text(state(false)), /^thv_mcp_backend_up\{server="fetch"\} 0$/m);
  assert.doesNotMatch(await r.text(state(undefined)), /^thv_mcp_backend_up\{/m, "unknown health: no sample");
});

Deno.test("PrometheusRegistry escapes label values", async () => {
  const r = new PrometheusRegistry("fetch", "stdio");
  r.record({ method: "tools/call", target: 'a"b\\c\nd', httpStatus: 200, error: false, durationMs: 1 });
  assert.match(await r.text(state(true)), /tool="a\\"b\\\\c\\nd"/);
});
