import assert from "node:assert/strict";
import type { Id, Message } from "./jsonrpc.ts";
import { Multiplexer } from "./multiplexer.ts";

const INIT = { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "thv", version: "0" } };

/** A multiplexer whose server side is recorded, plus two recorded sessions. */
async function setup(options: { requestTimeoutMs?: number } = {}) {
  const toServer: Message[] = [];
  const mux = new Multiplexer({ send: (m) => (toServer.push(m), "sent" as const), initialize: INIT, ...options });
  const connected = mux.connect();
  mux.fromServer({
    jsonrpc: "2.0",
    id: toServer[0]!.id!,
    result: { protocolVersion: "2025-11-25", serverInfo: { name: "s" } },
  });
  await connected;
  const got: Record<string, Array<{ m: Message; related?: Id }>> = { a: [], b: [] };
  mux.openSession("a", (m, related) => void got.a!.push({ m, related }));
  mux.openSession("b", (m, related) => void got.b!.push({ m, related }));
  toServer.length = 0;
  return { mux, toServer, got };
}

Deno.test("Multiplexer initializes the server once and answers each session's initialize from it", async () => {
  const { mux, toServer, got } = await setup();
  mux.fromClient("a", { jsonrpc: "2.0", id: 1, method: "initialize", params: {} });
  mux.fromClient("b", { jsonrpc: "2.0", id: "x", method: "initialize", params: {} });
  mux.fromClient("a", { jsonrpc: "2.0", method: "notifications/initialized" });
  assert.deepEqual(toServer, [], "nothing reaches the server");
  assert.deepEqual(got.a![0]!.m, {
    jsonrpc: "2.0",
    id: 1,
    result: { protocolVersion: "2025-11-25", serverInfo: { name: "s" } },
  });
  assert.equal(got.b![0]!.m.id, "x");
});

Deno.test("Multiplexer: equal ids from two sessions get distinct server ids, and answers go back to their owner", async () => {
  const { mux, toServer, got } = await setup();
  mux.fromClient("a", { jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "a" } });
  mux.fromClient("b", { jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "b" } });
  const [ta, tb] = toServer;
  assert.notEqual(ta!.id, tb!.id);
  mux.fromServer({ jsonrpc: "2.0", id: tb!.id!, result: { from: "b" } });
  mux.fromServer({ jsonrpc: "2.0", id: ta!.id!, result: { from: "a" } });
  assert.deepEqual(got.a!.map((g) => [g.m.id, g.m.result]), [[1, { from: "a" }]]);
  assert.deepEqual(got.b!.map((g) => [g.m.id, g.m.result]), [[1, { from: "b" }]]);
  assert.equal(mux.inFlight, 0);
});

Deno.test("Multiplexer: progress tokens are rewritten both ways and reach only their session's request", async () => {
  const { mux, toServer, got } = await setup();
  mux.fromClient("a", { jsonrpc: "2.0", id: 7, method: "tools/call", params: { _meta: { progressToken: "p" } } });
  mux.fromClient("b", { jsonrpc: "2.0", id: 7, method: "tools/call", params: { _meta: { progressToken: "p" } } });
  const tokenA = (toServer[0]!.params!._meta as { progressToken: string }).progressToken;
  const tokenB = (toServer[1]!.params!._meta as { progressToken: string }).progressToken;
  assert.notEqual(tokenA, tokenB);
  mux.fromServer({ jsonrpc: "2.0", method: "notifications/progress", params: { progressToken: tokenB, progress: 1 } });
  assert.equal(got.a!.length, 0);
  assert.deepEqual(got.b![0], {
    m: { jsonrpc: "2.0", method: "notifications/progress", params: { progressToken: "p", progress: 1 } },
    related: 7,
  });
});

Deno.test("Multiplexer: a client's cancellation names the server's id; the late answer is dropped", async () => {
  const { mux, toServer, got } = await setup();
  mux.fromClient("a", { jsonrpc: "2.0", id: 3, method: "tools/call", params: {} });
  const serverId = toServer[0]!.id;
  mux.fromClient("a", { jsonrpc: "2.0", method: "notifications/cancelled", params: { requestId: 3, reason: "user" } });
  assert.deepEqual(toServer[1], {
    jsonrpc: "2.0",
    method: "notifications/cancelled",
    params: { requestId: serverId, reason: "user" },
  });
  mux.fromServer({ jsonrpc: "2.0", id: serverId!, result: {} });
  assert.deepEqual(got.a!.map((g) => g.m.error?.code), [-32800], "only the cancellation's own end, no late answer");
});

