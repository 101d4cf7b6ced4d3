import assert from "node:assert/strict";
import type { Message } from "./jsonrpc.ts";
import type { SessionSink } from "./multiplexer.ts";
import { StreamableFrontend } from "./streamable_frontend.ts";

/** A frontend over a scripted target: `script` answers each message through the session's sink. */
function frontend(script: (m: Message, sink: SessionSink) => void, admit = true) {
  const sinks = new Map<string, SessionSink>();
  const closed: string[] = [];
  const f = new StreamableFrontend({
    open: (id, sink) => (admit ? (sinks.set(id, sink), true) : false),
    receive: (id, m) => script(m, sinks.get(id)!),
    close: (id) => void closed.push(id),
  }, { maxBodyBytes: 1024, refusal: "full" });
  return { f, closed };
}

const headers = { "content-type": "application/json", accept: "application/json, text/event-stream" };
const post = (body: unknown, extra: Record<string, string> = {}) =>
  new Request("http://127.0.0.1/mcp", {
    method: "POST",
    headers: { ...headers, ...extra },
    body: JSON.stringify(body),
  });
const init = { jsonrpc: "2.0", id: 1, method: "initialize", params: {} };
const answerAll = (m: Message, sink: SessionSink) => {
  if (m.id !== undefined) sink({ jsonrpc: "2.0", id: m.id, result: { ok: m.method } }, m.id as number);
};

Deno.test("StreamableFrontend: initialize opens a session; an answer that comes first is plain JSON", async () => {
  const { f } = frontend(answerAll);
  const res = await f.handle(post(init));
  assert.equal(res.headers.get("content-type"), "application/json");
  const sid = res.headers.get("mcp-session-id")!;
  assert.match(sid, /^[0-9a-f-]{36}$/);
  assert.deepEqual(await res.json(), { jsonrpc: "2.0", id: 1, result: { ok: "initialize" } });
  const call = await f.handle(post({ jsonrpc: "2.0", id: 2, method: "tools/list" }, { "mcp-session-id": sid }));
  assert.deepEqual(await call.json(), { jsonrpc: "2.0", id: 2, result: { ok: "tools/list" } });
  assert.equal(f.size, 1);
});

Deno.test("StreamableFrontend: a notification before the answer turns the reply into an SSE stream", async () => {
  const { f } = frontend((m, sink) => {
    if (m.method === "initialize") return answerAll(m, sink);
    sink({ jsonrpc: "2.0", method: "notifications/progress", params: { progress: 1 } }, m.id as number);
    setTimeout(() => sink({ jsonrpc: "2.0", id: m.id!, result: {} }, m.id as number), 5);
  });
  const sid = (await f.handle(post(init))).headers.get("mcp-session-id")!;
  const res = await f.handle(post({ jsonrpc: "2.0", id: 9, method: "tools/call" }, { "mcp-session-id": sid }));
  assert.equal(res.headers.get("content-type"), "text/event-stream");
  const text = await res.text(); // the stream ends after the answer
  assert.deepEqual(
    text.trim().split("\n\n").map((e) => JSON.parse(e.split("data: ")[1]!)),
    [{ jsonrpc: "2.0", method: "notifications/progress", params: { progress: 1 } }, {
      jsonrpc: "2.0",
      id: 9,
      result: {},
    }],
  );
});

Deno.test("StreamableFrontend: notifications and responses from the client get 202", async () => {
  const got: Message[] = [];
  const { f } = frontend((m, sink) => (m.method === "initialize" ? answerAll(m, sink) : got.push(m)));
  const sid = (await f.handle(post(init))).headers.get("mcp-session-id")!;
  const res = await f.handle(post({ jsonrpc: "2.0", method: "notifications/initialized" }, { "mcp-session-id": sid }));
  assert.equal(res.status, 202);
  assert.equal(got[0]!.method, "notifications/initialized");
});

