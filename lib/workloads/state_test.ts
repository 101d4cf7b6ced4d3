import assert from "node:assert/strict";
import type { StatusRecord } from "../state/mod.ts";
import { type Observed, workloadState } from "./state.ts";

const record = (status: StatusRecord["status"], status_context = ""): StatusRecord => ({
  status,
  status_context,
  process_id: 42,
  process_started: "",
  url: "http://127.0.0.1:1/mcp",
  restarts: 0,
  created_at: "t",
  updated_at: "t",
});

Deno.test("workloadState believes a status file only when the process and the server agree", () => {
  const cases: [string, Observed, string, RegExp?][] = [
    [
      "live proxy, healthy",
      { record: record("running"), proxyAlive: true, server: "running", healthy: true },
      "running",
    ],
    [
      "sandbox server inside the proxy",
      { record: record("running"), proxyAlive: true, server: "n/a", healthy: true },
      "running",
    ],
    [
      "ping fails",
      { record: record("running"), proxyAlive: true, server: "running", healthy: false },
      "unhealthy",
      /MCP ping/,
    ],
    [
      "proxy silent",
      { record: record("running"), proxyAlive: true, server: "running" },
      "unhealthy",
      /does not answer/,
    ],
    [
      "container gone",
      { record: record("running"), proxyAlive: true, server: "missing" },
      "unhealthy",
      /missing/,
    ],
    [
      "a ping beats a stale listing",
      { record: record("running"), proxyAlive: true, server: "stopped", healthy: true },
      "running",
    ],
    ["starting", { record: record("starting"), proxyAlive: true, server: "missing" }, "starting"],
    ["dead PID", { record: record("running"), proxyAlive: false, server: "running" }, "error", /pid 42\) is gone/],
    ["dead PID, sandbox", { record: record("running"), proxyAlive: false, server: "n/a" }, "error", /thv start/],
    [
      "recorded error",
      { record: record("error", "port taken"), proxyAlive: false, server: "missing" },
      "error",
      /port taken/,
    ],
    ["stopped", { record: record("stopped"), proxyAlive: false, server: "stopped" }, "stopped"],
    ["never started", { proxyAlive: false, server: "missing" }, "stopped"],
    [
      "orphan container",
      { record: record("stopped"), proxyAlive: false, server: "running" },
      "error",
      /without its proxy/,
    ],
  ];
  for (const [what, observed, state, reason] of cases) {
    const verdict = workloadState(observed);
    assert.equal(verdict.state, state, what);
    if (reason) assert.match(verdict.reason, reason, what);
  }
});
