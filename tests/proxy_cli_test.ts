/**
 * `thv proxy stdio` as a user runs it: it prints the URL, an MCP client works through it, and SIGTERM
 * stops the proxy and its server.
 */
import assert from "node:assert/strict";
import http2 from "node:http2";
import { connectClient, FIXTURE_STDIO, freePort, poll, runThv, spawnThv } from "./harness/mod.ts";

Deno.test("thv proxy stdio prints its URL, serves MCP clients, and stops with its server on SIGTERM", async () => {
  const thv = spawnThv(["--log-format", "json", "proxy", "stdio", "--", FIXTURE_STDIO.command, ...FIXTURE_STDIO.args]);
  try {
    const url = await thv.firstLine(30_000);
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    const client = await connectClient(url);
    const result = await client.callTool({ name: "echo", arguments: { message: "cli" } });
    assert.equal((result.content as Array<{ text: string }>)[0]!.text, "Echo: cli");
    await client.close();
  } finally {
    assert.equal((await thv.stop()).code, 0);
  }
  const log = (await thv.stderr).trim().split("\n").map((l) => JSON.parse(l));
  const started = log.find((l) => l.msg === "Started MCP server");
  assert.ok(started, "the server was started");
  assert.equal(
    await Deno.stat(`/proc/${started.pid}`).then(() => "alive", () => "gone"),
    "gone",
    "the server stopped too",
  );
});

Deno.test("thv proxy stdio --max-sessions refuses a session past the cap with 503, and the first one keeps working", async () => {
  const thv = spawnThv(["proxy", "stdio", "--max-sessions", "1", "--", FIXTURE_STDIO.command, ...FIXTURE_STDIO.args]);
  try {
    const url = await thv.firstLine(30_000);
    const first = await connectClient(url, "first");
    await assert.rejects(connectClient(url, "second"), /503|Too many sessions/);
    const result = await first.callTool({ name: "echo", arguments: { message: "still" } });
    assert.equal((result.content as Array<{ text: string }>)[0]!.text, "Echo: still");
    await first.close();
  } finally {
    assert.equal((await thv.stop()).code, 0);
  }
});

/** The status of `GET /health` sent as raw HTTP/1.1 with the given Host and Origin fields. */
async function healthStatus(hostname: string, port: number, fields: { host: string; origin?: string }) {
  const conn = await Deno.connect({ hostname, port });
  try {
    const origin = fields.origin ? `Origin: ${fields.origin}\r\n` : "";
    await conn.write(
      new TextEncoder().encode(`GET /health HTTP/1.1\r\nHost: ${fields.host}\r\n${origin}Connection: close\r\n\r\n`),
    );
    const head = await new Response(conn.readable).text();
    return Number(head.slice("HTTP/1.1 ".length, "HTTP/1.1 ".length + 3));
  } catch (e) {
    try {
      conn.close();
    } catch { /* closed by the readable */ }
    throw e;
  }
}

for (
  const [form, args] of [
    ["after stdio", (p: number) => ["proxy", "stdio", ...listenFlags(p), "--", ...FIXTURE_ARGV]],
    ["before stdio", (p: number) => ["proxy", ...listenFlags(p), "stdio", "--", ...FIXTURE_ARGV]],
  ] as const
) {
  Deno.test(`thv proxy stdio takes --port, --host, --allowed-host and --allowed-origin given ${form}`, async () => {
    const port = freePort();
    const thv = spawnThv(args(port));
    try {
      assert.equal(await thv.firstLine(30_000), `http://127.0.0.2:${port}/mcp`, "the URL has the host and port given");
      const allowed = { host: `mcp.example.test:${port}`, origin: "https://app.example.test" };
      assert.equal(
        await poll(async () => (await healthStatus("127.0.0.2", port, allowed)) === 200 || undefined, {
          what: "/health 200 with the allowed Host and Origin",
        }),
        true,
      );
      await assert.rejects(
        Deno.connect({ hostname: "127.0.0.1", port }),
        Deno.errors.ConnectionRefused,
        "bound to --host only",
      );
      assert.equal(await healthStatus("127.0.0.2", port, { host: `other.example.test:${port}` }), 403, "Host refused");
      assert.equal(
        await healthStatus("127.0.0.2", port, { host: allowed.host, origin: "https://evil.example.test" }),
        403,
        "Origin refused",
      );
    } finally {
      assert.equal((await thv.stop()).code, 0);
    }
  });
}

const FIXTURE_ARGV = [FIXTURE_STDIO.command, ...FIXTURE_STDIO.args];

function listenFlags(port: number): string[] {
  return [
    "--host",
    "127.0.0.2",
    "--port",
    String(port),
    "--allowed-host",
    "mcp.example.test",
    "--allowed-origin",
    "https://app.example.test",
  ];
}

Deno.test("thv proxy stdio refuses a listener option given on both sides, and the reverse proxy's options", async () => {
  const twice = await runThv(["proxy", "--port", "1", "stdio", "--port", "2", "--", ...FIXTURE_ARGV]);
  assert.equal(twice.code, 1);
  assert.match(twice.stderr, /--port is given both before and after `stdio`: give it once/);
  const reverse = await runThv(["proxy", "--target-uri", "http://127.0.0.1:1/mcp", "stdio", "--", ...FIXTURE_ARGV]);
  assert.equal(reverse.code, 1);
  assert.match(reverse.stderr, /--target-uri is an option of `thv proxy --target-uri`, not of `thv proxy stdio`/);
});

/** One HTTP/2 request (prior knowledge, no TLS) on `session`: status, fields and body. */
function h2Request(
  session: http2.ClientHttp2Session,
  fields: Record<string, string>,
  body?: string,
): Promise<{ status: number; headers: http2.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const stream = session.request(fields);
    let headers: http2.IncomingHttpHeaders = {};
    let text = "";
    stream.setEncoding("utf8");
    stream.on("response", (h) => (headers = h));
    stream.on("data", (chunk: string) => (text += chunk));
    stream.on("end", () => resolve({ status: Number(headers[":status"]), headers, body: text }));
    stream.on("error", reject);
    stream.end(body);
  });
}

Deno.test("thv proxy stdio serves HTTP/2 clients (prior knowledge): initialize and a tool call", async () => {
  const thv = spawnThv(["proxy", "stdio", "--", ...FIXTURE_ARGV]);
  const url = new URL(await thv.firstLine(30_000));
  const session = http2.connect(url.origin);
  try {
    const post = (extra: Record<string, string>, message: unknown) =>
      h2Request(session, {
        ":method": "POST",
        ":path": "/mcp",
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
        ...extra,
      }, JSON.stringify(message));
    const init = await post({}, {
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "h2", version: "1" } },
    });
    assert.equal(init.status, 200, init.body);
    const sid = String(init.headers["mcp-session-id"]);
    const inSession = { "mcp-session-id": sid, "mcp-protocol-version": "2025-11-25" };
    assert.equal((await post(inSession, { jsonrpc: "2.0", method: "notifications/initialized" })).status, 202);
    const call = await post(inSession, {
      jsonrpc: "2.0",
      id: 2,
      method: "tools/call",
      params: { name: "echo", arguments: { message: "over h2" } },
    });
    assert.equal(call.status, 200, call.body);
    assert.match(call.body, /Echo: over h2/);
    const refused = await h2Request(session, { ":method": "GET", ":path": "/health", ":authority": "evil.test" });
    assert.equal(refused.status, 403, "the :authority is checked like a Host field");
  } finally {
    session.close();
    assert.equal((await thv.stop()).code, 0);
  }
});
