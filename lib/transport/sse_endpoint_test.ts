import assert from "node:assert/strict";
import { endpointRewriter, normalizePrefix } from "./sse_endpoint.ts";

async function rewrite(prefix: string, chunks: string[]): Promise<string> {
  const input = new ReadableStream<Uint8Array>({
    start(c) {
      for (const chunk of chunks) c.enqueue(new TextEncoder().encode(chunk));
      c.close();
    },
  });
  return await new Response(input.pipeThrough(endpointRewriter(prefix))).text();
}

Deno.test("endpointRewriter prefixes the endpoint event, even split across chunks, and passes the rest through", async () => {
  const out = await rewrite("/team-a", [
    "event: endpo",
    "int\ndata: /message?sessionId=1\n",
    "\nevent: message\ndata: {}\n\n",
  ]);
  assert.equal(out, "event: endpoint\ndata: /team-a/message?sessionId=1\n\nevent: message\ndata: {}\n\n");
});

Deno.test("endpointRewriter leaves events before the endpoint, absolute URLs and already-prefixed paths alone", async () => {
  assert.equal(
    await rewrite("/p", [": comment\n\nevent: endpoint\ndata: http://host/message\n\n"]),
    ": comment\n\nevent: endpoint\ndata: http://host/message\n\n",
  );
  assert.equal(await rewrite("/p", ["event: endpoint\ndata: /p/message\n\n"]), "event: endpoint\ndata: /p/message\n\n");
  assert.equal(await rewrite("", ["event: endpoint\ndata: /message\n\n"]), "event: endpoint\ndata: /message\n\n");
});

Deno.test("normalizePrefix", () => {
  assert.equal(normalizePrefix("team/"), "/team");
  assert.equal(normalizePrefix("/a/b//"), "/a/b");
  assert.equal(normalizePrefix(""), "");
  assert.equal(normalizePrefix(null), "");
});
