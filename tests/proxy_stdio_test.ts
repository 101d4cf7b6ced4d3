/**
 * The stdio proxy with real MCP servers and the SDK client: tools through the proxy, many sessions on one
 * shared server, every bad input, a server that dies mid-call or closes its stdout, reused request ids,
 * keep-alives on an idle stream, and the roots request a server makes before any client is there.
 */
import assert from "node:assert/strict";
import { CallToolResultSchema } from "../lib/mcp/mod.ts";
import { fileURLToPath } from "node:url";
import { processConnector, type StdioConnector } from "../lib/transport/mod.ts";
import {
  connectClient,
  connectSseClient,
  EVERYTHING_STDIO,
  FIXTURE_STDIO,
  poll,
  serveStdioProxy,
  within,
} from "./harness/mod.ts";

const text = (result: unknown) => (result as { content?: Array<{ text?: string }> }).content?.[0]?.text ?? "";

Deno.test("the SDK client lists and calls tools of server-everything through the stdio proxy", async () => {
  await using served = await serveStdioProxy(EVERYTHING_STDIO);
  const client = await connectClient(served.url);
  try {
    const tools = (await client.listTools()).tools.map((t) => t.name);
    assert.ok(tools.includes("echo") && tools.includes("get-sum"), `tools: ${tools}`);
    assert.equal(
      text(await client.callTool({ name: "echo", arguments: { message: "through thv" } })),
      "Echo: through thv",
    );
    const sum = await client.callTool({ name: "get-sum", arguments: { a: 2, b: 40 } });
    assert.match(text(sum), /42/);
  } finally {
    await client.close();
  }
});

Deno.test("legacy HTTP+SSE clients list and call tools through the stdio proxy, progress included", async () => {
  for (const command of [EVERYTHING_STDIO, FIXTURE_STDIO]) {
    await using served = await serveStdioProxy(command);
    const client = await connectSseClient(served.url.replace(/\/mcp$/, "/sse"));
    try {
      const tools = (await client.listTools()).tools.map((t) => t.name);
      assert.ok(tools.includes("echo"), `tools: ${tools}`);
      assert.equal(text(await client.callTool({ name: "echo", arguments: { message: "legacy" } })), "Echo: legacy");
      if (command === FIXTURE_STDIO) {
        const progress: number[] = [];
        await client.callTool({ name: "test_tool_with_progress" }, undefined, {
          onprogress: (p) => progress.push(p.progress),
        });
        assert.deepEqual(progress, [0, 50, 100]);
      }
    } finally {
      await client.close();
    }
  }
});

Deno.test("the SDK client uses tools, resources and prompts of the fixture through the stdio proxy", async () => {
  await using served = await serveStdioProxy(FIXTURE_STDIO);
  const client = await connectClient(served.url);
  try {
    assert.equal(client.getServerVersion()?.name, "thv-fixture", "initialize is answered with the server's own result");
    assert.equal(
      text(await client.callTool({ name: "test_simple_text" })),
      "This is a simple text response for testing.",
    );
    const resource = await client.readResource({ uri: "test://static-text" });
    assert.equal((resource.contents[0] as { text: string }).text, "This is the content of the static text resource.");
    const prompt = await client.getPrompt({ name: "test_prompt_with_arguments", arguments: { arg1: "a", arg2: "b" } });
    assert.equal((prompt.messages[0]!.content as { text: string }).text, "Prompt with arguments: arg1='a', arg2='b'");
  } finally {
    await client.close();
  }
});

Deno.test("50 concurrent sessions on one shared stdio server each get only their own responses and progress", async () => {
  await using served = await serveStdioProxy(FIXTURE_STDIO);
  const clients = await Promise.all(Array.from({ length: 50 }, (_, i) => connectClient(served.url, `client-${i}`)));
  try {
    const results = await Promise.all(clients.map(async (client, i) => {
      const progress: number[] = [];
      // Every client uses the same progress token and the SDK's own id sequence, so ids collide across
      // sessions: only the proxy's rewriting keeps them apart.
      const [, echo] = await Promise.all([
        client.request(
          {
            method: "tools/call",
            params: { name: "test_tool_with_progress", arguments: {}, _meta: { progressToken: "same-token" } },
          },
          CallToolResultSchema,
          { onprogress: (p) => progress.push(p.progress) },
        ),
        client.callTool({ name: "echo", arguments: { message: `client-${i}` } }),
      ]);
      return { i, echo: text(echo), progress };
    }));
    for (const r of results) {
      assert.equal(r.echo, `Echo: client-${r.i}`, `client ${r.i} got its own answer`);
      assert.deepEqual(r.progress, [0, 50, 100], `client ${r.i} got exactly its own progress`);
    }
    assert.equal(served.proxy.sessions(), 50);
  } finally {
    await Promise.all(clients.map((c) => c.close()));
  }
});