Deno.test("Multiplexer: list_changed goes to all, resources/updated only to subscribers", async () => {
  const { mux, toServer, got } = await setup();
  mux.fromClient("a", { jsonrpc: "2.0", id: 1, method: "resources/subscribe", params: { uri: "test://r" } });
  mux.fromServer({ jsonrpc: "2.0", id: toServer[0]!.id!, result: {} });
  mux.fromServer({ jsonrpc: "2.0", method: "notifications/tools/list_changed" });
  mux.fromServer({ jsonrpc: "2.0", method: "notifications/resources/updated", params: { uri: "test://r" } });
  assert.deepEqual(got.a!.slice(1).map((g) => g.m.method), [
    "notifications/tools/list_changed",
    "notifications/resources/updated",
  ]);
  assert.deepEqual(got.b!.map((g) => g.m.method), ["notifications/tools/list_changed"]);
});

Deno.test("Multiplexer: a server request goes to the session whose request is in flight, and its answer comes back", async () => {
  const { mux, toServer, got } = await setup();
  mux.fromClient("b", { jsonrpc: "2.0", id: 9, method: "tools/call", params: { name: "sample" } });
  mux.fromServer({ jsonrpc: "2.0", id: 500, method: "sampling/createMessage", params: {} });
  const relayed = got.b![0]!;
  assert.equal(relayed.m.method, "sampling/createMessage");
  assert.equal(relayed.related, 9, "on the stream of the tool call");
  assert.equal(got.a!.length, 0);
  mux.fromClient("b", { jsonrpc: "2.0", id: relayed.m.id!, result: { content: "hi" } });
  assert.deepEqual(toServer.at(-1), { jsonrpc: "2.0", id: 500, result: { content: "hi" } });
  mux.fromServer({ jsonrpc: "2.0", id: 42, method: "ping" });
  assert.deepEqual(toServer.at(-1), { jsonrpc: "2.0", id: 42, result: {} }, "the proxy answers pings itself");
});

Deno.test("Multiplexer: when the server goes down in-flight requests fail, and new ones wait for reinitialization", async () => {
  const { mux, toServer, got } = await setup();
  mux.fromClient("a", { jsonrpc: "2.0", id: 1, method: "tools/call", params: {} });
  mux.serverDown("exited with code 1");
  assert.deepEqual(got.a![0]!.m.error, { code: -32000, message: "MCP server unavailable: exited with code 1" });
  toServer.length = 0;
  mux.fromClient("a", { jsonrpc: "2.0", id: 2, method: "tools/list", params: {} });
  assert.equal(toServer.length, 0, "queued until the server is initialized again");
  const again = mux.connect();
  assert.equal(toServer[0]!.method, "initialize");
  mux.fromServer({ jsonrpc: "2.0", id: toServer[0]!.id!, result: { protocolVersion: "2025-11-25" } });
  await again;
  assert.deepEqual(toServer.slice(1).map((m) => m.method), ["notifications/initialized", "tools/list"]);
});

Deno.test("Multiplexer: a request the server never answers times out with an error and a cancellation", async () => {
  const { mux, toServer, got } = await setup({ requestTimeoutMs: 5_000 });
  mux.fromClient("a", { jsonrpc: "2.0", id: 1, method: "tools/call", params: {} });
  const proxyId = toServer.at(-1)!.id;
  mux.expire(Date.now() + 4_000);
  assert.equal(got.a!.length, 0, "not before its deadline");
  mux.expire(Date.now() + 5_000);
  assert.equal(got.a![0]!.m.error!.code, -32001);
  assert.equal(got.a![0]!.related, 1);
  assert.deepEqual(toServer.at(-1)!.params, { requestId: proxyId, reason: "timeout" });
  mux.fromServer({ jsonrpc: "2.0", id: proxyId!, result: {} });
  mux.expire(Date.now() + 10_000);
  assert.equal(got.a!.length, 1, "a late answer and a later sweep change nothing");
  assert.equal(mux.inFlight, 0);
});

Deno.test("Multiplexer: a request queued during a restart is dropped when its session closes, and nothing breaks", async () => {
  const { mux, toServer, got } = await setup();
  mux.serverDown("exited");
  mux.fromClient("a", { jsonrpc: "2.0", id: 1, method: "tools/call", params: {} });
  mux.closeSession("a");
  const again = mux.connect();
  mux.fromServer({ jsonrpc: "2.0", id: toServer.at(-1)!.id!, result: { protocolVersion: "2025-11-25" } });
  await again;
  assert.equal(toServer.filter((m) => m.method === "tools/call").length, 0, "not forwarded for a closed session");
  mux.fromServer({ jsonrpc: "2.0", id: 77, method: "roots/list" }); // goes to b, the only session left
  assert.equal(got.b!.at(-1)!.m.method, "roots/list");
});

