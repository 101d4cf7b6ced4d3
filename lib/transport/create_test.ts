import assert from "node:assert/strict";
import { pollUntil } from "../async/mod.ts";
import { createLogger } from "../log.ts";
import { clientPath, RunConfig } from "../run_config.ts";
import { createProxy, type McpProxy, proxyConfigOf } from "./create.ts";
import type { StdioConnector } from "./stdio_backend.ts";

const log = createLogger({ format: "json", level: "error", write: () => {} });
const encoder = new TextEncoder();
const decoder = new TextDecoder();
const MCP_HEADERS = { "content-type": "application/json", accept: "application/json, text/event-stream" };
const INITIALIZE = JSON.stringify({
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "t", version: "1" } },
});

/** A fake stdio server object: answers every request on its stdin with a result on its stdout. */
function scriptedServer(): StdioConnector {
  return {
    describe: "scripted server",
    connect() {
      const out = new TransformStream<Uint8Array, Uint8Array>();
      const writer = out.writable.getWriter();
      const ended = Promise.withResolvers<string>();
      let pending = "";
      const stdin = new WritableStream<Uint8Array>({
        write(chunk) {
          pending += decoder.decode(chunk, { stream: true });
          for (let nl = pending.indexOf("\n"); nl >= 0; nl = pending.indexOf("\n")) {
            const m = JSON.parse(pending.slice(0, nl));
            pending = pending.slice(nl + 1);
            if (m.id === undefined || m.method === undefined) continue;
            const result = m.method === "initialize"
              ? { protocolVersion: m.params.protocolVersion, capabilities: {}, serverInfo: { name: "s", version: "1" } }
              : {};
            void writer.write(encoder.encode(JSON.stringify({ jsonrpc: "2.0", id: m.id, result }) + "\n"));
          }
        },
      });
      return Promise.resolve({
        stdout: out.readable,
        stdin,
        ended: ended.promise,
        async stop() {
          ended.resolve("stopped");
          await writer.close().catch(() => {});
        },
      });
    },
  };
}

/** Calls the proxy's handler as a listener would, without a socket. */
const call = (proxy: McpProxy, path: string, init: RequestInit = {}) =>
  proxy.handler(new Request(`http://localhost${path}`, init));

/** A real HTTP server on loopback for a proxy to front. */
function upstream(handler: (req: Request) => Response | Promise<Response>) {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, handler);
  return { port: server.addr.port, [Symbol.asyncDispose]: () => server.shutdown() };
}

Deno.test("clientPath: /sse where clients speak legacy SSE, /mcp where streamable HTTP", () => {
  assert.equal(clientPath("stdio"), "/mcp");
  assert.equal(clientPath("stdio", { proxyMode: "streamable-http" }), "/mcp");
  assert.equal(clientPath("stdio", { proxyMode: "sse" }), "/sse");
  assert.equal(clientPath("sse"), "/sse");
  assert.equal(clientPath("streamable-http"), "/mcp");
  assert.equal(clientPath("streamable-http", { proxyMode: "sse" }), "/mcp", "a proxy mode counts for stdio only");
});

Deno.test("createProxy stdio starts the server, serves MCP at its path, and guards the listener", async () => {
  const sse = createProxy({ transport: "stdio", command: scriptedServer(), proxyMode: "sse" }, { log });
  assert.equal(sse.path, "/sse", "clients of an SSE proxy mode get /sse");
  await sse.close();
  const proxy = createProxy({ transport: "stdio", command: scriptedServer() }, { log });
  try {
    assert.equal(proxy.transport, "stdio");
    assert.equal(proxy.path, "/mcp");
    await pollUntil(async () => (await call(proxy, "/health")).status === 200, { deadline: 10_000, what: "health" });
    const init = await call(proxy, "/mcp", { method: "POST", headers: MCP_HEADERS, body: INITIALIZE });
    assert.equal(init.status, 200);
    assert.ok(init.headers.get("mcp-session-id"));
    assert.equal((await init.json()).result.serverInfo.name, "s");
    assert.equal(proxy.sessions(), 1);
    const foreign = await proxy.handler(
      new Request("http://localhost/mcp", { method: "POST", headers: { ...MCP_HEADERS, host: "evil.test" } }),
    );
    assert.deepEqual([foreign.status, (await foreign.json()).error.code], [403, -32600]);
  } finally {
    await proxy.close();
  }
});

