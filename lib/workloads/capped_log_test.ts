import assert from "node:assert/strict";
import { CappedLog, DEFAULT_SERVER_LOG_MAX_BYTES, parseLogMaxBytes } from "./capped_log.ts";

Deno.test("a CappedLog never grows past its cap: it rotates to .1 and keeps the newest bytes", async () => {
  const dir = await Deno.makeTempDir({ prefix: "thv-capped-log-" });
  try {
    const path = `${dir}/server.log`;
    const log = new CappedLog(path, 4096);
    const line = (i: number) => new TextEncoder().encode(`line ${String(i).padStart(6, "0")} ${"x".repeat(80)}\n`);
    for (let i = 0; i < 2000; i++) await log.write(line(i)); // about 180 KiB
    await log.write(new Uint8Array(10_000).fill(65)); // one chunk larger than the cap
    await log.write(line(2000));
    await log.close();
    const [current, previous] = [await Deno.stat(path), await Deno.stat(`${path}.1`)];
    assert.ok(current.size <= 4096 && previous.size <= 4096, `${current.size} ${previous.size}`);
    assert.match(await Deno.readTextFile(path), /line 002000 x+\n$/);
    assert.equal((await Deno.readTextFile(`${path}.1`)).length, 4096, "the big chunk's last 4096 bytes");
    // A new CappedLog on the same file counts what is there already.
    const again = new CappedLog(path, 4096);
    for (let i = 0; i < 100; i++) await again.write(line(i));
    await again.close();
    assert.ok((await Deno.stat(path)).size <= 4096);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("parseLogMaxBytes reads bytes and k/m/g sizes, and refuses the rest in one line", () => {
  assert.equal(parseLogMaxBytes(undefined), DEFAULT_SERVER_LOG_MAX_BYTES);
  assert.equal(parseLogMaxBytes("65536"), 65536);
  assert.equal(parseLogMaxBytes("64k"), 65536);
  assert.equal(parseLogMaxBytes("10M"), 10 * 1024 * 1024);
  assert.equal(parseLogMaxBytes("1GiB"), 1024 ** 3);
  for (const bad of ["abc", "-1", "100", "1.5m", "10 x"]) {
    assert.throws(
      () => parseLogMaxBytes(bad),
      /^RangeError: THV_SERVER_LOG_MAX_BYTES=.* is not a log size: use a whole/,
    );
  }
});
