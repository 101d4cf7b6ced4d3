import assert from "node:assert/strict";
import { backoff, DeadlineError, delay, pollUntil, sleepUnlessAborted } from "./mod.ts";

Deno.test("delay resolves after the time and leaves no timer behind", async () => {
  const started = performance.now();
  await delay(20);
  assert.ok(performance.now() - started >= 19);
});

Deno.test("delay rejects with the signal's reason when shutdown comes first, and at once when it already came", async () => {
  const stop = new AbortController();
  const waiting = delay(60_000, { signal: stop.signal });
  stop.abort(new Error("shutting down"));
  await assert.rejects(waiting, /shutting down/);
  await assert.rejects(delay(60_000, { signal: stop.signal }), /shutting down/);
});

Deno.test("sleepUnlessAborted tells a passed wait from a cut one", async () => {
  const stop = new AbortController();
  assert.equal(await sleepUnlessAborted(1, stop.signal), true);
  const waiting = sleepUnlessAborted(60_000, stop.signal);
  stop.abort();
  assert.equal(await waiting, false);
});

Deno.test("backoff grows by its factor up to max and starts over after reset", () => {
  const b = backoff({ min: 100, max: 1000, factor: 3 });
  assert.deepEqual([b.next(), b.next(), b.next(), b.next()], [100, 300, 900, 1000]);
  b.reset();
  assert.equal(b.next(), 100);
});

Deno.test("backoff jitter spreads each delay within its fraction and never past max", () => {
  const low = backoff({ min: 100, max: 150, jitter: 0.5, random: () => 0 });
  assert.deepEqual([low.next(), low.next()], [50, 75]);
  const high = backoff({ min: 100, max: 150, jitter: 0.5, random: () => 0.999999 });
  assert.deepEqual([high.next(), high.next()], [150, 150]);
});

Deno.test("backoff refuses options that cannot grow", () => {
  assert.throws(() => backoff({ min: 10, max: 5 }), RangeError);
  assert.throws(() => backoff({ min: 10, max: 50, factor: 0.5 }), RangeError);
  assert.throws(() => backoff({ min: 10, max: 50, jitter: 2 }), RangeError);
});

Deno.test("pollUntil resolves with the first truthy value", async () => {
  let calls = 0;
  const value = await pollUntil(() => (++calls >= 3 ? `after ${calls}` : undefined), { deadline: 10_000, interval: 1 });
  assert.equal(value, "after 3");
});

Deno.test("pollUntil rejects with a DeadlineError naming what it waited for", async () => {
  await assert.rejects(
    pollUntil(() => false, { deadline: 30, interval: 5, what: "the pod" }),
    (e) => e instanceof DeadlineError && /waiting for the pod/.test(e.message),
  );
});

Deno.test("pollUntil stops on shutdown and on an error from the check", async () => {
  const stop = new AbortController();
  const polling = pollUntil(() => undefined, { deadline: 60_000, signal: stop.signal });
  stop.abort(new Error("stopped"));
  await assert.rejects(polling, /stopped/);
  await assert.rejects(
    pollUntil(() => {
      throw new Error("broken check");
    }, { deadline: 60_000 }),
    /broken check/,
  );
});
