import assert from "node:assert/strict";
import { createLogger } from "../log.ts";
import { createHttpProxy } from "./http_proxy.ts";
import { createStdioProxy } from "./stdio_proxy.ts";

const log = createLogger({ format: "json", level: "error", write: () => {} });

async function answer(handler: (req: Request) => Promise<Response>, path: string, method = "GET") {
  const res = await handler(new Request(`http://127.0.0.1:8080${path}`, { method }));
  return { status: res.status, body: await res.text() };
}

Deno.test("both proxies answer GET /livez 200 while their MCP server is down, and /health 503", async () => {
  // Nothing listens on port 1, and the stdio server exits at once (and again after each back-off).
  const http = createHttpProxy({ targetUrl: "http://127.0.0.1:1/mcp", transport: "streamable-http", log });
  const stdio = createStdioProxy({ command: { command: Deno.execPath(), args: ["eval", "Deno.exit(3)"] }, log });
  try {
    for (
      const [what, handler, transport] of [["http", http.handler, "streamable-http"], [
        "stdio",
        stdio.handler,
        "stdio",
      ]] as const
    ) {
      const live = await answer(handler, "/livez");
      assert.equal(live.status, 200, what);
      assert.deepEqual(
        { ...JSON.parse(live.body), timestamp: undefined },
        { status: "alive", transport, timestamp: undefined },
        what,
      );
      assert.equal((await answer(handler, "/livez?verbose")).status, 200, `${what}: a query is ignored`);
      assert.equal((await answer(handler, "/health")).status, 503, what);
    }
    assert.equal((await answer(stdio.handler, "/livez", "POST")).status, 404, "only GET");
  } finally {
    await http.close();
    await stdio.close();
  }
});
