import assert from "node:assert/strict";
import { newOutput } from "./log_follow.ts";

Deno.test("newOutput prints what was appended, only the new part after a rotation, and all of a replaced log", () => {
  assert.equal(newOutput("a\nb\n", "a\nb\nc\n"), "c\n");
  assert.equal(newOutput("a\nb\n", "a\nb\n"), "");
  // Rotation: `.1` (once "a\n") is dropped, the current file ("b\n") becomes `.1`, and a new file starts.
  assert.equal(newOutput("a\nb\n", "b\nc\n"), "c\n");
  assert.equal(newOutput("old\n", "something else\n"), "something else\n", "a replaced log, from its start");
  assert.equal(newOutput("", "x\n"), "x\n");
});
