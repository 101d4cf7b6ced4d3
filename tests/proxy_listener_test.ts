/**
 * The proxy's listener under slow and idle clients, through `thv proxy stdio` as a user runs it: a
 * request head that never ends (slowloris) is cut at the header deadline while other clients are served;
 * an idle keep-alive connection is closed at the idle deadline; an open event stream is not.
 */
import assert from "node:assert/strict";
import { connectClient, FIXTURE_STDIO, spawnThv } from "./harness/mod.ts";

const encoder = new TextEncoder();
const V = "2025-11-25";

/** Opens an MCP session with plain fetch (no SDK: it would hold the session's one event stream itself). */
async function rawSession(url: URL): Promise<string> {
  const headers = { "content-type": "application/json", accept: "application/json, text/event-stream" };
  const init = await fetch(url, {
    method: "POST",
    headers,
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: { protocolVersion: V, capabilities: {}, clientInfo: { name: "raw", version: "1" } },
    }),
  });
  await init.body?.cancel();
  const id = init.headers.get("mcp-session-id")!;
  const done = await fetch(url, {
    method: "POST",
    headers: { ...headers, "mcp-session-id": id, "mcp-protocol-version": V },
    body: JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }),
  });
  await done.body?.cancel();
  return id;
}

/** Resolves with the milliseconds until the server closes `conn` (reading and dropping what it sends). */
async function untilClosed(conn: Deno.Conn, limitMs: number): Promise<number> {
  const started = performance.now();
  const buf = new Uint8Array(4096);
  const limit = setTimeout(() => conn.close(), limitMs);
  try {
    while ((await conn.read(buf)) !== null) { /* drop */ }
    return performance.now() - started;
  } catch {
    return Infinity; // closed by the limit: the server kept it open
  } finally {
    clearTimeout(limit);
  }
}

Deno.test("the proxy listener cuts a request head that never ends and idle keep-alive connections; streams and other clients go on", async () => {
  const thv = spawnThv([
    "proxy",
    "stdio",
    "--headers-timeout-seconds",
    "1",
    "--idle-timeout-seconds",
    "2",
    "--",
    FIXTURE_STDIO.command,
    ...FIXTURE_STDIO.args,
  ]);
  try {
    const url = new URL(await thv.firstLine(30_000));
    const port = Number(url.port);

    // Slowloris: a head trickled a byte every 100 ms never ends; trickling does not move the deadline.
    const slow = await Deno.connect({ hostname: "127.0.0.1", port });
    const head = encoder.encode("GET /health HTTP/1.1\r\nHost: localhost\r\nX-Slow: " + "a".repeat(400));
    let trickling = true;
    const trickle = (async () => {
      for (let i = 0; trickling && i < head.length; i++) {
        await slow.write(head.subarray(i, i + 1)).catch(() => (trickling = false));
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    const slowClosed = untilClosed(slow, 20_000);

    // Meanwhile an MCP client on the same listener is served.
    const client = await connectClient(url.href);
    const result = await client.callTool({ name: "echo", arguments: { message: "served" } });
    assert.equal((result.content as Array<{ text: string }>)[0]!.text, "Echo: served");

    const slowMs = await slowClosed;
    trickling = false;
    await trickle;
    assert.ok(slowMs >= 900 && slowMs < 20_000, `the slow head was cut at the 1 s deadline, after ${slowMs} ms`);

    // An idle keep-alive connection: one answered request, then nothing.
    const idle = await Deno.connect({ hostname: "127.0.0.1", port });
    await idle.write(encoder.encode("GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n"));
    const idleMs = await untilClosed(idle, 20_000);
    assert.ok(idleMs >= 1900 && idleMs < 20_000, `the idle connection was closed at 2 s, after ${idleMs} ms`);

    // An open event stream with nothing to say outlasts the idle deadline twice over.
    const stream = await fetch(url, {
      headers: { accept: "text/event-stream", "mcp-session-id": await rawSession(url), "mcp-protocol-version": V },
    });
    assert.equal(stream.status, 200);
    const reader = stream.body!.getReader();
    const ended = reader.read().then((r) => r.done ? "ended" : "data", () => "ended");
    const waited = new Promise((r) => setTimeout(() => r("open"), 5_000));
    assert.notEqual(await Promise.race([ended, waited]), "ended", "the stream is still open after 5 s");
    await reader.cancel();

    // And the client, idle meanwhile, still works (its next request opens a new connection if need be).
    const again = await client.callTool({ name: "echo", arguments: { message: "again" } });
    assert.equal((again.content as Array<{ text: string }>)[0]!.text, "Echo: again");
    await client.close();
  } finally {
    assert.equal((await thv.stop()).code, 0);
  }
});
