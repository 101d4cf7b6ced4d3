import assert from "node:assert/strict";
import { obj } from "./_fake_source.ts";
import { Store } from "./store.ts";

const v = (o: ReturnType<typeof obj>, resourceVersion: string) => ({
  ...o,
  metadata: { ...o.metadata, resourceVersion },
});

Deno.test("Store lists by namespace and labels", () => {
  const store = new Store();
  store.upsert(v(obj("a", "x", { metadata: { labels: { app: "mcp", tier: "1" } } }), "1"));
  store.upsert(v(obj("a", "y", { metadata: { labels: { app: "other" } } }), "2"));
  store.upsert(v(obj("b", "z", { metadata: { labels: { app: "mcp" } } }), "3"));
  assert.deepEqual(store.list({ labels: { app: "mcp" } }).map((o) => o.metadata?.name).sort(), ["x", "z"]);
  assert.deepEqual(store.list({ namespace: "a", labels: { app: "mcp" } }).map((o) => o.metadata?.name), ["x"]);
  assert.equal(store.list({ namespace: "a" }).length, 2);
});

Deno.test("Store indexes follow updates and deletes, and index what was cached before", () => {
  const store = new Store();
  store.upsert(v(obj("a", "s1", { refs: ["secret-1"] }), "1"));
  store.addIndex("refs", (o) => (o.refs as string[] | undefined) ?? []);
  assert.deepEqual(store.byIndex("refs", "secret-1").map((o) => o.metadata?.name), ["s1"]);
  store.upsert(v(obj("a", "s2", { refs: ["secret-1", "secret-2"] }), "2"));
  store.upsert(v(obj("a", "s1", { refs: ["secret-2"] }), "3"));
  assert.deepEqual(store.byIndex("refs", "secret-1").map((o) => o.metadata?.name), ["s2"]);
  assert.deepEqual(store.byIndex("refs", "secret-2").map((o) => o.metadata?.name).sort(), ["s1", "s2"]);
  store.remove(obj("a", "s2"));
  assert.deepEqual(store.byIndex("refs", "secret-1"), []);
  assert.throws(() => store.byIndex("nope", "x"), RangeError);
  assert.throws(() => store.addIndex("refs", () => []), RangeError);
});

Deno.test("Store reports no change for a version it holds, and replace() deletes only within its scope", () => {
  const store = new Store();
  assert.equal(store.upsert(v(obj("a", "x"), "5"))?.type, "add");
  assert.equal(store.upsert(v(obj("a", "x"), "5")), undefined);
  assert.equal(store.upsert(v(obj("a", "x"), "6"))?.type, "update");
  assert.equal(store.upsert(v(obj("a", "x"), "4"), { newerOnly: true }), undefined);
  store.upsert(v(obj("b", "y"), "7"));
  const changes = store.replace([], (o) => o.metadata?.namespace === "a");
  assert.deepEqual(changes.map((c) => `${c.type} ${c.object.metadata?.name}`), ["delete x"]);
  assert.deepEqual(store.keys(), ["b/y"]);
});
