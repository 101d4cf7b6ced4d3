import assert from "node:assert/strict";
import { applyJsonPatch } from "./json_patch.ts";

Deno.test("applyJsonPatch applies add, remove, replace, move, copy and test, leaving the input as it was", () => {
  const doc = { a: { b: 1, list: [1, 2] }, "x/y": 0, "t~": 1 };
  const out = applyJsonPatch(doc, [
    { op: "replace", path: "/a/b", value: 2 },
    { op: "add", path: "/a/list/1", value: 9 },
    { op: "add", path: "/a/list/-", value: 3 },
    { op: "remove", path: "/x~1y" },
    { op: "copy", from: "/a/b", path: "/c" },
    { op: "move", from: "/t~0", path: "/t" },
    { op: "test", path: "/a/list", value: [1, 9, 2, 3] },
  ]);
  assert.deepEqual(out, { a: { b: 2, list: [1, 9, 2, 3] }, c: 2, t: 1 });
  assert.deepEqual(doc, { a: { b: 1, list: [1, 2] }, "x/y": 0, "t~": 1 });
});

Deno.test("applyJsonPatch refuses what RFC 6902 refuses, naming the operation", () => {
  const doc = { a: [1] };
  const table: Array<[unknown, RegExp]> = [
    [{ op: "replace", path: "/b", value: 1 }, /patch\[0\] \(replace \/b\): \/b does not exist/],
    [{ op: "remove", path: "/a/1" }, /index 1 is out of range/],
    [{ op: "add", path: "/a/x", value: 1 }, /"x" is not an array index/],
    [{ op: "test", path: "/a", value: [2] }, /test failed/],
    [{ op: "add", path: "/b" }, /value is required/],
    [{ op: "move", path: "/b" }, /from is required/],
    [{ op: "move", from: "/a", path: "/a/0" }, /cannot move a value into itself/],
    [{ op: "merge", path: "/a" }, /unknown operation/],
    [{ op: "add", path: "a", value: 1 }, /must start with "\/"/],
  ];
  for (const [op, message] of table) {
    assert.throws(() => applyJsonPatch(doc, [op as never]), { name: "TypeError", message }, JSON.stringify(op));
  }
});
