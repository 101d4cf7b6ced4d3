import assert from "node:assert/strict";
import { canonicalJson, sameJson } from "./same_json.ts";

Deno.test("sameJson ignores key order and undefined fields, not values or list order", () => {
  assert.ok(sameJson({ a: 1, b: { c: [1, { d: 2, e: undefined }] } }, { b: { c: [1, { d: 2 }] }, a: 1 }));
  assert.ok(!sameJson({ a: [1, 2] }, { a: [2, 1] }));
  assert.ok(!sameJson({ a: 1 }, { a: "1" }));
  assert.equal(canonicalJson({ b: 1, a: 2 }), '{"a":2,"b":1}');
});
