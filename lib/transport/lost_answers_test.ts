import assert from "node:assert/strict";
import { answeringLostRequests, requestIdsOf } from "./lost_answers.ts";

const bytes = (s: string) => new TextEncoder().encode(s);

Deno.test("requestIdsOf lists the ids of a POST's requests, single or batched, and none for notifications or junk", () => {
  assert.deepEqual(requestIdsOf(bytes('{"jsonrpc":"2.0","id":7,"method":"tools/call"}')), [7]);
  assert.deepEqual(
    requestIdsOf(bytes('[{"jsonrpc":"2.0","id":"a","method":"x"},{"jsonrpc":"2.0","method":"notifications/y"}]')),
    ["a"],
  );
  assert.deepEqual(requestIdsOf(bytes("not json")), []);
});

Deno.test("answeringLostRequests answers each request still unanswered when the stream breaks, and only those", async () => {
  const chunks = [
    'id: 1\ndata: {"jsonrpc":"2.0","id":1,"result":{}}\n',
    '\nevent: message\ndata: {"jsonrpc":"2.0","method":"notifications/progress"}\n\ndata: {"jsonrpc":',
  ];
  // One chunk per read, then the break (an error in start() would drop the queued chunks).
  const source = new ReadableStream<Uint8Array>({
    pull(c) {
      const next = chunks.shift();
      if (next === undefined) c.error(new Error("connection reset"));
      else c.enqueue(bytes(next));
    },
  });
  const lost: unknown[] = [];
  const out = answeringLostRequests(source, [1, 2], { onLost: (_e, ids) => lost.push(...ids) });
  const text = await new Response(out).text();
  const events = text.split("\n\n").filter((e) => e.includes("error"));
  assert.equal(events.length, 1, text);
  const data = JSON.parse(events[0]!.split("data: ")[1]!);
  assert.equal(data.id, 2);
  assert.equal(data.error.code, -32000);
  assert.match(data.error.message, /^MCP server connection lost before it answered: connection reset$/);
  assert.deepEqual(lost, [2]);
});

Deno.test("answeringLostRequests passes a stream that ends normally through unchanged", async () => {
  const sse = 'data: {"jsonrpc":"2.0","id":1,"result":{}}\n\n';
  const out = answeringLostRequests(new Response(sse).body!, [1]);
  assert.equal(await new Response(out).text(), sse);
});

Deno.test("answeringLostRequests ends a GET's event stream cleanly when it breaks, and says so", async () => {
  let sent = false;
  const source = new ReadableStream<Uint8Array>({
    pull(c) {
      if (sent) c.error(new Error("Upstream closed the connection within a response body"));
      else c.enqueue(bytes('event: message\ndata: {"jsonrpc":"2.0","method":"notifications/message"}\n\n'));
      sent = true;
    },
  });
  const lost: string[] = [];
  const out = answeringLostRequests(source, [], { onLost: (e) => lost.push((e as Error).message) });
  const text = await new Response(out).text();
  assert.equal(text, 'event: message\ndata: {"jsonrpc":"2.0","method":"notifications/message"}\n\n');
  assert.deepEqual(lost, ["Upstream closed the connection within a response body"]);
});
