import assert from "node:assert/strict";
import { coalescingWriter, MAX_FRAME_BYTES } from "./coalesce.ts";

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

/** A schedule the test turns by hand: `turn()` runs what was scheduled so far. */
function manualSchedule() {
  let queued: (() => void)[] = [];
  return {
    schedule: (fn: () => void) => void queued.push(fn),
    turn() {
      const run = queued;
      queued = [];
      for (const fn of run) fn();
    },
    get pending() {
      return queued.length;
    },
  };
}

Deno.test("coalescingWriter: a lone write goes out at once; the writes of one turn share the next frame, in order", () => {
  const sent: string[] = [];
  const loop = manualSchedule();
  const writer = coalescingWriter((b) => sent.push(text(b)), loop.schedule);
  writer.write(bytes("a\n"));
  assert.deepEqual(sent, ["a\n"], "no latency for the first write");
  writer.write(bytes("b\n"));
  writer.write(bytes("c\n"));
  assert.deepEqual(sent, ["a\n"]);
  loop.turn();
  assert.deepEqual(sent, ["a\n", "b\nc\n"]);
  loop.turn(); // nothing came: the window closes
  assert.equal(loop.pending, 0);
  writer.write(bytes("d\n"));
  assert.deepEqual(sent, ["a\n", "b\nc\n", "d\n"], "after a quiet turn a write goes out at once again");
});

Deno.test("coalescingWriter: flush sends what waits; a frame never grows past MAX_FRAME_BYTES", () => {
  const sent: Uint8Array[] = [];
  const loop = manualSchedule();
  const writer = coalescingWriter((b) => sent.push(b), loop.schedule);
  writer.write(bytes("x"));
  const half = new Uint8Array(MAX_FRAME_BYTES / 2 + 1).fill(0x61);
  writer.write(half);
  writer.write(half);
  assert.equal(sent.length, 2, "the second half would overflow the frame: the first went out");
  writer.flush();
  assert.equal(sent.length, 3);
  assert.deepEqual(sent.map((b) => b.length), [1, half.length, half.length]);
  writer.flush();
  assert.equal(sent.length, 3, "nothing left to flush");
});

Deno.test("coalescingWriter: a failing send of a write sent at once throws to the writer", () => {
  const writer = coalescingWriter(() => {
    throw new Error("closed");
  }, () => {});
  assert.throws(() => writer.write(bytes("a")), /closed/);
});
