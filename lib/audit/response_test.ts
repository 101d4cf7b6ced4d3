import assert from "node:assert/strict";
import { answeredMessages, errorInAnswer } from "./response.ts";

const json = "application/json";
const sse = "text/event-stream";

Deno.test("errorInAnswer finds the JSON-RPC error of a JSON answer, and none in a result", () => {
  const error = JSON.stringify({ jsonrpc: "2.0", id: 3, error: { code: -32601, message: "Method not found" } });
  assert.deepEqual(errorInAnswer(error, json, 3), { code: -32601, message: "Method not found" });
  assert.equal(errorInAnswer(JSON.stringify({ jsonrpc: "2.0", id: 3, result: {} }), json, 3), undefined);
});

Deno.test("errorInAnswer matches a batch's answers by id", () => {
  const batch = JSON.stringify([
    { jsonrpc: "2.0", id: 1, result: {} },
    { jsonrpc: "2.0", id: 2, error: { code: -32602, message: "bad" } },
  ]);
  assert.equal(errorInAnswer(batch, json, 1), undefined);
  assert.deepEqual(errorInAnswer(batch, json, 2), { code: -32602, message: "bad" });
});

Deno.test("errorInAnswer reads event-stream answers, and a JSON answer cut short by its error member", () => {
  const stream = 'event: message\ndata: {"jsonrpc":"2.0","method":"notifications/progress","params":{}}\n\n' +
    'event: message\ndata: {"jsonrpc":"2.0","id":"a","error":{"code":-32000,"message":"boom"}}\n\n';
  assert.deepEqual(errorInAnswer(stream, sse, "a"), { code: -32000, message: "boom" });
  assert.equal(errorInAnswer(stream.slice(0, -30), sse, "a"), undefined, "an event cut short is not read");
  const cut = '{"jsonrpc":"2.0","id":1,"error":{"code":-32603,"message":"Internal","data":"' + "x".repeat(50);
  assert.deepEqual(errorInAnswer(cut, json, 1), { code: -32603, message: "Internal" });
  const cutResult = '{"jsonrpc":"2.0","id":1,"result":{"content":[{"text":"\\"error\\": {"';
  assert.equal(errorInAnswer(cutResult, json, 1), undefined);
});

Deno.test("answeredMessages reads the complete messages of JSON and event-stream answers", () => {
  assert.deepEqual(answeredMessages('{"id":1,"result":{}}', json), [{ id: 1, result: {} }]);
  assert.deepEqual(answeredMessages('data: {"id":1,"result":{}}\r\n\r\n', sse), [{ id: 1, result: {} }]);
  assert.deepEqual(answeredMessages("not json", json), []);
});
