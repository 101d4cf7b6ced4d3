import { strict as assert } from "node:assert";
import { outcomeOf } from "./outcome.ts";

const json = (body: unknown) => Response.json(body);
const sse = (...events: unknown[]) =>
  new Response(events.map((e) => `event: message\ndata: ${JSON.stringify(e)}\n\n`).join(""), {
    headers: { "content-type": "text/event-stream" },
  });

Deno.test("outcomeOf: a JSON-RPC error, a failed tool, or success, in JSON or an SSE stream", async () => {
  assert.deepEqual(await outcomeOf(json({ jsonrpc: "2.0", id: 1, error: { code: -32601 } }), 1), {
    rpcError: -32601,
    toolError: false,
  });
  assert.deepEqual(await outcomeOf(json({ jsonrpc: "2.0", id: 1, result: { isError: true } }), 1), {
    toolError: true,
  });
  assert.deepEqual(await outcomeOf(json({ jsonrpc: "2.0", id: 1, result: {} }), 1), { toolError: false });
  const streamed = sse(
    { jsonrpc: "2.0", method: "notifications/progress", params: {} },
    { jsonrpc: "2.0", id: 7, error: { code: -32000 } },
  );
  assert.deepEqual(await outcomeOf(streamed, 7), { rpcError: -32000, toolError: false });
  assert.deepEqual(await outcomeOf(sse({ jsonrpc: "2.0", id: 8, result: { isError: true } }), 8), { toolError: true });
  assert.deepEqual(await outcomeOf(new Response("plain"), 1), { toolError: false });
});
