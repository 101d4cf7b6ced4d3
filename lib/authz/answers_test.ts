import { strict as assert } from "node:assert";
import type { Message } from "../transport/mod.ts";
import { rewriteAnswers } from "./answers.ts";

const mark = (m: Message): Message => ({ ...m, result: { tools: [], marked: true } });

Deno.test("event streams are rewritten event by event across chunk boundaries and CRLF line ends", async () => {
  const text = 'event: message\r\ndata: {"jsonrpc":"2.0","id":1,"result":{"tools":[{"name":"x"}]}}\r\n\r\n' +
    ": keep-alive\r\n\r\n" +
    'data: {"jsonrpc":"2.0","method":"notifications/message","params":{"tools":1}}\n\n';
  const bytes = new TextEncoder().encode(text);
  const chunks = [bytes.slice(0, 40), bytes.slice(40, 90), bytes.slice(90, 91), bytes.slice(91)];
  const body = new ReadableStream({
    start(c) {
      for (const chunk of chunks) c.enqueue(chunk);
      c.close();
    },
  });
  const res = await rewriteAnswers(new Response(body, { headers: { "content-type": "text/event-stream" } }), mark, [
    '"tools"',
  ]);
  assert.equal(
    await res.text(),
    'event: message\ndata: {"jsonrpc":"2.0","id":1,"result":{"tools":[],"marked":true}}\n\n' +
      ": keep-alive\n\n" +
      'data: {"jsonrpc":"2.0","method":"notifications/message","params":{"tools":1}}\n\n',
  );
});

Deno.test("JSON answers are rewritten one by one or as a batch; other bodies pass as they are", async () => {
  const json = (v: unknown) => new Response(JSON.stringify(v), { headers: { "content-type": "application/json" } });
  const one = await rewriteAnswers(json({ jsonrpc: "2.0", id: 1, result: { tools: [1] } }), mark, ['"tools"']);
  assert.deepEqual(await one.json(), { jsonrpc: "2.0", id: 1, result: { tools: [], marked: true } });
  const batch = await rewriteAnswers(
    json([{ jsonrpc: "2.0", id: 1, result: { tools: [1] } }, {
      jsonrpc: "2.0",
      id: 2,
      error: { code: 1, message: "m" },
    }]),
    (m) => (m.id === 1 ? mark(m) : m),
    ['"tools"'],
  );
  assert.deepEqual(await batch.json(), [
    { jsonrpc: "2.0", id: 1, result: { tools: [], marked: true } },
    { jsonrpc: "2.0", id: 2, error: { code: 1, message: "m" } },
  ]);
  const plain = new Response("tools", { headers: { "content-type": "text/plain" } });
  assert.equal(await (await rewriteAnswers(plain, mark, ["tools"])).text(), "tools");
});
