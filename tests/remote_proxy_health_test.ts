/**
 * A remote proxy's `/health` pings the remote with its static credentials (forwarded headers, a bearer token),
 * as the proxy runner passes them, and never with a client's token: a real MCP server records what reached it.
 */
import { strict as assert } from "node:assert";
import { startHeaderEchoServer } from "./fixtures/header_echo_server.ts";
import { serveHttpProxy } from "./harness/mcp.ts";

Deno.test("/health of a remote proxy carries the forwarded headers and the static bearer token, nothing else", async () => {
  await using echo = startHeaderEchoServer({ hostname: "127.0.0.1" });
  const target = `http://127.0.0.1:${echo.port}/mcp`;
  await using proxy = await serveHttpProxy(target, "streamable-http", {
    addHeaders: { "X-Api-Key": "key-1" },
    healthHeaders: { "X-Api-Key": "key-1", authorization: "Bearer static-token" },
  });
  const health = await fetch(`${proxy.origin}/health`, { headers: { authorization: "Bearer client-token" } });
  assert.equal(health.status, 200, await health.text());
  assert.ok(echo.seen("authorization").length > 0, "the ping reached the remote");
  assert.deepEqual([...new Set(echo.seen("authorization"))], ["Bearer static-token"]);
  assert.deepEqual([...new Set(echo.seen("x-api-key"))], ["key-1"]);
});

Deno.test("/health without healthHeaders pings with the forwarded headers only", async () => {
  await using echo = startHeaderEchoServer({ hostname: "127.0.0.1" });
  await using proxy = await serveHttpProxy(`http://127.0.0.1:${echo.port}/mcp`, "streamable-http", {
    addHeaders: { "X-Tenant": "t1" },
  });
  const health = await fetch(`${proxy.origin}/health`);
  assert.equal(health.status, 200, await health.text());
  assert.deepEqual([...new Set(echo.seen("x-tenant"))], ["t1"]);
  assert.deepEqual(echo.seen("authorization"), []);
});
