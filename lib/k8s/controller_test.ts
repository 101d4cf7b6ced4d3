import assert from "node:assert/strict";
import { pollUntil } from "../async/mod.ts";
import { createLogger } from "../log.ts";
import { FakeSource, obj } from "./_fake_source.ts";
import { InformerCache } from "./cache.ts";
import { controller, type ReconcileOutcome, type Reconciler } from "./controller.ts";
import { TerminalError } from "./errors.ts";
import { Informer } from "./informer.ts";

const log = createLogger({ format: "text", level: "error", write: () => {} });
const PARENT = { apiVersion: "example.dev/v1", kind: "Parent", plural: "parents" };
const CHILD = { apiVersion: "apps/v1", kind: "Child", plural: "children" };
const REF = { apiVersion: "v1", kind: "Secret", plural: "secrets" };

/** Three informers over fake sources, a controller over them, and a log of reconciled keys and outcomes. */
function setup(reconciler: Reconciler, options: { resyncMs?: number; workers?: number } = {}) {
  const sources = { parent: new FakeSource(), child: new FakeSource(), ref: new FakeSource() };
  const cache = new InformerCache();
  const informers = [
    new Informer({ kind: PARENT, sources: [sources.parent], log }),
    new Informer({ kind: CHILD, sources: [sources.child], log }),
    new Informer({ kind: REF, sources: [sources.ref], log }),
  ];
  for (const i of informers) cache.add(i);
  informers[0]!.store.addIndex(
    "refs",
    (o) => ((o.refs as string[] | undefined) ?? []).map((r) => `${o.metadata?.namespace}/${r}`),
  );
  const outcomes: ReconcileOutcome[] = [];
  const c = controller({
    name: "test",
    for: PARENT,
    owns: [CHILD],
    watches: [{
      kind: REF,
      map: (secret, cache) =>
        cache.informer(PARENT).store.byIndex("refs", `${secret.metadata?.namespace}/${secret.metadata?.name}`)
          .map((p) => `${p.metadata?.namespace}/${p.metadata?.name}`),
    }],
    workers: options.workers ?? 2,
    queue: { retryMinMs: 1, retryMaxMs: 5 },
    ...(options.resyncMs ? { resyncMs: options.resyncMs } : {}),
  }, reconciler);
  const stop = new AbortController();
  const running = Promise.all([
    c.run(stop.signal, { cache, log, onReconciled: (_, outcome) => outcomes.push(outcome) }),
    ...informers.map((i) => i.run(stop.signal)),
  ]);
  return {
    sources,
    outcomes,
    /** Resolves once every informer watches. */
    ready: () => Promise.all(Object.values(sources).map((s) => s.watching())),
    controller: c,
    async [Symbol.asyncDispose]() {
      stop.abort();
      await running;
    },
  };
}

const until = (check: () => boolean, what: string) => pollUntil(check, { deadline: 10_000, interval: 2, what });

Deno.test("controller reconciles each object of its kind, with a reconcile id and scoped request", async () => {
  const seen: string[] = [];
  const ids = new Set<string>();
  await using t = setup((req) => {
    seen.push(`${req.namespace}/${req.name}`);
    ids.add(req.id);
    return Promise.resolve();
  });
  await t.ready();
  t.sources.parent.put(obj("ns", "p1", PARENT));
  t.sources.parent.put(obj("ns", "p2", PARENT));
  await until(() => seen.length === 2, "two reconciles");
  assert.deepEqual(seen.sort(), ["ns/p1", "ns/p2"]);
  assert.equal(ids.size, 2, "one id per pass");
});

Deno.test("controller enqueues the owner of an owned object, and nothing for an object without one", async () => {
  const seen: string[] = [];
  await using t = setup((req) => (seen.push(req.name), Promise.resolve()));
  await t.ready();
  t.sources.child.put(obj("ns", "orphan", CHILD));
  t.sources.child.put(obj("ns", "kid", {
    ...CHILD,
    metadata: { ownerReferences: [{ apiVersion: "example.dev/v1", kind: "Parent", name: "mom" }] },
  }));
  t.sources.child.put(obj("ns", "other", {
    ...CHILD,
    metadata: { ownerReferences: [{ apiVersion: "other.dev/v1", kind: "Parent", name: "stranger" }] },
  }));
  await until(() => seen.includes("mom"), "the owner's reconcile");
  assert.deepEqual(seen, ["mom"], "only an owner of the for kind, by group too");
});

Deno.test("controller maps a watched object to the objects that reference it through an index", async () => {
  const seen: string[] = [];
  await using t = setup((req) => (seen.push(req.name), Promise.resolve()));
  await t.ready();
  t.sources.parent.put(obj("ns", "user", { ...PARENT, refs: ["token"] }));
  t.sources.parent.put(obj("ns", "bystander", { ...PARENT, refs: ["other"] }));
  await until(() => seen.length === 2, "the first reconciles");
  t.sources.ref.put(obj("ns", "token", REF));
  await until(() => seen.length === 3, "the reconcile of the referrer");
  assert.equal(seen[2], "user");
  t.sources.ref.delete(obj("ns", "token", REF));
  await until(() => seen.length === 4, "the reconcile after the delete");
  assert.equal(seen[3], "user");
});

Deno.test("controller deduplicates a key: events during a pass make one more pass, never a concurrent one", async () => {
  let running = 0;
  let most = 0;
  let passes = 0;
  const release = Promise.withResolvers<void>();
  const entered = Promise.withResolvers<void>();
  await using t = setup(async () => {
    running++;
    most = Math.max(most, running);
    passes++;
    entered.resolve();
    await release.promise;
    running--;
  }, { workers: 4 });
  await t.ready();
  t.sources.parent.put(obj("ns", "busy", PARENT));
  await entered.promise;
  for (let i = 0; i < 5; i++) t.sources.parent.put(obj("ns", "busy", { ...PARENT, data: { i: String(i) } }));
  assert.equal(t.controller.queueDepth, 0, "the key is not queued a second time while it is processed");
  release.resolve();
  await until(() => passes === 2 && t.outcomes.length === 2, "the second pass");
  assert.equal(most, 1);
  assert.equal(passes, 2);
});

Deno.test("controller retries a failed pass but not a TerminalError, and honours requeue-after", async () => {
  const calls: Record<string, number> = {};
  await using t = setup((req) => {
    calls[req.name] = (calls[req.name] ?? 0) + 1;
    if (req.name === "flaky" && calls[req.name]! < 3) throw new Error("transient");
    if (req.name === "bad") throw new TerminalError("bad spec");
    if (req.name === "later" && calls[req.name] === 1) return Promise.resolve({ requeueAfterMs: 5 });
    return Promise.resolve();
  });
  await t.ready();
  t.sources.parent.put(obj("ns", "flaky", PARENT));
  t.sources.parent.put(obj("ns", "bad", PARENT));
  t.sources.parent.put(obj("ns", "later", PARENT));
  await until(() => calls.flaky === 3 && calls.later === 2, "the retries and the requeue");
  assert.equal(calls.bad, 1, "a TerminalError is not retried");
  assert.equal(t.outcomes.filter((o) => o === "terminal").length, 1);
  assert.equal(t.outcomes.filter((o) => o === "error").length, 2);
});

Deno.test("controller resyncs every object of its kind periodically", async () => {
  const seen: string[] = [];
  await using t = setup((req) => (seen.push(req.name), Promise.resolve()), { resyncMs: 5 });
  await t.ready();
  t.sources.parent.put(obj("ns", "steady", PARENT));
  await until(() => seen.length >= 3, "resyncs");
  assert.ok(seen.every((n) => n === "steady"));
});
