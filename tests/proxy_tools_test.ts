/**
 * RunConfig `tools_filter` and `tools_override` enforced by the proxy in front of a real server
 * (server-everything) on every path: the stdio multiplexer (streamable HTTP and legacy SSE clients) and the
 * reverse proxy (streamable-HTTP and legacy SSE servers). The list shows only the allowed tools, renamed and
 * re-described; a renamed tool is called under its new name; a filtered tool, or the old name, is refused.
 */
import assert from "node:assert/strict";
import type { Client } from "../lib/mcp/mod.ts";
import { RunConfig } from "../lib/run_config.ts";
import { proxyConfigOf, ToolFilter } from "../lib/transport/mod.ts";
import {
  connectClient,
  connectSseClient,
  EVERYTHING_STDIO,
  serveHttpProxy,
  serveStdioProxy,
  startEverythingHttp,
} from "./harness/mod.ts";

const TOOLS = {
  tools_filter: ["say", "get-sum"],
  tools_override: { echo: { name: "say", description: "Says the message back" } },
};
const text = (result: unknown) => (result as { content?: Array<{ text?: string }> }).content?.[0]?.text ?? "";

/** What every path must show: the list, the renamed call, and the refusals. */
async function assertFiltered(client: Client): Promise<void> {
  const tools = (await client.listTools()).tools;
  assert.deepEqual(tools.map((t) => t.name).sort(), ["get-sum", "say"]);
  assert.equal(tools.find((t) => t.name === "say")!.description, "Says the message back");
  assert.equal(text(await client.callTool({ name: "say", arguments: { message: "hi" } })), "Echo: hi");
  assert.match(text(await client.callTool({ name: "get-sum", arguments: { a: 1, b: 2 } })), /3/);
  for (const name of ["echo", "get-env"]) {
    await assert.rejects(client.callTool({ name, arguments: { message: "x" } }), new RegExp(`Unknown tool: ${name}`));
  }
}

Deno.test("stdio proxy: server-everything's tools filtered and renamed for streamable-HTTP and SSE clients", async () => {
  await using served = await serveStdioProxy(EVERYTHING_STDIO, { tools: ToolFilter.of(TOOLS)! });
  for (
    const client of [await connectClient(served.url), await connectSseClient(served.url.replace(/\/mcp$/, "/sse"))]
  ) {
    try {
      await assertFiltered(client);
    } finally {
      await client.close();
    }
  }
});

Deno.test("reverse proxy: a streamable-HTTP server-everything's tools filtered and renamed", async () => {
  await using server = await startEverythingHttp("streamableHttp");
  await using served = await serveHttpProxy(server.url, "streamable-http", { tools: ToolFilter.of(TOOLS)! });
  const client = await connectClient(`${served.origin}/mcp`);
  try {
    await assertFiltered(client);
  } finally {
    await client.close();
  }
});

Deno.test("reverse proxy: a legacy SSE server-everything's tools filtered and renamed", async () => {
  await using server = await startEverythingHttp("sse");
  await using served = await serveHttpProxy(server.url, "sse", { tools: ToolFilter.of(TOOLS)! });
  const client = await connectSseClient(`${served.origin}/sse`);
  try {
    await assertFiltered(client);
  } finally {
    await client.close();
  }
});

Deno.test("proxyConfigOf refuses, in one line, a RunConfig whose override names two tools the same", () => {
  const config = RunConfig.parse({
    schema_version: "v0.1.0",
    name: "x",
    image: "i",
    transport: "streamable-http",
    port: 8080,
    target_port: 8081,
    tools_override: { a: { name: "b" }, c: { name: "b" } },
  });
  assert.throws(() => proxyConfigOf(config), /^TypeError: tools_override gives tools a and c the same name b: .+$/);
  const ok = proxyConfigOf({ ...config, tools_override: { a: { name: "b" } } });
  assert.ok("tools" in ok && ok.tools instanceof ToolFilter);
});
