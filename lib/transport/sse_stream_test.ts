import assert from "node:assert/strict";
import { ByteBudget, SseStream } from "./sse_stream.ts";

const bytes = (n: number) => new Uint8Array(n).fill(0x61);

Deno.test("SseStream counts only what the reader has not taken, and hands a waiting reader bytes at once", async () => {
  const budget = new ByteBudget(100);
  const stream = new SseStream({ budget, onOverflow: () => assert.fail("no overflow") });
  const reader = stream.body.getReader();
  const read = reader.read(); // waiting before anything is written
  await Promise.resolve();
  assert.ok(stream.write(bytes(60)));
  assert.equal((await read).value?.length, 60);
  assert.equal(budget.used, 0, "taken by the reader");
  assert.ok(stream.write(bytes(30)));
  assert.ok(stream.write(bytes(30)));
  assert.equal(budget.used, 60);
  assert.equal((await reader.read()).value?.length, 60, "what waited comes in one piece");
  assert.equal(budget.used, 0);
  stream.close();
  assert.equal((await reader.read()).done, true);
});

Deno.test("SseStream overflows past its budget: drops the queue, ends, tells the owner; one large write always fits", async () => {
  const budget = new ByteBudget(100);
  let overflowed = 0;
  const stream = new SseStream({ budget, onOverflow: () => overflowed++ });
  assert.ok(stream.write(bytes(500)), "a single message larger than the budget fits an empty queue");
  assert.equal(stream.write(bytes(1)), false);
  assert.equal(overflowed, 1);
  assert.equal(budget.used, 0, "the queue was dropped");
  assert.equal(stream.ended, true);
  assert.equal(stream.write(bytes(1)), false, "nothing more is taken");
  assert.equal(overflowed, 1);
  const reader = stream.body.getReader();
  assert.equal((await reader.read()).done, true);
});

Deno.test("SseStream streams of one session share its budget", () => {
  const budget = new ByteBudget(100);
  const overflows: string[] = [];
  const a = new SseStream({ budget, onOverflow: () => overflows.push("a") });
  const b = new SseStream({ budget, onOverflow: () => overflows.push("b") });
  assert.ok(a.write(bytes(80)));
  assert.equal(b.write(bytes(30)), false);
  assert.deepEqual(overflows, ["b"]);
  a.abort();
  assert.equal(budget.used, 0);
});

Deno.test("SseStream close waits until the reader has what is queued", async () => {
  const stream = new SseStream({ budget: new ByteBudget(100), onOverflow: () => {}, first: bytes(5) });
  stream.write(bytes(5));
  stream.close();
  assert.equal(stream.write(bytes(1)), false, "closing: no more writes");
  const reader = stream.body.getReader();
  assert.equal((await reader.read()).value?.length, 10);
  assert.equal((await reader.read()).done, true);
});
