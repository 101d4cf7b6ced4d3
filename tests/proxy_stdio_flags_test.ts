/**
 * `thv proxy stdio --host/--port` belong to the stdio subcommand although `thv proxy` has flags of the same
 * names (a proxy in a pod must listen on 0.0.0.0 and a known port).
 */
import assert from "node:assert/strict";
import { FIXTURE_STDIO, freePort, spawnThv } from "./harness/mod.ts";

Deno.test("thv proxy stdio listens on the --host and --port given after stdio", async () => {
  const port = freePort();
  const thv = spawnThv([
    "proxy",
    "stdio",
    "--host",
    "127.0.0.1",
    "--port",
    String(port),
    "--",
    FIXTURE_STDIO.command,
    ...FIXTURE_STDIO.args,
  ]);
  try {
    assert.equal(await thv.firstLine(30_000), `http://127.0.0.1:${port}/mcp`);
  } finally {
    await thv.stop();
    await thv.stderr;
  }
});
