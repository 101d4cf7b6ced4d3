import { strict as assert } from "node:assert";
import { ExchangeCache } from "./exchange_cache.ts";

Deno.test("the cache reuses a token until it expires, then exchanges again", async () => {
  let now = 1_000;
  let exchanges = 0;
  const cache = new ExchangeCache({ now: () => now });
  const exchange = () => Promise.resolve({ token: `t${++exchanges}`, expiresAt: now + 100 });
  assert.equal(await cache.get("s", exchange), "t1");
  now += 99;
  assert.equal(await cache.get("s", exchange), "t1");
  now += 1;
  assert.equal(await cache.get("s", exchange), "t2");
  assert.equal(exchanges, 2);
});

Deno.test("concurrent requests for one subject share one exchange; a failure is not kept", async () => {
  const cache = new ExchangeCache({ now: () => 0 });
  let exchanges = 0;
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const slow = async () => {
    exchanges++;
    await gate;
    return { token: "shared", expiresAt: 10 };
  };
  const all = Promise.all([cache.get("s", slow), cache.get("s", slow), cache.get("s", slow)]);
  release();
  assert.deepEqual(await all, ["shared", "shared", "shared"]);
  assert.equal(exchanges, 1);

  const failing = () => Promise.reject(new Error("refused"));
  await assert.rejects(cache.get("other", failing), /refused/);
  assert.equal(await cache.get("other", () => Promise.resolve({ token: "ok", expiresAt: 10 })), "ok");
});

Deno.test("the cache holds at most maxEntries, dropping the least recently used, and never an expired token", async () => {
  const cache = new ExchangeCache({ maxEntries: 2, now: () => 0 });
  const token = (t: string, expiresAt = 10) => () => Promise.resolve({ token: t, expiresAt });
  await cache.get("a", token("A"));
  await cache.get("b", token("B"));
  await cache.get("a", token("A2")); // a is now the most recently used
  await cache.get("c", token("C"));
  assert.equal(cache.size, 2);
  assert.equal(await cache.get("a", token("A3")), "A");
  assert.equal(await cache.get("b", token("B2")), "B2", "b was dropped");
  assert.equal(await cache.get("d", token("D", 0)), "D");
  assert.equal(await cache.get("d", token("D2", 0)), "D2", "a token that expires at once is not kept");
  assert.throws(() => new ExchangeCache({ maxEntries: 0 }), /positive integer/);
});
