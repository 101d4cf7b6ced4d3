/**
 * The stdio proxy stays bounded under abuse (issue 9, points 6–8): `thv proxy stdio` runs as a process in
 * front of tests/fixtures/abuse_server.ts, a client or the server misbehaves, and the proxy process's peak
 * RSS (VmHWM) must stay under {@linkcode RSS_BOUND_MIB} while the proxy keeps serving.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { poll, spawnThv, type ThvProcess } from "./harness/mod.ts";

const FIXTURE = fileURLToPath(new URL("./fixtures/abuse_server.ts", import.meta.url));
const RSS_BOUND_MIB = 200;
const MIB = 1024 * 1024;
/** What the floods push at one session: on the unfixed proxy this all stays in memory. */
const FLOOD_BYTES = 1024 * MIB;
const HEADERS = { "content-type": "application/json", accept: "application/json, text/event-stream" };

/** Peak resident memory of a process, in MiB. */
async function peakRssMib(pid: number): Promise<number> {
  const status = await Deno.readTextFile(`/proc/${pid}/status`);
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

interface Proxy extends AsyncDisposable {
  readonly url: URL;
  readonly pid: number;
  readonly thv: ThvProcess;
  /** The fixture's events so far. */
  events(): Promise<Array<Record<string, unknown>>>;
}

async function startProxy(): Promise<Proxy> {
  const dir = await Deno.makeTempDir({ prefix: "thv-limits-" });
  const eventsFile = `${dir}/events.jsonl`;
  const thv = spawnThv([
    "--log-format",
    "json",
    "proxy",
    "stdio",
    "--",
    Deno.execPath(),
    "run",
    "-A",
    FIXTURE,
    eventsFile,
  ]);
  const url = new URL(await thv.firstLine(60_000));
  // The proxy answers only once the server has been initialized: wait for /health.
  await poll(
    () => fetch(new URL("/health", url)).then((r) => (r.body?.cancel(), r.status === 200 || undefined)),
    { what: "the proxy's /health to turn 200", deadlineMs: 60_000 },
  );
  return {
    url,
    pid: thv.child.pid,
    thv,
    events: () =>
      Deno.readTextFile(eventsFile).then(
        (text) => text.trim().split("\n").filter(Boolean).map((l) => JSON.parse(l)),
        () => [],
      ),
    async [Symbol.asyncDispose]() {
      await thv.stop();
      await thv.stderr;
      await Deno.remove(dir, { recursive: true });
    },
  };
}

async function initialize(url: URL): Promise<string> {
  const res = await fetch(url, {
    method: "POST",
    headers: HEADERS,
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: 0,
      method: "initialize",
      params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "limits", version: "1" } },
    }),
  });
  await res.body?.cancel();
  assert.equal(res.status, 200);
  return res.headers.get("mcp-session-id")!;
}

function post(url: URL, session: string, message: unknown): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: { ...HEADERS, "mcp-session-id": session, "mcp-protocol-version": "2025-11-25" },
    body: JSON.stringify(message),
  });
}

const flood = (id: number, tool: string) => ({
  jsonrpc: "2.0",
  id,
  method: "tools/call",
  params: { name: tool, arguments: { bytes: FLOOD_BYTES, chunkBytes: 64 * 1024 }, _meta: { progressToken: id } },
});

/** Sends an HTTP/1.1 request on a connection of its own and never reads the answer. */
async function unreadRequest(
  url: URL,
  head: { method: string; path: string; headers?: Record<string, string>; body?: string },
): Promise<Deno.Conn> {
  const conn = await Deno.connect({ hostname: url.hostname, port: Number(url.port) });
  const body = new TextEncoder().encode(head.body ?? "");
  const lines = [`${head.method} ${head.path} HTTP/1.1`, `host: ${url.host}`, `content-length: ${body.length}`];
  for (const [k, v] of Object.entries(head.headers ?? {})) lines.push(`${k}: ${v}`);
  const bytes = new Uint8Array([...new TextEncoder().encode(lines.join("\r\n") + "\r\n\r\n"), ...body]);
  for (let done = 0; done < bytes.length;) done += await conn.write(bytes.subarray(done));
  return conn;
}

/**
 * Waits for the end of a flood (the fixture's first "cancelled" or "flooded" event after the first `after`
 * events; it sees the proxy's request ids, not the client's), checking the proxy's peak RSS all along: past the bound the test fails at
 * once rather than after the whole flood (which an unbounded proxy takes minutes to swallow).
 */