Deno.test("bad input gets its status code or JSON-RPC error, never a crash", async (t) => {
  await using served = await serveStdioProxy(FIXTURE_STDIO, { maxBodyBytes: 1024 });
  const base = served.url.replace(/\/mcp$/, "");
  const post = (body: string, headers: Record<string, string> = {}) =>
    fetch(served.url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream", ...headers },
      body,
    });
  const init = JSON.stringify({
    jsonrpc: "2.0",
    id: 1,
    method: "initialize",
    params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "t", version: "1" } },
  });
  const expect = async (res: Response, status: number, code?: number) => {
    const body = await res.text();
    assert.equal(res.status, status, body);
    if (code !== undefined) assert.equal(JSON.parse(body).error.code, code, body);
  };

  await t.step("a foreign Host is refused with 403 (DNS rebinding)", async () => {
    // fetch will not send a foreign Host, so the handler is called directly, as it can be without a socket.
    const req = new Request(served.url, {
      method: "POST",
      headers: { host: "evil.example", "content-type": "application/json" },
      body: init,
    });
    assert.equal(req.headers.get("host"), "evil.example");
    await expect(await served.proxy.handler(req), 403, -32600);
  });
  await t.step("a foreign Origin is refused with 403", async () => {
    await expect(await post(init, { origin: "https://evil.example" }), 403, -32600);
  });
  await t.step("a body over the limit is refused with 413", async () => {
    await expect(
      await post(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "x", params: { pad: "x".repeat(2000) } })),
      413,
      -32600,
    );
  });
  await t.step("malformed JSON is a 400 parse error", async () => {
    await expect(await post("{not json"), 400, -32700);
  });
  await t.step("a request without a session id is a 400", async () => {
    await expect(await post(JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/list" })), 400, -32600);
  });
  await t.step("an unknown session id is a 404", async () => {
    await expect(
      await post(JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/list" }), { "mcp-session-id": "nope" }),
      404,
      -32001,
    );
  });
  await t.step("a message that is not JSON-RPC gets a JSON-RPC error", async () => {
    const res = await post(init);
    const sid = res.headers.get("mcp-session-id")!;
    await res.body?.cancel();
    await expect(
      await post(JSON.stringify({ hello: "world" }), { "mcp-session-id": sid, "mcp-protocol-version": "2025-11-25" }),
      400,
    );
  });
  await t.step("an unknown path is a 404", async () => {
    await expect(await fetch(`${base}/nope`), 404);
  });
  await t.step("the proxy still serves after all that", async () => {
    const client = await connectClient(served.url);
    assert.equal(
      text(await client.callTool({ name: "test_simple_text" })),
      "This is a simple text response for testing.",
    );
    await client.close();
  });
});

Deno.test("killing the server mid-call fails the call, turns /health 503, and service comes back by itself", async () => {
  await using served = await serveStdioProxy(FIXTURE_STDIO);
  const health = () =>
    fetch(served.url.replace(/\/mcp$/, "/health")).then(async (r) => ({ status: r.status, body: await r.json() }));
  const client = await connectClient(served.url);
  try {
    const call = client.callTool({ name: "test_tool_with_progress" }, undefined, { onprogress: () => {} });
    await new Promise((r) => setTimeout(r, 30));
    const pid = served.proxy.serverPid()!;
    Deno.kill(pid, "SIGKILL");
    await assert.rejects(call, /MCP server unavailable: killed by SIGKILL/);
    // The server is restarted after a 200 ms backoff; until then /health reports it down.
    const down = await health();
    assert.equal(down.status, 503);
    assert.equal(down.body.status, "unhealthy");
    assert.equal(down.body.mcp.available, false);
    // The server is restarted with backoff and re-initialized; the same session keeps working.
    const deadline = Date.now() + 20_000;
    let result: string | undefined;
    while (!result && Date.now() < deadline) {
      result = await client.callTool({ name: "test_simple_text" }).then(text, () => undefined);
      if (!result) await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(result, "This is a simple text response for testing.");
    assert.equal((await health()).status, 200);
    assert.notEqual(served.proxy.serverPid(), pid, "a new process");
  } finally {
    await client.close();
  }
});

Deno.test("a request the stdio server never answers gets error -32001 once its timeout has passed", async () => {
  // A server that answers initialize and ping (for /health), and nothing else.
  const silent = `
    const decoder = new TextDecoder();
    let buffered = "";
    for await (const chunk of Deno.stdin.readable) {
      buffered += decoder.decode(chunk, { stream: true });
      for (let i = buffered.indexOf("\\n"); i >= 0; i = buffered.indexOf("\\n")) {
        const m = JSON.parse(buffered.slice(0, i));
        buffered = buffered.slice(i + 1);
        if (m.method === "ping") {
          await Deno.stdout.write(new TextEncoder().encode(JSON.stringify({ jsonrpc: "2.0", id: m.id, result: {} }) + "\\n"));
        }
        if (m.method !== "initialize") continue;
        const result = { protocolVersion: "2025-11-25", capabilities: { tools: {} }, serverInfo: { name: "silent", version: "1" } };
        await Deno.stdout.write(new TextEncoder().encode(JSON.stringify({ jsonrpc: "2.0", id: m.id, result }) + "\\n"));
      }
    }`;
  await using served = await serveStdioProxy({ command: Deno.execPath(), args: ["eval", silent] }, {
    requestTimeoutMs: 1000,
  });
  const headers = { "content-type": "application/json", accept: "application/json, text/event-stream" };
  const init = await fetch(served.url, {
    method: "POST",
    headers,
    body: JSON.stringify({ jsonrpc: "2.0", id: 0, method: "initialize", params: {} }),
  });
  const session = { ...headers, "mcp-session-id": init.headers.get("mcp-session-id")! };
  await init.body?.cancel();
  const started = Date.now();
  const res = await fetch(served.url, {
    method: "POST",
    headers: session,
    body: JSON.stringify({ jsonrpc: "2.0", id: 7, method: "tools/call", params: { name: "never" } }),
  });
  const answer = await res.json();
  const waited = Date.now() - started;
  assert.equal(answer.id, 7);
  assert.equal(answer.error.code, -32001);
  assert.ok(waited >= 1000 && waited < 5000, `timed out after ${waited} ms`);
  assert.equal(served.proxy.sessions(), 1);
});

const ABUSE_FIXTURE = fileURLToPath(new URL("./fixtures/abuse_server.ts", import.meta.url));
const CLOSES_STDOUT = fileURLToPath(new URL("./fixtures/closes_stdout.sh", import.meta.url));
const HEADERS = { "content-type": "application/json", accept: "application/json, text/event-stream" };

/** Opens a session by hand; returns the headers its later requests carry. */
async function rawSession(url: string): Promise<Record<string, string>> {
  const res = await fetch(url, {
    method: "POST",
    headers: HEADERS,
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: 0,
      method: "initialize",
      params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "raw", version: "1" } },
    }),
  });
  await res.body?.cancel();
  return { ...HEADERS, "mcp-session-id": res.headers.get("mcp-session-id")!, "mcp-protocol-version": "2025-11-25" };
}

