import assert from "node:assert/strict";
import { bodyLimit, readBody } from "./body.ts";
import { HttpError } from "./error.ts";
import { errorBoundary, withMiddleware } from "./middleware.ts";

/** A body of undeclared length (chunked on the wire), in `parts`. */
function streamed(parts: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const p of parts) controller.enqueue(encoder.encode(p));
      controller.close();
    },
  });
}

const post = (body: BodyInit, headers: Record<string, string> = {}) =>
  new Request("http://localhost/mcp", { method: "POST", body, headers });

const is413 = (e: unknown) => e instanceof HttpError && e.status === 413 && /larger than 8 bytes/.test(e.message);

Deno.test("readBody reads a body within the limit, declared or streamed", async () => {
  assert.equal(new TextDecoder().decode(await readBody(post("12345678"), { maxBytes: 8 })), "12345678");
  assert.equal(new TextDecoder().decode(await readBody(post(streamed(["1234", "5678"])), { maxBytes: 8 })), "12345678");
  assert.equal((await readBody(new Request("http://localhost/"), { maxBytes: 8 })).length, 0);
});

Deno.test("readBody refuses with an HttpError 413 a declared length or a stream past the limit", async () => {
  await assert.rejects(readBody(post("123456789"), { maxBytes: 8 }), is413);
  await assert.rejects(readBody(post(streamed(["12345", "6789"])), { maxBytes: 8 }), is413);
});

Deno.test("bodyLimit refuses a declared length at once and a streamed body once read past the limit", async () => {
  let reached = 0;
  const handler = errorBoundary()(withMiddleware(async (req) => {
    reached++;
    return new Response(`${(await req.bytes()).length}`);
  }, bodyLimit({ maxBytes: 8 })));
  const declared = await handler(post("x".repeat(9), { "content-length": "9" }));
  assert.equal(declared.status, 413);
  assert.equal(reached, 0, "the handler never saw it");
  assert.equal(await declared.text(), "Request body larger than 8 bytes: send smaller messages\n");
  assert.equal((await handler(post(streamed(["12345", "6789"])))).status, 413);
  assert.equal(await (await handler(post(streamed(["1234", "5678"])))).text(), "8");
  assert.equal(await (await handler(post("12345678"))).text(), "8");
});
