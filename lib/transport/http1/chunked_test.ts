import assert from "node:assert/strict";
import { ChunkedDecoder } from "./chunked.ts";

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (parts: Uint8Array[]) => new TextDecoder().decode(new Uint8Array(parts.flatMap((p) => [...p])));

/** Decodes `wire` fed in the given pieces; returns the data and how many bytes of the last piece were used. */
function decode(pieces: string[]): { data: string; done: boolean; consumed: number[] } {
  const decoder = new ChunkedDecoder();
  const out: Uint8Array[] = [];
  const consumed = pieces.map((p) => decoder.push(bytes(p), (d) => out.push(d.slice())));
  return { data: text(out), done: decoder.done, consumed };
}

Deno.test("ChunkedDecoder decodes a body split at every position into the same data", () => {
  const wire = "5\r\nhello\r\nA;name=value\r\n, world!!!\r\n0\r\ntrailer: x\r\n\r\n";
  for (let cut = 0; cut <= wire.length; cut++) {
    const { data, done } = decode([wire.slice(0, cut), wire.slice(cut)]);
    assert.equal(data, "hello, world!!!", `cut at ${cut}`);
    assert.ok(done, `cut at ${cut}`);
  }
  const oneByOne = decode([...wire]);
  assert.equal(oneByOne.data, "hello, world!!!");
  assert.ok(oneByOne.done);
});

Deno.test("ChunkedDecoder stops at the end of the body and says how much it consumed", () => {
  const { data, done, consumed } = decode(["3\r\nabc\r\n0\r\n\r\nHTTP/1.1 200 OK"]);
  assert.equal(data, "abc");
  assert.ok(done);
  assert.deepEqual(consumed, [13]);
});

Deno.test("ChunkedDecoder is not done before the last chunk and its blank line", () => {
  assert.equal(decode(["3\r\nabc\r\n"]).done, false);
  assert.equal(decode(["3\r\nabc\r\n0\r\n"]).done, false);
  assert.equal(decode(["3\r\nabc\r\n0\r\n\r\n"]).done, true);
  assert.equal(decode(["3\nabc\n0\n\n"]).done, true, "bare line feeds are accepted");
});

Deno.test("ChunkedDecoder refuses malformed framing", () => {
  for (
    const wire of [
      "x\r\n", // not a size
      "\r\n", // no digits
      "3\r\nabcd\r\n", // data longer than its size
      "3\rX", // CR without LF
      "1234567890abc\r\n", // absurdly large
      "0\r\n\rX", // bad end of trailers
    ]
  ) {
    assert.throws(() => decode([wire]), TypeError, JSON.stringify(wire));
  }
});
