import assert from "node:assert/strict";
import { createLogger } from "../log.ts";
import { pollUntil } from "../async/mod.ts";
import { FakeSource, obj } from "./_fake_source.ts";
import { Informer } from "./informer.ts";
import type { KubeObject } from "./object.ts";
import type { StoreChange } from "./store.ts";
import { stripForCache } from "./transform.ts";

const CONFIG_MAP = { apiVersion: "v1", kind: "ConfigMap", plural: "configmaps" };
const log = createLogger({ format: "text", level: "error", write: () => {} });

function start(source: FakeSource, transform?: (o: KubeObject) => KubeObject) {
  const informer = new Informer({
    kind: CONFIG_MAP,
    sources: [source],
    log,
    backoff: { min: 1, max: 5 },
    ...(transform ? { transform } : {}),
  });
  const changes: string[] = [];
  informer.onChange((c: StoreChange<KubeObject>) => changes.push(`${c.type} ${c.object.metadata?.name}`));
  const stop = new AbortController();
  const running = informer.run(stop.signal);
  return {
    informer,
    changes,
    async [Symbol.asyncDispose]() {
      stop.abort();
      await running;
    },
  };
}

Deno.test("informer lists into its cache, then applies watched adds, updates and deletes with an event each", async () => {
  const source = new FakeSource([obj("a", "one")]);
  await using run = start(source);
  await run.informer.whenSynced();
  await source.watching();
  assert.deepEqual(run.changes, ["add one"]);
  const two = source.put(obj("a", "two", { data: { k: "1" } }));
  source.put(obj("a", "two", { data: { k: "2" } }));
  source.delete(obj("a", "one"));
  assert.deepEqual(run.changes, ["add one", "add two", "update two", "delete one"]);
  assert.deepEqual(run.informer.store.keys(), ["a/two"]);
  assert.deepEqual(run.informer.store.get("a", "two")?.data, { k: "2" });
  assert.notEqual(run.informer.store.get("a", "two")?.metadata?.resourceVersion, two.metadata?.resourceVersion);
});

Deno.test("informer relists on 410 Gone and deletes what vanished meanwhile, with a delete event", async () => {
  const source = new FakeSource([obj("a", "kept"), obj("a", "vanishing"), obj("a", "changed")]);
  await using run = start(source);
  await source.watching();
  // What happens while the watch is gone reaches the informer only through the next list.
  source.delete(obj("a", "vanishing"), { silently: true });
  source.put(obj("a", "changed", { data: { v: "2" } }), { silently: true });
  source.put(obj("a", "new"), { silently: true });
  source.expire();
  await pollUntil(() => source.lists === 2 && run.changes.length === 6, { deadline: 10_000, interval: 1 });
  assert.deepEqual(run.changes.slice(3).sort(), ["add new", "delete vanishing", "update changed"]);
  assert.deepEqual(run.informer.store.keys().sort(), ["a/changed", "a/kept", "a/new"]);
  assert.deepEqual(run.informer.store.get("a", "changed")?.data, { v: "2" });
});

Deno.test("informer backs off after a failed list or watch and resumes", async () => {
  const source = new FakeSource([obj("a", "one")]);
  source.listErrors.push(Object.assign(new Error("too many requests"), { statusCode: 429 }), new Error("refused"));
  await using run = start(source);
  await run.informer.whenSynced();
  assert.equal(source.lists, 3);
  await source.watching();
  source.fail(new Error("connection reset"));
  await source.watching();
  source.put(obj("a", "two"));
  assert.deepEqual(run.changes, ["add one", "add two"]);
  assert.equal(source.lists, 3, "a failed watch resumes from its version, without a list");
});

Deno.test("informer keeps only what its transform keeps", async () => {
  const source = new FakeSource([
    obj("a", "one", {
      data: { k: "v" },
      metadata: { managedFields: [{ manager: "kubectl" }], annotations: { x: "1" } } as KubeObject["metadata"],
    }),
  ]);
  await using run = start(source, stripForCache({ data: true }));
  await run.informer.whenSynced();
  const cached = run.informer.store.get("a", "one")!;
  assert.equal((cached.metadata as Record<string, unknown>).managedFields, undefined);
  assert.deepEqual(cached.metadata?.annotations, { x: "1" });
  assert.deepEqual(cached.data, { k: "v" });
});

Deno.test("informer observe() caches our own write without an event, and ignores an older answer", async () => {
  const source = new FakeSource([obj("a", "one")]);
  await using run = start(source);
  await source.watching();
  const written = source.put(obj("a", "one", { data: { k: "ours" } }), { silently: true });
  run.informer.observe(written);
  assert.deepEqual(run.informer.store.get("a", "one")?.data, { k: "ours" });
  run.informer.observe({ ...written, data: { k: "stale" }, metadata: { ...written.metadata, resourceVersion: "1" } });
  assert.deepEqual(run.informer.store.get("a", "one")?.data, { k: "ours" }, "an older version is ignored");
  assert.deepEqual(run.changes, ["add one"], "no event for our own write");
});

Deno.test("informer ignores a watch event older than what observe() cached (our own later write)", async () => {
  const source = new FakeSource([obj("a", "one")]);
  await using run = start(source);
  await source.watching();
  const first = source.put(obj("a", "one", { data: { step: "1" } }), { silently: true });
  const second = source.put(obj("a", "one", { data: { step: "2" } }), { silently: true });
  run.informer.observe(second);
  // The watch now brings both writes, in order: the first is older than the cache, the second the same.
  source.deliver({ type: "MODIFIED", object: first });
  source.deliver({ type: "MODIFIED", object: second });
  assert.deepEqual(run.informer.store.get("a", "one")?.data, { step: "2" });
  assert.deepEqual(run.changes, ["add one"], "neither is a change");
});

Deno.test("informer observe() of a write's answer that comes after the object's delete event brings nothing back", async () => {
  const withUid = (o: KubeObject) => ({ ...o, metadata: { ...o.metadata, uid: "u-1" } });
  const source = new FakeSource([withUid(obj("a", "one"))]);
  await using run = start(source);
  await source.watching();
  // Our patch removes the last finalizer; the server deletes the object and the watch says so before the
  // patch's answer reaches us.
  const answer = source.put(withUid(obj("a", "one", { data: { finalizers: "none" } })), { silently: true });
  source.delete(answer);
  await pollUntil(() => run.changes.includes("delete one") || undefined, { deadline: 5_000, what: "the delete" });
  run.informer.observe(answer);
  assert.equal(run.informer.store.get("a", "one"), undefined, "a deleted object stays deleted");
  // A new object of the same name (another uid) is cached as usual.
  run.informer.observe({
    ...obj("a", "one"),
    metadata: { ...obj("a", "one").metadata, uid: "u-2", resourceVersion: "99" },
  });
  assert.equal(run.informer.store.get("a", "one")?.metadata?.uid, "u-2");
});

Deno.test("informer observe() reports an answer that carries someone else's change: a deletion, a new generation", async () => {
  const source = new FakeSource([obj("a", "one")]);
  await using run = start(source);
  await source.watching();
  // Someone deletes the object between our read and our write; our write's answer is the first we see of it.
  const deleted = source.put(obj("a", "one", { metadata: { deletionTimestamp: "2026-12-02T10:00:00Z" } }), {
    silently: true,
  });
  const answer = source.put({ ...deleted, data: { k: "ours" } }, { silently: true });
  run.informer.observe(answer);
  source.deliver({ type: "MODIFIED", object: deleted }); // older than the cache: no change of its own
  assert.deepEqual(run.changes, ["add one", "update one"], "the deletion is heard once, through observe()");
});
