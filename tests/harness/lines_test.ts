import assert from "node:assert/strict";
import { PassThrough } from "node:stream";
import { LineReader } from "./lines.ts";

Deno.test("LineReader splits chunks into lines, across chunk borders and multibyte characters", async () => {
  const stream = new PassThrough();
  const reader = new LineReader(stream);
  const bytes = new TextEncoder().encode('{"a":"✓"}\n{"b":2}\n');
  stream.write(bytes.slice(0, 7)); // splits the three bytes of ✓
  stream.write(bytes.slice(7));
  assert.equal(await reader.next(), '{"a":"✓"}');
  assert.equal(await reader.next(), '{"b":2}');
});

Deno.test("LineReader times out, and rejects waiting readers when the stream ends", async () => {
  const stream = new PassThrough();
  const reader = new LineReader(stream);
  await assert.rejects(reader.next(20), /no line within 20 ms/);
  const pending = reader.next(1000);
  stream.end("partial");
  await assert.rejects(pending, /stream ended with a partial line: partial/);
  await assert.rejects(reader.next(), /stream ended/);
});
