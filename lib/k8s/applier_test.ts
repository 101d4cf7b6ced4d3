import assert from "node:assert/strict";
import { createLogger } from "../log.ts";
import { FakeSource } from "./_fake_source.ts";
import { Applier } from "./applier.ts";
import { InformerCache } from "./cache.ts";
import type { KubeClient } from "./client.ts";
import { Informer } from "./informer.ts";
import type { KubeObject } from "./object.ts";

const DEPLOYMENT = { apiVersion: "apps/v1", kind: "Deployment", plural: "deployments" };

/** A fake backend for apply: a map of objects with a version counter, and the requests it served. */
function fakeClient(now: () => Date) {
  const objects = new Map<string, KubeObject>();
  let version = 10;
  const requests: string[] = [];
  const client = {
    counts: { reads: 0, writes: 0 },
    apply(object: KubeObject, fieldManager: string) {
      requests.push(`apply ${object.metadata?.name} as ${fieldManager}`);
      const key = `${object.metadata?.namespace}/${object.metadata?.name}`;
      const old = objects.get(key);
      const same = old && JSON.stringify(old.spec) === JSON.stringify(object.spec);
      const stored = same ? old : {
        ...object,
        metadata: {
          ...object.metadata,
          resourceVersion: String(++version),
          creationTimestamp: old?.metadata?.creationTimestamp ?? now().toISOString(),
        },
      };
      objects.set(key, stored);
      return Promise.resolve(stored);
    },
    delete() {
      requests.push("delete");
      return Promise.resolve(true);
    },
  } as unknown as KubeClient;
  return { client, requests, objects };
}

function setup() {
  let clock = new Date("2026-01-01T00:00:00Z");
  const now = () => clock;
  const { client, requests, objects } = fakeClient(now);
  const cache = new InformerCache();
  const informer = new Informer({
    kind: DEPLOYMENT,
    sources: [new FakeSource()],
    log: createLogger({ format: "text", level: "error", write: () => {} }),
  });
  cache.add(informer);
  const applier = new Applier(client, { fieldManager: "thv-test", cache, now });
  return {
    applier,
    client,
    cache,
    now,
    requests,
    objects,
    informer,
    tick: (ms: number) => (clock = new Date(clock.getTime() + ms)),
  };
}

const deployment = (replicas: number): KubeObject => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { namespace: "ns", name: "web" },
  spec: { replicas },
});

Deno.test("applier creates, then sends nothing for the same object while the cache holds the version it made", async () => {
  const t = setup();
  assert.equal((await t.applier.apply(deployment(1))).outcome, "created");
  assert.deepEqual(t.requests, ["apply web as thv-test"]);
  t.tick(5_000);
  const again = await t.applier.apply(deployment(1));
  assert.equal(again.outcome, "unchanged");
  assert.equal(again.object?.metadata?.resourceVersion, "11", "answered from the cache");
  assert.equal(t.requests.length, 1, "no request");
});

Deno.test("applier reports updated when the object changed, and unchanged when a re-send changed nothing", async () => {
  const t = setup();
  await t.applier.apply(deployment(1));
  t.tick(5_000);
  assert.equal((await t.applier.apply(deployment(2))).outcome, "updated");
  assert.equal(t.requests.length, 2);
  // Someone else wrote the object (a newer version in the cache): the same apply is sent again, changing nothing.
  t.informer.store.upsert({
    ...t.objects.get("ns/web")!,
    metadata: { ...t.objects.get("ns/web")!.metadata, resourceVersion: "99" },
  });
  t.objects.set("ns/web", t.informer.store.get("ns", "web")!);
  assert.equal((await t.applier.apply(deployment(2))).outcome, "unchanged");
  assert.equal(t.requests.length, 3);
});

Deno.test("applier reports unchanged for a re-send in the second it created the object, after another writer's change", async () => {
  const t = setup();
  assert.equal((await t.applier.apply(deployment(1))).outcome, "created");
  // The Deployment controller writes the new object's status at once: the cache holds a newer version.
  t.informer.store.upsert({
    ...t.objects.get("ns/web")!,
    metadata: { ...t.objects.get("ns/web")!.metadata, resourceVersion: "99" },
  });
  t.objects.set("ns/web", t.informer.store.get("ns", "web")!);
  t.tick(300);
  assert.equal((await t.applier.apply(deployment(1))).outcome, "unchanged", "an Updated event for no change");
  assert.equal(t.requests.length, 2);
});

Deno.test("a fresh applier (a restarted runner) in the second another one created the object reports no creation", async () => {
  const t = setup();
  assert.equal((await t.applier.apply(deployment(1))).outcome, "created");
  t.informer.store.upsert(t.objects.get("ns/web")!); // the cache holds it, as a synced informer would
  const fresh = new Applier(t.client, { fieldManager: "thv-test", cache: t.cache, now: t.now });
  t.tick(200);
  assert.equal((await fresh.apply(deployment(1))).outcome, "unchanged");
  t.tick(200);
  const another = new Applier(t.client, { fieldManager: "thv-test", cache: t.cache, now: t.now });
  assert.equal((await another.apply(deployment(2))).outcome, "updated");
});

Deno.test("applier applies again when the object vanished from the cache, and after delete", async () => {
  const t = setup();
  await t.applier.apply(deployment(1));
  t.informer.store.remove(deployment(1));
  t.objects.clear();
  t.tick(5_000);
  assert.equal((await t.applier.apply(deployment(1))).outcome, "updated", "re-created in a later pass");
  assert.equal(t.requests.length, 2);
  assert.equal(t.applier.hasApplied({ apiVersion: "apps/v1", kind: "Deployment", namespace: "ns", name: "web" }), true);
  await t.applier.delete({ apiVersion: "apps/v1", kind: "Deployment", namespace: "ns", name: "web" });
  assert.equal(
    t.applier.hasApplied({ apiVersion: "apps/v1", kind: "Deployment", namespace: "ns", name: "web" }),
    false,
  );
});

Deno.test("applier refuses an object without a name", async () => {
  const t = setup();
  await assert.rejects(t.applier.apply({ apiVersion: "v1", kind: "ConfigMap", metadata: {} }), TypeError);
});
