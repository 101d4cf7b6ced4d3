/**
 * `thv proxy stdio` as a user runs it: it prints the URL, an MCP client works through it, and SIGTERM
 * stops the proxy and its server.
 */
import assert from "node:assert/strict";
import { connectClient, FIXTURE_STDIO, spawnThv } from "./harness/mod.ts";

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