const toolCall = (id: number, name: string, args: Record<string, unknown> = {}) =>
  JSON.stringify({ jsonrpc: "2.0", id, method: "tools/call", params: { name, arguments: args } });

Deno.test("a server that closes its stdout but keeps running counts as crashed: the call fails, it is restarted", async () => {
  await using served = await serveStdioProxy({ command: "sh", args: [CLOSES_STDOUT] }, { requestTimeoutMs: 20_000 });
  const session = await rawSession(served.url);
  const first = served.proxy.serverPid()!;
  const res = await fetch(served.url, { method: "POST", headers: session, body: toolCall(1, "close_stdout") });
  const answer = await res.json();
  assert.equal(answer.error?.code, -32000, JSON.stringify(answer));
  assert.match(answer.error.message, /MCP server unavailable: closed its stdout/);
  // Restarted with the usual backoff and initialized again: the same session works.
  const echoed = await poll(async () => {
    const r = await fetch(served.url, { method: "POST", headers: session, body: toolCall(2, "echo") });
    return (await r.json()).result?.content?.[0]?.text as string | undefined;
  }, { what: "the restarted server to answer" });
  assert.equal(echoed, "Echo: ok");
  assert.notEqual(served.proxy.serverPid(), first, "a new process");
  await poll(() => Deno.stat(`/proc/${first}`).then(() => undefined, () => true), {
    what: `the old process ${first} to be stopped`,
  });
});

