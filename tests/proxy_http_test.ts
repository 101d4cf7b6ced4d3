/**
 * The reverse proxy in front of MCP servers that speak HTTP: server-everything in its streamable-HTTP and
 * legacy SSE modes, through the SDK client; the SSE endpoint rewrite; health when the server dies.
 */
import assert from "node:assert/strict";
import { connectClient, connectSseClient, serveHttpProxy, startEverythingHttp } from "./harness/mod.ts";

const text = (result: unknown) => (result as { content?: Array<{ text?: string }> }).content?.[0]?.text ?? "";

Deno.test("streamable-HTTP server-everything through the reverse proxy: list and call tools, progress included", async () => {
  await using server = await startEverythingHttp("streamableHttp");
  await using served = await serveHttpProxy(server.url, "streamable-http");
  const client = await connectClient(`${served.origin}/mcp`);
  try {
    const tools = (await client.listTools()).tools.map((t) => t.name);
    assert.ok(tools.includes("echo"), `tools: ${tools}`);
    assert.equal(text(await client.callTool({ name: "echo", arguments: { message: "reverse" } })), "Echo: reverse");
    const progress: number[] = [];
    await client.callTool(
      { name: "trigger-long-running-operation", arguments: { duration: 1, steps: 3 } },
      undefined,
      { onprogress: (p) => progress.push(p.progress) },
    );
    assert.deepEqual(progress, [1, 2, 3], "progress streamed through, not buffered");
    assert.equal(served.proxy.sessions(), 1, "the session id the server handed out is tracked");
    assert.equal((await fetch(`${served.origin}/health`)).status, 200);
  } finally {
    await client.close();
  }
});

Deno.test("legacy SSE server-everything through the reverse proxy: list and call tools", async () => {
  await using server = await startEverythingHttp("sse");
  await using served = await serveHttpProxy(server.url, "sse");
  const client = await connectSseClient(`${served.origin}/sse`);
  try {
    assert.ok((await client.listTools()).tools.some((t) => t.name === "echo"));
    assert.equal(text(await client.callTool({ name: "echo", arguments: { message: "sse" } })), "Echo: sse");
  } finally {
    await client.close();
  }
});

Deno.test("the SSE endpoint event carries the configured prefix, or a trusted X-Forwarded-Prefix", async () => {
  await using server = await startEverythingHttp("sse");
  const firstEvent = async (origin: string, headers: Record<string, string> = {}) => {
    const res = await fetch(`${origin}/sse`, { headers: { accept: "text/event-stream", ...headers } });
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    while (!text.includes("\n\n")) text += (await reader.read()).value ?? "";
    await reader.cancel();
    return text.slice(0, text.indexOf("\n\n"));
  };
  {
    await using served = await serveHttpProxy(server.url, "sse", { endpointPrefix: "/team-a" });
    assert.match(await firstEvent(served.origin), /^event: endpoint\ndata: \/team-a\/message\?sessionId=/);
  }
  {
    await using trusted = await serveHttpProxy(server.url, "sse", { trustProxyHeaders: true });
    assert.match(await firstEvent(trusted.origin, { "x-forwarded-prefix": "/edge" }), /data: \/edge\/message\?/);
  }
  {
    await using untrusted = await serveHttpProxy(server.url, "sse");
    assert.match(await firstEvent(untrusted.origin, { "x-forwarded-prefix": "/edge" }), /data: \/message\?/);
  }
});

Deno.test("when the HTTP server dies, requests get a 502 JSON-RPC error and /health turns 503", async () => {
  const server = await startEverythingHttp("streamableHttp");
  await using served = await serveHttpProxy(server.url, "streamable-http");
  assert.equal(await fetch(`${served.origin}/health`).then((r) => (r.body?.cancel(), r.status)), 200);
  await server.stop();
  const res = await fetch(`${served.origin}/mcp`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: {} }),
  });
  assert.equal(res.status, 502);
  assert.equal((await res.json()).error.code, -32000);
  const health = await fetch(`${served.origin}/health`);
  assert.equal(health.status, 503);
  assert.equal((await health.json()).mcp.available, false);
});

