import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { hmacKey, signPayload, verifySignature } from "./signing.ts";

Deno.test("signPayload is sha256=<hex HMAC-SHA256 of '<timestamp>.<body>'>, as another HMAC implementation computes", async () => {
  const secret = new TextEncoder().encode("s3cret");
  const body = new TextEncoder().encode('{"uid":"1"}');
  const key = await hmacKey(secret);
  const signature = await signPayload(key, 1700000000, body);
  const expected = createHmac("sha256", "s3cret").update('1700000000.{"uid":"1"}').digest("hex");
  assert.equal(signature, `sha256=${expected}`);
  assert.equal(await verifySignature(key, 1700000000, body, signature), true);
  assert.equal(await verifySignature(key, 1700000001, body, signature), false, "another timestamp");
  assert.equal(await verifySignature(key, 1700000000, body, "sha256=00"), false);
});