Deno.test("createProxy streamable-http forwards to the target, whose path is the clients' path", async () => {
  const seen: string[] = [];
  await using server = upstream(async (req) => {
    seen.push(`${req.method} ${new URL(req.url).pathname} ${await req.text()}`);
    return Response.json({ jsonrpc: "2.0", id: 1, result: {} }, { headers: { "mcp-session-id": "s1" } });
  });
  const proxy = createProxy({
    transport: "streamable-http",
    targetUrl: `http://127.0.0.1:${server.port}/custom/mcp`,
  }, { log });
  try {
    assert.deepEqual([proxy.transport, proxy.path], ["streamable-http", "/custom/mcp"]);
    const res = await call(proxy, "/custom/mcp", { method: "POST", headers: MCP_HEADERS, body: INITIALIZE });
    assert.deepEqual([res.status, res.headers.get("mcp-session-id")], [200, "s1"]);
    await res.body?.cancel();
    assert.deepEqual(seen, [`POST /custom/mcp ${INITIALIZE}`]);
    assert.equal(proxy.sessions(), 1);
  } finally {
    await proxy.close();
  }
});

Deno.test("createProxy sse serves /sse and rewrites the endpoint event for the public prefix", async () => {
  await using server = upstream(() =>
    new Response("event: endpoint\ndata: /messages?session_id=abc\n\n", {
      headers: { "content-type": "text/event-stream" },
    })
  );
  const proxy = createProxy({
    transport: "sse",
    targetUrl: `http://127.0.0.1:${server.port}/sse`,
    endpointPrefix: "/team-a",
    maxBodyBytes: 4,
  }, { log });
  try {
    assert.deepEqual([proxy.transport, proxy.path], ["sse", "/sse"]);
    const stream = await call(proxy, "/sse", { headers: { accept: "text/event-stream" } });
    assert.equal(stream.headers.get("x-accel-buffering"), "no");
    assert.match(await stream.text(), /data: \/team-a\/messages\?session_id=abc/);
    const large = await call(proxy, "/messages?session_id=abc", { method: "POST", body: "12345" });
    assert.deepEqual([large.status, (await large.json()).error.code], [413, -32600], "maxBodyBytes holds");
  } finally {
    await proxy.close();
  }
});

const runConfig = (fields: Record<string, unknown>) =>
  RunConfig.parse({ schema_version: "v0.1.0", name: "fetch", image: "img:1", port: 8080, ...fields });

Deno.test("proxyConfigOf builds a proxy config per transport from a RunConfig", () => {
  const stdio = scriptedServer();
  assert.deepEqual(
    proxyConfigOf(runConfig({ transport: "stdio", proxy_mode: "sse", endpoint_prefix: "/p" }), { stdio }),
    { transport: "stdio", command: stdio, proxyMode: "sse", endpointPrefix: "/p" },
  );
  assert.deepEqual(
    proxyConfigOf(runConfig({ transport: "sse", trust_proxy_headers: true }), { upstream: { port: 9 } }),
    {
      transport: "sse",
      targetUrl: "http://127.0.0.1:9/sse",
      trustProxyHeaders: true,
    },
  );
  assert.deepEqual(
    proxyConfigOf(runConfig({ transport: "streamable-http", target_host: "mcp-fetch", target_port: 3000 })),
    { transport: "streamable-http", targetUrl: "http://mcp-fetch:3000/mcp", trustProxyHeaders: false },
  );
  assert.equal(
    (proxyConfigOf(runConfig({ transport: "streamable-http" }), { upstream: { host: "::1", port: 7 } }) as {
      targetUrl: string;
    }).targetUrl,
    "http://[::1]:7/mcp",
  );
});

Deno.test("proxyConfigOf names what is missing: the stdio to proxy, or target_port", () => {
  assert.throws(() => proxyConfigOf(runConfig({ transport: "stdio" })), /RunConfig fetch has transport stdio/);
  assert.throws(
    () => proxyConfigOf(runConfig({ transport: "sse" })),
    /RunConfig fetch: field target_port is required for transport sse: set it/,
  );
});
