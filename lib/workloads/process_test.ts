import assert from "node:assert/strict";
import { processAlive, processInfo, sameStart, waitUntilGone } from "./process.ts";

Deno.test("processAlive tells a live process from a gone one, and a reused PID by its start time", async () => {
  const child = new Deno.Command("sleep", { args: ["30"] }).spawn();
  try {
    const info = await processInfo(child.pid);
    assert.ok(info && !info.zombie, "a running child");
    assert.equal(await processAlive(child.pid), true);
    assert.equal(await processAlive(child.pid, info.started), true);
    assert.equal(await processAlive(child.pid, "Thu Jan  1 00:00:00 1970"), false, "another process's start time");
  } finally {
    child.kill("SIGKILL");
  }
  // Killed but not yet collected, it is a zombie: not alive.
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(await processAlive(child.pid), false);
  await child.status;
  assert.equal(await processInfo(child.pid), undefined);
});

Deno.test("sameStart tolerates the seconds procps's start times wander by, and nothing more", () => {
  assert.equal(sameStart("Tue Dec  1 20:37:47 2026", "Tue Dec  1 20:37:47 2026"), true);
  assert.equal(sameStart("Tue Dec  1 20:37:47 2026", "Tue Dec  1 20:37:48 2026"), true, "one call rounded up");
  assert.equal(sameStart("Tue Dec  1 20:37:59 2026", "Tue Dec  1 20:38:00 2026"), true, "across a minute");
  assert.equal(sameStart("Tue Dec  1 20:37:47 2026", "Tue Dec  1 20:37:49 2026"), true, "a busy machine");
  assert.equal(sameStart("Tue Dec  1 20:37:47 2026", "Tue Dec  1 20:37:50 2026"), false);
  assert.equal(sameStart("Tue Dec  1 20:37:47 2026", "Wed Dec  2 20:37:47 2026"), false);
  assert.equal(sameStart("Tue Dec  1 20:37:47 2026", "not a time"), false);
  assert.equal(sameStart("", "Tue Dec  1 20:37:47 2026"), false);
});

Deno.test("waitUntilGone: true once the process is gone, false when the time runs out, and shutdown ends it", async () => {
  let checks = 0;
  assert.equal(await waitUntilGone(() => Promise.resolve(++checks < 3), { timeoutMs: 10_000, intervalMs: 1 }), true);
  assert.equal(checks, 3);
  assert.equal(await waitUntilGone(() => Promise.resolve(true), { timeoutMs: 20, intervalMs: 5 }), false);
  const shutdown = new AbortController();
  const waiting = waitUntilGone(() => Promise.resolve(true), { timeoutMs: 600_000, signal: shutdown.signal });
  shutdown.abort(new Error("shutting down"));
  await assert.rejects(waiting, /shutting down/);
});
