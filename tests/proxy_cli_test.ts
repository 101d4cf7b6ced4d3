/**
 * `thv proxy stdio` as a user runs it: it prints the URL, an MCP client works through it, and SIGTERM
 * stops the proxy and its server.
 */
import assert from "node:assert/strict";
import { connectClient, firstLine, FIXTURE_STDIO, REPO_ROOT, within } from "./harness/mod.ts";

Deno.test("thv proxy stdio prints its URL, serves MCP clients, and stops with its server on SIGTERM", async () => {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "main.ts",
      "--log-format",
      "json",
      "proxy",
      "stdio",
      "--",
      FIXTURE_STDIO.command,
      ...FIXTURE_STDIO.args,
    ],
    cwd: REPO_ROOT,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stderr = new Response(child.stderr).text();
  try {
    const url = await within(firstLine(child.stdout), 30_000, "the proxy's URL");
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    const client = await connectClient(url);
    const result = await client.callTool({ name: "echo", arguments: { message: "cli" } });
    assert.equal((result.content as Array<{ text: string }>)[0]!.text, "Echo: cli");
    await client.close();
  } finally {
    child.kill("SIGTERM");
  }
  assert.equal((await child.status).code, 0);
  const log = (await stderr).trim().split("\n").map((l) => JSON.parse(l));
  const started = log.find((l) => l.msg === "Started MCP server");
  assert.ok(started, "the server was started");
  assert.equal(
    await Deno.stat(`/proc/${started.pid}`).then(() => "alive", () => "gone"),
    "gone",
    "the server stopped too",
  );
});
