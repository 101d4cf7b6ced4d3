import assert from "node:assert/strict";
import { createLogger, redact } from "./log.ts";

const at = () => new Date("2026-01-02T03:04:05.000Z");

function capture(format: "json" | "text", level: "debug" | "info" = "info") {
  const lines: string[] = [];
  const log = createLogger({ format, level, now: at, write: (l) => lines.push(l) });
  return { log, lines };
}

Deno.test("json logger writes one object per line with scope fields", () => {
  const { log, lines } = capture("json");
  log.with({ kind: "MCPServer", name: "fetch" }).info("Created Deployment", { replicas: 1 });
  assert.deepEqual(JSON.parse(lines[0]!), {
    time: "2026-01-02T03:04:05.000Z",
    level: "info",
    msg: "Created Deployment",
    kind: "MCPServer",
    name: "fetch",
    replicas: 1,
  });
});

Deno.test("text logger quotes values with spaces and keeps plain ones bare", () => {
  const { log, lines } = capture("text");
  log.warn("Backend unhealthy", { name: "fetch", reason: "ping timed out" });
  assert.equal(lines[0], '2026-01-02T03:04:05.000Z WARN  Backend unhealthy name=fetch reason="ping timed out"');
});

Deno.test("entries below the level are dropped", () => {
  const quiet = capture("json");
  quiet.log.debug("hidden");
  assert.equal(quiet.lines.length, 0);
  const loud = capture("json", "debug");
  loud.log.debug("shown");
  assert.equal(loud.lines.length, 1);
});

Deno.test("credential-like fields are redacted at any depth", () => {
  const { log, lines } = capture("json");
  log.info("Request", { headers: { Authorization: "Bearer abc", accept: "json" }, apiKey: "k", token: "t" });
  const entry = JSON.parse(lines[0]!);
  assert.equal(entry.headers.Authorization, "[redacted]");
  assert.equal(entry.headers.accept, "json");
  assert.equal(entry.apiKey, "[redacted]");
  assert.equal(entry.token, "[redacted]");
  assert.doesNotMatch(lines[0]!, /Bearer abc/);
});

Deno.test("redact turns errors into name, message and cause", () => {
  assert.deepEqual(redact(new TypeError("bad")), { name: "TypeError", message: "bad" });
  const wrapped = new Error("Cannot apply", { cause: new RangeError("port 0", { cause: { token: "t" } }) });
  assert.deepEqual(redact(wrapped), {
    name: "Error",
    message: "Cannot apply",
    cause: { name: "RangeError", message: "port 0", cause: { token: "[redacted]" } },
  });
});

Deno.test("redact keeps dates, URLs and bigints readable and cuts deep or circular values", () => {
  assert.deepEqual(redact({ at: new Date("2026-01-02T00:00:00Z"), url: new URL("http://h/p"), n: 10n }), {
    at: "2026-01-02T00:00:00.000Z",
    url: "http://h/p",
    n: "10",
  });
  const loop: Record<string, unknown> = {};
  loop.self = loop;
  const { log, lines } = capture("json");
  log.info("Loop", { loop });
  assert.match(lines[0]!, /"\[deep\]"/);
});
