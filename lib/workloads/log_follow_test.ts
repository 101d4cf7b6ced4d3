import assert from "node:assert/strict";
import { followText, newOutput } from "./log_follow.ts";

Deno.test("newOutput prints what was appended, only the new part after a rotation, and all of a replaced log", () => {
  assert.equal(newOutput("a\nb\n", "a\nb\nc\n"), "c\n");
  assert.equal(newOutput("a\nb\n", "a\nb\n"), "");
  // Rotation: `.1` (once "a\n") is dropped, the current file ("b\n") becomes `.1`, and a new file starts.
  assert.equal(newOutput("a\nb\n", "b\nc\n"), "c\n");
  assert.equal(newOutput("old\n", "something else\n"), "something else\n", "a replaced log, from its start");
  assert.equal(newOutput("", "x\n"), "x\n");
});

Deno.test("followText gives the whole text, then only what came, and ends when shutdown comes", async () => {
  const shutdown = new AbortController();
  const reads = ["a\n", "a\n", "a\nb\n", "b\nc\n"];
  let i = 0;
  const read = () => {
    const text = reads[Math.min(i++, reads.length - 1)]!;
    if (i === 2) return Promise.reject(new Error("the file is being rotated")); // counts as nothing new
    return Promise.resolve(text);
  };
  const chunks: string[] = [];
  for await (const chunk of followText(read, { signal: shutdown.signal, intervalMs: 1 })) {
    chunks.push(chunk);
    if (chunks.length === 3) shutdown.abort();
  }
  assert.deepEqual(chunks, ["a\n", "b\n", "c\n"]);
});

Deno.test("followText throws the first read's error", async () => {
  const follow = followText(() => Promise.reject(new Error("No workload named ghost")), {
    signal: new AbortController().signal,
    intervalMs: 1,
  });
  await assert.rejects(follow.next(), /No workload named ghost/);
});
