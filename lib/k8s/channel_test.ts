import assert from "node:assert/strict";
import { Channel, closeFrame, decodeFrame, encodeFrame, parseStatus } from "./channel.ts";

const bytes = (s: string) => new TextEncoder().encode(s);

Deno.test("encodeFrame puts the stream number first and the payload unchanged after it", () => {
  const payload = bytes('{"id":1,"x":"żółw ✓"}\n');
  const frame = encodeFrame(Channel.stdin, payload);
  assert.equal(frame.length, payload.length + 1);
  assert.equal(frame[0], 0);
  assert.deepEqual(frame.subarray(1), payload);
  assert.deepEqual([...encodeFrame(Channel.stdout, new Uint8Array())], [1]);
});

Deno.test("encodeFrame refuses a channel that is not a byte", () => {
  assert.throws(() => encodeFrame(256, new Uint8Array()), /channel 256 is not a byte/);
  assert.throws(() => encodeFrame(-1, new Uint8Array()), RangeError);
});

Deno.test("decodeFrame splits stream number and payload, and ignores an empty message", () => {
  assert.equal(decodeFrame(new Uint8Array()), undefined);
  const frame = decodeFrame(Uint8Array.of(2, 104, 105))!;
  assert.equal(frame.channel, Channel.stderr);
  assert.deepEqual([...frame.payload], [104, 105]);
  const opening = decodeFrame(Uint8Array.of(1))!;
  assert.equal(opening.channel, Channel.stdout);
  assert.equal(opening.payload.length, 0);
  const binary = Uint8Array.from({ length: 256 }, (_, i) => i);
  assert.deepEqual(decodeFrame(encodeFrame(Channel.stdout, binary))!.payload, binary);
});

Deno.test("closeFrame is v5's close message naming the stream", () => {
  assert.deepEqual([...closeFrame(Channel.stdin)], [255, 0]);
});

Deno.test("parseStatus reads success, a non-zero exit code, a plain failure and garbage", () => {
  assert.deepEqual(parseStatus(bytes('{"metadata":{},"status":"Success"}')), {
    success: true,
    reason: "status Success",
  });
  const exit = {
    status: "Failure",
    message: "command terminated with non-zero exit code",
    reason: "NonZeroExitCode",
    details: { causes: [{ reason: "ExitCode", message: "3" }] },
  };
  assert.deepEqual(parseStatus(bytes(JSON.stringify(exit))), { success: false, reason: "exited with code 3" });
  assert.deepEqual(parseStatus(bytes('{"status":"Failure","message":"container not found"}')), {
    success: false,
    reason: "container not found",
  });
  assert.equal(parseStatus(bytes("not json")).reason, "unreadable status: not json");
});