Deno.test("a request id reused while the first is in flight gets a JSON-RPC error, and the first still gets its answer", async () => {
  const dir = await Deno.makeTempDir({ prefix: "thv-dup-" });
  const events = `${dir}/events.jsonl`;
  await using served = await serveStdioProxy({ command: Deno.execPath(), args: ["run", "-A", ABUSE_FIXTURE, events] });
  const session = await rawSession(served.url);
  const post = (body: string) => fetch(served.url, { method: "POST", headers: session, body });
  const first = post(toolCall(7, "wait"));
  first.catch(() => {}); // awaited below; a failure before that must not be an uncaught rejection
  // Once the server holds the first, the duplicate comes; it must not displace the first.
  await poll(() => Deno.readTextFile(events).then((t) => t.includes('"waiting"') || undefined, () => undefined), {
    what: "the server to hold the first request",
  });
  const duplicate = await post(toolCall(7, "wait"));
  const refused = await duplicate.json();
  assert.equal(duplicate.status, 400);
  assert.equal(refused.id, 7);
  assert.equal(refused.error.code, -32600);
  assert.match(refused.error.message, /request id 7 is already in use/);
  const released = await (await post(toolCall(8, "release"))).json();
  assert.equal(released.result.content[0].text, "released");
  const answer = await within(first.then((r) => r.json()), 10_000, "the first POST's answer");
  assert.equal(answer.id, 7);
  assert.match(answer.result.content[0].text, /^released \d+$/, "the server's answer to the first"); // its own id
  await Deno.remove(dir, { recursive: true });
});

Deno.test("an open GET stream gets keep-alive comments and keeps its session from idling out", async () => {
  await using served = await serveStdioProxy(FIXTURE_STDIO, { sessionIdleMs: 1000, keepAliveMs: 200 });
  const session = await rawSession(served.url);
  const get = await fetch(served.url, {
    headers: { accept: "text/event-stream", "mcp-session-id": session["mcp-session-id"]! },
  });
  assert.equal(get.status, 200);
  const reader = get.body!.getReader();
  let text = "";
  const started = Date.now();
  // Read for well over the idle time (the sweep runs every second): the session must stay.
  while (Date.now() - started < 4000) {
    const { value, done } = await within(reader.read(), 10_000, "a keep-alive on the GET stream");
    if (done) break;
    text += new TextDecoder().decode(value);
  }
  assert.match(text, /^: keep-alive$/m);
  const res = await fetch(served.url, {
    method: "POST",
    headers: session,
    body: toolCall(1, "echo", { message: "idle" }),
  });
  assert.equal(res.status, 200, "the session is still there");
  assert.equal((await res.json()).result.content[0].text, "Echo: idle");
  // Once the stream is gone the session idles out as usual.
  await reader.cancel();
  await poll(() => Promise.resolve(served.proxy.sessions() === 0 || undefined), {
    what: "the session to idle out once its stream closed",
    deadlineMs: 15_000,
  });
});

Deno.test("server-everything's roots request while no client is connected is answered with no roots, not an error", async () => {
  const seen = { stdin: "", stdout: "", stderr: "" };
  const record = (key: keyof typeof seen) =>
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        seen[key] += new TextDecoder().decode(chunk);
        controller.enqueue(chunk);
      },
    });
  const inner = processConnector(EVERYTHING_STDIO);
  const recorded: StdioConnector = {
    describe: inner.describe,
    async connect() {
      const connection = await inner.connect();
      const stdin = record("stdin");
      stdin.readable.pipeTo(connection.stdin).catch(() => {});
      return {
        ...connection,
        stdin: stdin.writable,
        stdout: connection.stdout.pipeThrough(record("stdout")),
        stderr: connection.stderr!.pipeThrough(record("stderr")),
        stop: () => connection.stop(),
      };
    },
  };
  await using _served = await serveStdioProxy(recorded);
  // server-everything asks for roots 350 ms after initialization and logs what it got as a notification.
  await poll(() => Promise.resolve(/Roots updated: 0 root/.test(seen.stdout) || undefined), {
    what: `server-everything to take the answer to roots/list (proxy wrote: ${seen.stdin.slice(-300)})`,
    deadlineMs: 20_000,
  });
  assert.match(seen.stdin, /"result":\{"roots":\[\]\}/);
  assert.doesNotMatch(seen.stderr, /Failed to request roots/);
});