Deno.test("a call in flight when the HTTP server dies gets a JSON-RPC error through the SDK client, not a hang", async () => {
  const server = await startEverythingHttp("streamableHttp");
  await using served = await serveHttpProxy(server.url, "streamable-http");
  const client = await connectClient(`${served.origin}/mcp`);
  try {
    const progressed = Promise.withResolvers<void>();
    const call = client.callTool(
      { name: "trigger-long-running-operation", arguments: { duration: 120, steps: 120 } },
      undefined,
      // Longer than the test's own deadline: an error seen here is the proxy's, not the SDK's timeout.
      { timeout: 600_000, onprogress: () => progressed.resolve() },
    ).then(() => "answered", (e: Error) => e.message);
    await progressed.promise;
    await server.stop();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const outcome = await Promise.race([
      call,
      new Promise<string>((resolve) => timer = setTimeout(() => resolve("no answer within 20 s"), 20_000)),
    ]);
    clearTimeout(timer);
    assert.match(outcome, /MCP server connection lost before it answered/);
  } finally {
    await client.close();
  }
});

Deno.test("a GET event stream open when the HTTP server dies ends cleanly for the client, not with a reset", async () => {
  const server = await startEverythingHttp("streamableHttp");
  await using served = await serveHttpProxy(server.url, "streamable-http");
  const url = `${served.origin}/mcp`;
  const headers = { "content-type": "application/json", accept: "application/json, text/event-stream" };
  const init = await fetch(url, {
    method: "POST",
    headers,
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "t", version: "1" } },
    }),
  });
  await init.body?.cancel();
  const session = init.headers.get("mcp-session-id")!;
  assert.ok(session, "a session id");
  const inSession = { ...headers, "mcp-session-id": session };
  const notified = await fetch(url, {
    method: "POST",
    headers: inSession,
    body: JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }),
  });
  await notified.body?.cancel();
  const stream = await fetch(url, { headers: { ...inSession, accept: "text/event-stream" } });
  assert.equal(stream.status, 200);
  const reader = stream.body!.getReader();
  await server.stop();
  let outcome = "no end within 20 s";
  let timer: ReturnType<typeof setTimeout> | undefined;
  const read = (async () => {
    try {
      while (!(await reader.read()).done) { /* events until the end */ }
      return "ended";
    } catch (e) {
      return `errored: ${(e as Error).message}`;
    }
  })();
  outcome = await Promise.race([read, new Promise<string>((r) => timer = setTimeout(() => r(outcome), 20_000))]);
  clearTimeout(timer);
  assert.equal(outcome, "ended");
});