Deno.test("StreamableFrontend: each refusal has its status", async () => {
  const { f, closed } = frontend(answerAll);
  const sid = (await f.handle(post(init))).headers.get("mcp-session-id")!;
  const status = async (req: Request) => (await f.handle(req)).status;
  assert.equal(await status(post(init, { accept: "application/json" })), 406);
  assert.equal(await status(post(init, { "content-type": "text/plain" })), 415);
  assert.equal(await status(post(init, { "mcp-protocol-version": "1999-01-01" })), 400);
  assert.equal(await status(post({ hello: 1 })), 400);
  assert.equal(await status(post({ jsonrpc: "2.0", id: 2, method: "tools/list" })), 400, "no session");
  assert.equal(await status(post({ jsonrpc: "2.0", id: 2, method: "tools/list" }, { "mcp-session-id": "gone" })), 404);
  assert.equal(await status(post(init, { "mcp-session-id": sid })), 400, "initialize inside a session");
  const get = () =>
    new Request("http://127.0.0.1/mcp", { headers: { "mcp-session-id": sid, accept: "text/event-stream" } });
  const stream = await f.handle(get());
  assert.equal(stream.headers.get("content-type"), "text/event-stream");
  assert.equal(await status(get()), 409, "one GET stream per session");
  await stream.body!.cancel();
  assert.equal(
    await status(new Request("http://127.0.0.1/mcp", { method: "PUT", headers: { "mcp-session-id": sid } })),
    405,
  );
  assert.equal(
    await status(new Request("http://127.0.0.1/mcp", { method: "DELETE", headers: { "mcp-session-id": sid } })),
    200,
  );
  assert.deepEqual(closed, [sid]);
  assert.equal(
    await frontend(answerAll, false).f.handle(post(init)).then((r) => r.status),
    503,
    "refused by the target",
  );
});

Deno.test("StreamableFrontend: a session whose GET stream is open does not idle out; without it, it does", async () => {
  const { f, closed } = frontend(answerAll);
  const sid = (await f.handle(post(init))).headers.get("mcp-session-id")!;
  const get = await f.handle(new Request("http://127.0.0.1/mcp", { headers: { "mcp-session-id": sid } }));
  const reader = get.body!.getReader();
  f.expireIdle(Date.now() + 1000);
  assert.equal(f.size, 1, "in use while its stream is open");
  f.keepAlive();
  assert.equal(new TextDecoder().decode((await reader.read()).value), ": keep-alive\n\n");
  await reader.cancel();
  f.expireIdle(Date.now() + 1000);
  assert.deepEqual(closed, [sid]);
});

Deno.test("StreamableFrontend: a session that does not read its streams past its buffer is closed", async () => {
  const sinks = new Map<string, SessionSink>();
  const closed: string[] = [];
  const f = new StreamableFrontend({
    open: (id, sink) => (sinks.set(id, sink), true),
    receive: (id, m) => {
      if (m.method === "initialize") sinks.get(id)!({ jsonrpc: "2.0", id: m.id!, result: {} }, m.id!);
    },
    close: (id) => void closed.push(id),
  }, { maxBodyBytes: 1024, refusal: "full", sessionBufferBytes: 1000 });
  const sid = (await f.handle(post(init))).headers.get("mcp-session-id")!;
  const get = await f.handle(new Request("http://127.0.0.1/mcp", { headers: { "mcp-session-id": sid } }));
  const note = { jsonrpc: "2.0" as const, method: "notifications/message", params: { data: "x".repeat(300) } };
  let delivered = 0;
  while (delivered < 100 && sinks.get(sid)!(note) !== false) delivered++;
  assert.ok(delivered >= 2 && delivered <= 4, `${delivered} messages fit in 1000 bytes`);
  await new Promise((r) => setTimeout(r, 0));
  assert.deepEqual(closed, [sid], "the session was closed");
  assert.equal(f.size, 0);
  await get.body!.cancel();
});

Deno.test("StreamableFrontend: a POST that reuses an id still waiting for its answer is refused with 400", async () => {
  const { f } = frontend((m, sink) => void (m.method === "initialize" && answerAll(m, sink))); // nothing else
  const sid = (await f.handle(post(init))).headers.get("mcp-session-id")!;
  const first = f.handle(post({ jsonrpc: "2.0", id: 4, method: "tools/call" }, { "mcp-session-id": sid }));
  const again = await f.handle(post({ jsonrpc: "2.0", id: 4, method: "tools/call" }, { "mcp-session-id": sid }));
  assert.equal(again.status, 400);
  const body = await again.json();
  assert.equal(body.id, 4);
  assert.match(body.error.message, /request id 4 is already in use/);
  f.closeAll();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const lost = new Promise<never>((_, reject) =>
    timer = setTimeout(() => reject(new Error("the first POST was lost")), 5000)
  );
  const ended = await Promise.race([first, lost]).finally(() => clearTimeout(timer));
  assert.equal(ended.status, 404, "the first is still the one waiting (ended by the close)");
});
