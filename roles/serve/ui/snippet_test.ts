import assert from "node:assert/strict";
import { clientSnippet } from "./snippet.ts";

Deno.test("clientSnippet is an mcpServers entry with the URL; SSE proxies say so", () => {
  assert.deepEqual(
    JSON.parse(clientSnippet({ name: "fetch", url: "http://127.0.0.1:1/mcp", proxy_mode: "streamable-http" })),
    {
      mcpServers: { fetch: { url: "http://127.0.0.1:1/mcp" } },
    },
  );
  assert.deepEqual(JSON.parse(clientSnippet({ name: "old", url: "http://127.0.0.1:2/sse#old", proxy_mode: "sse" })), {
    mcpServers: { old: { type: "sse", url: "http://127.0.0.1:2/sse#old" } },
  });
});