/** Reads from `conn` until what it read matches `pattern`; returns it all. */
async function readUntil(conn: Deno.Conn, pattern: RegExp): Promise<string> {
  let text = "";
  const buffer = new Uint8Array(4096);
  while (!pattern.test(text)) {
    const n = await conn.read(buffer);
    if (n === null) throw new Error(`the connection ended before ${pattern}: ${text}`);
    text += new TextDecoder().decode(buffer.subarray(0, n));
  }
  return text;
}

async function waitForEvent(proxy: Proxy, after: number, what: string) {
  const deadline = Date.now() + 180_000;
  while (true) {
    const found = (await proxy.events()).slice(after).find((e) => e.event === "cancelled" || e.event === "flooded");
    if (found) return found;
    const peak = await peakRssMib(proxy.pid);
    assert.ok(
      peak < RSS_BOUND_MIB,
      `peak RSS ${peak.toFixed(0)} MiB while waiting for ${what} (bound ${RSS_BOUND_MIB} MiB)`,
    );
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function assertRssBound(proxy: Proxy, what: string): Promise<void> {
  const peak = await peakRssMib(proxy.pid);
  console.log(`peak RSS of the proxy after ${what}: ${peak.toFixed(0)} MiB`);
  assert.ok(peak < RSS_BOUND_MIB, `peak RSS ${peak.toFixed(0)} MiB after ${what} (bound ${RSS_BOUND_MIB} MiB)`);
}

async function assertStillServes(proxy: Proxy): Promise<void> {
  const session = await initialize(proxy.url);
  const res = await post(proxy.url, session, {
    jsonrpc: "2.0",
    id: 1,
    method: "tools/call",
    params: { name: "echo", arguments: { message: "still here" } },
  });
  assert.equal((await res.json()).result.content[0].text, "Echo: still here");
}

Deno.test("a client that never reads a POST response stream is disconnected and its call cancelled; the proxy stays bounded", async () => {
  await using proxy = await startProxy();
  const held: Deno.Conn[] = [];
  try {
    const before = (await proxy.events()).length;
    const session = await initialize(proxy.url);
    held.push(
      await unreadRequest(proxy.url, {
        method: "POST",
        path: "/mcp",
        headers: { ...HEADERS, "mcp-session-id": session },
        body: JSON.stringify(flood(11, "flood")),
      }),
    );
    const done = await waitForEvent(proxy, before, "the flood end");
    assert.equal(done.event, "cancelled", `the server's call was cancelled: ${JSON.stringify(done)}`);
    assert.ok((done.sent as number) < FLOOD_BYTES, "cancelled before the whole flood was out");
    await assertRssBound(proxy, "flooding an unread POST stream");
    const after = await post(proxy.url, session, { jsonrpc: "2.0", id: 2, method: "tools/list" });
    await after.body?.cancel();
    assert.equal(after.status, 404, "the session that did not drain was disconnected");
    await assertStillServes(proxy);
  } finally {
    for (const conn of held) conn.close();
  }
});

Deno.test("a client that never reads its GET stream is disconnected; the proxy stays bounded", async () => {
  await using proxy = await startProxy();
  const held: Deno.Conn[] = [];
  try {
    const before = (await proxy.events()).length;
    const session = await initialize(proxy.url);
    const conn = await unreadRequest(proxy.url, {
      method: "GET",
      path: "/mcp",
      headers: { accept: "text/event-stream", "mcp-session-id": session },
    });
    held.push(conn);
    // Read the status line only (the stream must be open before the flood starts), never the events.
    assert.match(await readUntil(conn, /\r\n\r\n/), /^HTTP\/1\.1 200/);
    const started = await post(proxy.url, session, flood(21, "flood_after"));
    assert.equal((await started.json()).result.content[0].text, "flooding");
    const done = await waitForEvent(proxy, before, "the flood to be out");
    assert.equal(done.event, "flooded");
    await assertRssBound(proxy, "flooding an unread GET stream");
    const after = await post(proxy.url, session, { jsonrpc: "2.0", id: 3, method: "tools/list" });
    await after.body?.cancel();
    assert.equal(after.status, 404, "the session that did not drain was disconnected");
    await assertStillServes(proxy);
  } finally {
    for (const conn of held) conn.close();
  }
});

Deno.test("a legacy SSE client that stops reading is disconnected and its call cancelled; the proxy stays bounded", async () => {
  await using proxy = await startProxy();
  const held: Deno.Conn[] = [];
  try {
    const before = (await proxy.events()).length;
    const conn = await unreadRequest(proxy.url, {
      method: "GET",
      path: "/sse",
      headers: { accept: "text/event-stream" },
    });
    held.push(conn);
    const text = await readUntil(conn, /session_id=[\w-]+\n/);
    const messages = new URL(`/messages?session_id=${/session_id=([\w-]+)/.exec(text)![1]}`, proxy.url);
    const accepted = await fetch(messages, {
      method: "POST",
      headers: HEADERS,
      body: JSON.stringify(flood(31, "flood")),
    });
    await accepted.body?.cancel();
    assert.equal(accepted.status, 202);
    const done = await waitForEvent(proxy, before, "the legacy flood end");
    assert.equal(done.event, "cancelled", `the server's call was cancelled: ${JSON.stringify(done)}`);
    await assertRssBound(proxy, "flooding an unread legacy SSE stream");
    const after = await fetch(messages, { method: "POST", headers: HEADERS, body: '{"jsonrpc":"2.0","method":"x"}' });
    await after.body?.cancel();
    assert.equal(after.status, 404, "the legacy session that did not drain was disconnected");
    await assertStillServes(proxy);
  } finally {
    for (const conn of held) conn.close();
  }
});

Deno.test("a stdout line with no newline is dropped at the line limit and the reader recovers at the next newline", async () => {
  await using proxy = await startProxy();
  const session = await initialize(proxy.url);
  const res = await post(proxy.url, session, {
    jsonrpc: "2.0",
    id: 5,
    method: "tools/call",
    params: { name: "giant_line", arguments: { bytes: FLOOD_BYTES } },
  });
  const answer = await res.json();
  assert.equal(answer.result?.content?.[0]?.text, "after the giant line", JSON.stringify(answer));
  await assertRssBound(proxy, `a ${FLOOD_BYTES / MIB} MiB stdout line`);
  await proxy.thv.stop();
  const log = (await proxy.thv.stderr).trim().split("\n").map((l) => JSON.parse(l));
  const dropped = log.find((l) => /longer than/.test(l.msg));
  assert.ok(dropped, `a log entry for the dropped line: ${JSON.stringify(log.map((l) => l.msg))}`);
  assert.equal(dropped.level, "warn");
});

Deno.test("a server that stops reading stdin: the write queue stays bounded and callers get errors", async () => {
  await using proxy = await startProxy();
  const session = await initialize(proxy.url);
  const stop = await post(proxy.url, session, {
    jsonrpc: "2.0",
    id: 1,
    method: "tools/call",
    params: { name: "stop_reading" },
  });
  assert.equal((await stop.json()).result.content[0].text, "no longer reading stdin");
  // 6,400 notifications of 64 KiB each (400 MiB) at a server that reads none of them. (Messages under V8's
  // large-object size, so that what the proxy has let go of is collected young and RSS shows what it holds.)
  const pad = "y".repeat(64 * 1024);
  const count = 6400;
  const statuses: number[] = [];
  let refusal = "";
  for (let i = 0; i < count; i++) {
    const res = await post(proxy.url, session, { jsonrpc: "2.0", method: "notifications/padding", params: { pad } });
    statuses.push(res.status);
    const body = await res.text();
    if (res.status !== 202) refusal = body;
  }
  await assertRssBound(proxy, "400 MiB written at a server that does not read stdin");
  const refused = statuses.filter((s) => s === 503).length;
  assert.ok(
    refused > count * 0.9,
    `most notifications were refused with 503 (${refused} of ${count}; statuses ${[...new Set(statuses)]})`,
  );
  assert.match(JSON.parse(refusal).error.message, /not reading its input/);
  const call = await post(proxy.url, session, {
    jsonrpc: "2.0",
    id: 2,
    method: "tools/call",
    params: { name: "echo", arguments: { message: "hello?" } },
  });
  const answer = await call.json();
  assert.equal(answer.id, 2);
  assert.equal(answer.error?.code, -32000, JSON.stringify(answer));
  assert.match(answer.error.message, /not reading its input/);
});
