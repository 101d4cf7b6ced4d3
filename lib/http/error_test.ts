import assert from "node:assert/strict";
import { HttpError } from "./error.ts";

Deno.test("HttpError.toResponse answers its status, message and headers as plain text", async () => {
  const cause = new Error("disk full");
  const e = new HttpError(503, "Try again later", { headers: { "retry-after": "5" }, cause });
  assert.equal(e.cause, cause);
  const res = e.toResponse();
  assert.equal(res.status, 503);
  assert.equal(res.headers.get("retry-after"), "5");
  assert.equal(res.headers.get("content-type"), "text/plain; charset=utf-8");
  assert.equal(await res.text(), "Try again later\n");
});

Deno.test("HttpError refuses a status that is no error status", () => {
  assert.throws(() => new HttpError(200, "fine"), RangeError);
  assert.throws(() => new HttpError(600, "past"), RangeError);
});