Deno.test("the reverse proxy passes requests and responses through: fields, path, body, repeated and bodiless answers", async () => {
  const abort = new AbortController();
  const listening = Promise.withResolvers<Deno.NetAddr>();
  const big = "x".repeat(1024 * 1024);
  const upstream = Deno.serve(
    { hostname: "127.0.0.1", port: 0, signal: abort.signal, onListen: listening.resolve },
    async (req) => {
      const url = new URL(req.url);
      if (url.pathname === "/empty") return new Response(null, { status: 204 });
      if (url.pathname === "/big") return new Response(big);
      const headers = new Headers([["set-cookie", "a=1"], ["set-cookie", "b=2"], ["content-type", "application/json"]]);
      const seen = {
        path: url.pathname + url.search,
        body: await req.text(),
        headers: Object.fromEntries(req.headers),
      };
      return new Response(JSON.stringify(seen), { status: 201, headers });
    },
  );
  const port = (await listening.promise).port;
  try {
    await using served = await serveHttpProxy(`http://127.0.0.1:${port}/mcp`, "streamable-http");
    const res = await fetch(`${served.origin}//elsewhere.example/mcp?x=1&y=2`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-forwarded-host": "spoofed",
        "x-custom": "kept",
        te: "trailers",
      },
      body: '{"jsonrpc":"2.0"}',
    });
    assert.equal(res.status, 201);
    assert.deepEqual(res.headers.getSetCookie(), ["a=1", "b=2"], "repeated fields stay apart");
    const seen = await res.json();
    assert.equal(seen.path, "//elsewhere.example/mcp?x=1&y=2", "the path goes to the target as it came");
    assert.equal(seen.body, '{"jsonrpc":"2.0"}');
    assert.equal(seen.headers["x-custom"], "kept");
    assert.equal(
      seen.headers["x-forwarded-host"],
      served.origin.slice("http://".length),
      "the proxy's own, not the client's",
    );
    assert.equal(seen.headers["x-forwarded-proto"], "http");
    assert.equal(seen.headers["host"], `127.0.0.1:${port}`);
    assert.equal(seen.headers["te"], undefined, "hop-by-hop fields are dropped");

    const empty = await fetch(`${served.origin}/empty`, { method: "DELETE" });
    assert.equal(empty.status, 204);
    assert.equal(await empty.text(), "");
    const large = await fetch(`${served.origin}/big`);
    assert.equal((await large.text()).length, big.length, "a body larger than one read arrives whole");
  } finally {
    abort.abort();
    await upstream.finished;
  }
});

Deno.test("a server that does not answer within the request timeout gets the client a 504 JSON-RPC error; a flowing SSE stream is not cut", async () => {
  const abort = new AbortController();
  const listening = Promise.withResolvers<Deno.NetAddr>();
  const held: Array<() => void> = [];
  const upstream = Deno.serve(
    { hostname: "127.0.0.1", port: 0, signal: abort.signal, onListen: listening.resolve },
    async (req) => {
      const path = new URL(req.url).pathname;
      if (path === "/stream") {
        // Eight events a quarter second apart: the stream outlasts the request timeout twice over.
        let sent = 0;
        return new Response(
          new ReadableStream({
            async pull(controller) {
              await new Promise((r) => setTimeout(r, 250));
              controller.enqueue(new TextEncoder().encode(`data: ${++sent}\n\n`));
              if (sent === 8) controller.close();
            },
          }),
          { headers: { "content-type": "text/event-stream" } },
        );
      }
      await req.arrayBuffer();
      if (path === "/hang") await new Promise<void>((r) => held.push(r)); // answers only at the end of the test
      return Response.json({ jsonrpc: "2.0", id: 1, result: {} });
    },
  );
  const port = (await listening.promise).port;
  try {
    await using served = await serveHttpProxy(`http://127.0.0.1:${port}/mcp`, "streamable-http", {
      requestTimeoutMs: 1000,
    });
    const post = (path: string, body: unknown) =>
      fetch(`${served.origin}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
        body: JSON.stringify(body),
      });
    const started = performance.now();
    const late = await post("/hang", { jsonrpc: "2.0", id: 7, method: "tools/call", params: { name: "slow" } });
    assert.ok(performance.now() - started >= 1000, "not before the timeout");
    assert.equal(late.status, 504);
    const error = await late.json();
    assert.equal(error.id, 7, "the error answers the request it is for");
    assert.equal(error.error.code, -32001);
    assert.match(error.error.message, /did not answer within 1 s/);

    const stream = await fetch(`${served.origin}/stream`, { headers: { accept: "text/event-stream" } });
    assert.equal(stream.status, 200);
    const events = (await stream.text()).trim().split("\n\n");
    assert.deepEqual(events, ["1", "2", "3", "4", "5", "6", "7", "8"].map((n) => `data: ${n}`), "all of it, 2 s long");

    const next = await post("/mcp", { jsonrpc: "2.0", id: 1, method: "ping" });
    assert.equal(next.status, 200, "the proxy still serves");
    await next.body?.cancel();
  } finally {
    held.forEach((r) => r());
    abort.abort();
    await upstream.finished;
  }
});