Deno.test("Multiplexer: a request queued while the server never comes up times out", async () => {
  const toServer: Message[] = [];
  const mux = new Multiplexer({
    send: (m) => (toServer.push(m), "sent" as const),
    initialize: INIT,
    requestTimeoutMs: 20,
  });
  const got: Message[] = [];
  mux.openSession("a", (m) => void got.push(m));
  mux.connect().catch(() => {});
  mux.fromClient("a", { jsonrpc: "2.0", id: 1, method: "tools/list", params: {} });
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(got[0]!.error!.code, -32001);
});

Deno.test("Multiplexer: a client's cancellation ends its reply with -32800 so the HTTP request does not hang", async () => {
  const { mux, got } = await setup();
  mux.fromClient("a", { jsonrpc: "2.0", id: 5, method: "tools/call", params: {} });
  mux.fromClient("a", { jsonrpc: "2.0", method: "notifications/cancelled", params: { requestId: 5 } });
  assert.deepEqual(got.a![0], {
    m: { jsonrpc: "2.0", id: 5, error: { code: -32800, message: "Request cancelled" } },
    related: 5,
  });
});

Deno.test("Multiplexer: only the session asked may answer a server request; closing it answers the server", async () => {
  const { mux, toServer, got } = await setup();
  mux.fromClient("a", { jsonrpc: "2.0", id: 1, method: "tools/call", params: {} });
  mux.fromServer({ jsonrpc: "2.0", id: 300, method: "elicitation/create", params: {} });
  const asked = got.a!.at(-1)!.m;
  const before = toServer.length;
  mux.fromClient("b", { jsonrpc: "2.0", id: asked.id!, result: { action: "accept" } });
  assert.equal(toServer.length, before, "another session's answer is ignored");
  mux.closeSession("a");
  assert.deepEqual(toServer.find((m) => m.id === 300)?.error?.message, "The client session that was asked has closed");
});

Deno.test("Multiplexer: a server request that cannot be delivered is answered with an error", async () => {
  const toServer: Message[] = [];
  const mux = new Multiplexer({ send: (m) => (toServer.push(m), "sent" as const), initialize: INIT });
  const connected = mux.connect();
  mux.fromServer({ jsonrpc: "2.0", id: toServer[0]!.id!, result: { protocolVersion: "2025-11-25" } });
  await connected;
  mux.openSession("a", () => false); // no stream open
  mux.fromServer({ jsonrpc: "2.0", id: 9, method: "roots/list" });
  assert.equal(toServer.at(-1)!.id, 9);
  assert.match(toServer.at(-1)!.error!.message, /no open stream/);
});

Deno.test("Multiplexer: subscriptions are restored on a restarted server", async () => {
  const { mux, toServer } = await setup();
  mux.fromClient("a", { jsonrpc: "2.0", id: 1, method: "resources/subscribe", params: { uri: "test://w" } });
  mux.fromServer({ jsonrpc: "2.0", id: toServer[0]!.id!, result: {} });
  mux.serverDown("exited");
  toServer.length = 0;
  const again = mux.connect();
  mux.fromServer({ jsonrpc: "2.0", id: toServer[0]!.id!, result: { protocolVersion: "2025-11-25" } });
  await again;
  assert.deepEqual(toServer.slice(1).map((m) => [m.method, m.params?.uri]), [
    ["notifications/initialized", undefined],
    ["resources/subscribe", "test://w"],
  ]);
});

