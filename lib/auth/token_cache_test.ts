import { strict as assert } from "node:assert";
import { TokenCache } from "./token_cache.ts";

Deno.test("the token cache forgets a token when it expires and the oldest token past its size", () => {
  let now = 1_000;
  const cache = new TokenCache<string>(2, () => now);
  cache.set("a", "A", 2_000);
  cache.set("b", "B", 5_000);
  assert.equal(cache.get("a"), "A");
  now = 2_000;
  assert.equal(cache.get("a"), undefined);
  cache.set("c", "C", 5_000);
  cache.set("d", "D", 5_000);
  assert.equal(cache.size, 2);
  assert.equal(cache.get("b"), undefined);
  assert.equal(cache.get("d"), "D");
  cache.set("old", "X", 1_500);
  assert.equal(cache.get("old"), undefined);
});