Deno.test("Multiplexer: initialize is answered in the client's protocol version when the server is as new", async () => {
  const { mux, got } = await setup();
  mux.fromClient("a", { jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-03-26" } });
  mux.fromClient("b", { jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2099-01-01" } });
  assert.equal((got.a![0]!.m.result as { protocolVersion: string }).protocolVersion, "2025-03-26");
  assert.equal((got.b![0]!.m.result as { protocolVersion: string }).protocolVersion, "2025-11-25");
});

Deno.test("Multiplexer: an initialize that arrives before the server is ready waits for it", async () => {
  const toServer: Message[] = [];
  const mux = new Multiplexer({ send: (m) => (toServer.push(m), "sent" as const), initialize: INIT });
  const got: Message[] = [];
  mux.openSession("a", (m) => void got.push(m));
  mux.fromClient("a", { jsonrpc: "2.0", id: 1, method: "initialize", params: {} });
  assert.equal(got.length, 0, "no refusal while the server starts");
  const connected = mux.connect();
  mux.fromServer({ jsonrpc: "2.0", id: toServer[0]!.id!, result: { protocolVersion: "2025-11-25" } });
  await connected;
  await new Promise((r) => setTimeout(r, 0));
  assert.equal((got[0]!.result as { protocolVersion: string }).protocolVersion, "2025-11-25");
});

Deno.test("Multiplexer: a request id reused while the first is in flight is answered with an error, not forwarded", async () => {
  const { mux, toServer, got } = await setup();
  mux.fromClient("a", { jsonrpc: "2.0", id: 7, method: "tools/call", params: { name: "first" } });
  mux.fromClient("a", { jsonrpc: "2.0", id: 7, method: "tools/call", params: { name: "second" } });
  assert.deepEqual(toServer.map((m) => m.params?.name), ["first"], "only the first reaches the server");
  assert.equal(got.a!.length, 1);
  assert.equal(got.a![0]!.m.id, 7);
  assert.equal(got.a![0]!.m.error!.code, -32600);
  assert.match(got.a![0]!.m.error!.message, /request id 7 is already in use/);
  mux.fromServer({ jsonrpc: "2.0", id: toServer[0]!.id!, result: { from: "first" } });
  assert.deepEqual(got.a![1]!.m.result, { from: "first" }, "the first still gets its answer");
  mux.fromClient("a", { jsonrpc: "2.0", id: 7, method: "tools/call", params: { name: "third" } });
  assert.equal(toServer.at(-1)!.params?.name, "third", "the id is free again once answered");
});

Deno.test("Multiplexer: roots/list from the server while no session is open is answered with no roots", async () => {
  const toServer: Message[] = [];
  const mux = new Multiplexer({ send: (m) => (toServer.push(m), "sent" as const), initialize: INIT });
  const connected = mux.connect();
  mux.fromServer({ jsonrpc: "2.0", id: toServer[0]!.id!, result: { protocolVersion: "2025-11-25" } });
  await connected;
  mux.fromServer({ jsonrpc: "2.0", id: 3, method: "roots/list" });
  assert.deepEqual(toServer.at(-1), { jsonrpc: "2.0", id: 3, result: { roots: [] } });
  mux.fromServer({ jsonrpc: "2.0", id: 4, method: "sampling/createMessage", params: {} });
  assert.match(toServer.at(-1)!.error!.message, /No MCP client is connected/, "other requests still get an error");
});

Deno.test("Multiplexer: when the server's input queue is full, requests get -32000 and notifications report it", async () => {
  let result: "sent" | "full" = "sent";
  const toServer: Message[] = [];
  const mux = new Multiplexer({ send: (m) => (result === "sent" && toServer.push(m), result), initialize: INIT });
  const connected = mux.connect();
  mux.fromServer({ jsonrpc: "2.0", id: toServer[0]!.id!, result: { protocolVersion: "2025-11-25" } });
  await connected;
  const got: Message[] = [];
  mux.openSession("a", (m) => void got.push(m));
  result = "full";
  mux.fromClient("a", { jsonrpc: "2.0", id: 1, method: "tools/call", params: {} });
  assert.equal(got[0]!.error!.code, -32000);
  assert.match(got[0]!.error!.message, /not reading its input/);
  assert.equal(mux.inFlight, 0);
  assert.equal(mux.fromClient("a", { jsonrpc: "2.0", method: "notifications/x" }), "full");
});

Deno.test("Multiplexer: a ping the server never answers times out and leaves nothing pending; a late answer is dropped", async () => {
  const { mux, toServer } = await setup();
  await assert.rejects(mux.ping(10), /no answer to ping within 10 ms/);
  assert.equal(mux.internalPending, 0, "the timed-out ping's resolver is gone");
  mux.fromServer({ jsonrpc: "2.0", id: toServer.at(-1)!.id!, result: {} });
  assert.equal(mux.internalPending, 0);
  const answered = mux.ping(10_000);
  mux.fromServer({ jsonrpc: "2.0", id: toServer.at(-1)!.id!, result: {} });
  assert.ok((await answered) >= 0);
  assert.equal(mux.internalPending, 0);
});
