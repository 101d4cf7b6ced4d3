/**
 * `controller({ for, owns, watches }, reconciler)`: turns changes to the cached objects into `namespace/name`
 * keys of the `for` kind on one deduplicating, rate-limited queue, and reconciles them with N workers, never
 * one key on two at once. An owned object enqueues its owner (ownerReference); a watched object enqueues
 * whatever its `map` returns (usually found through an index of the `for` kind). A reconciler returns a
 * requeue-after, throws a {@linkcode TerminalError} (logged, counted, not retried), or throws anything else
 * (retried with backoff). Every log line of a pass carries its reconcile id.
 * @module
 */
import type { Logger } from "../log.ts";
import type { InformerCache } from "./cache.ts";
import { TerminalError } from "./errors.ts";
import { type Kind, type KubeObject, objectKey, ownerKey } from "./object.ts";
import { WorkQueue, type WorkQueueOptions } from "./queue.ts";

/** One key to reconcile. */
export interface ReconcileRequest {
  /** Namespace of the object. */
  readonly namespace: string;
  /** Name of the object. */
  readonly name: string;
  /** Id of this pass, in every log line of it. */
  readonly id: string;
  /** Logger scoped to the kind, object and pass. */
  readonly log: Logger;
  /** Aborts on shutdown. */
  readonly signal: AbortSignal;
}

/** What the controller does after a pass that did not throw. */
export interface ReconcileResult {
  /** Reconcile again after this many milliseconds. */
  readonly requeueAfterMs?: number;
}

/** Reconciles one key. */
export type Reconciler = (request: ReconcileRequest) => Promise<ReconcileResult | void>;

/** A kind whose objects map to keys of the `for` kind. */
export interface WatchSpec {
  /** The watched kind (its informer must be declared). */
  readonly kind: Pick<Kind, "apiVersion" | "kind">;
  /** The `namespace/name` keys an object of the kind concerns. */
  readonly map: (object: KubeObject, cache: InformerCache) => Iterable<string>;
}

/** What a controller reconciles, and what else makes it reconcile. */
export interface ControllerSpec {
  /** Name, in logs. */
  readonly name: string;
  /** The reconciled kind. */
  readonly for: Pick<Kind, "apiVersion" | "kind">;
  /** Kinds whose objects enqueue their owner of the `for` kind. */
  readonly owns?: readonly Pick<Kind, "apiVersion" | "kind">[];
  /** Kinds whose objects enqueue what `map` returns. */
  readonly watches?: readonly WatchSpec[];
  /** Workers (default 4). */
  readonly workers?: number;
  /** Period after which every object of the `for` kind is reconciled again; absent: never. */
  readonly resyncMs?: number;
  /** Retry spacing. */
  readonly queue?: WorkQueueOptions;
}

/** How one pass ended. */
export type ReconcileOutcome = "success" | "error" | "terminal";

/** How a controller runs. */
export interface ControllerRunOptions {
  /** Where the objects are. */
  readonly cache: InformerCache;
  /** Logger. */
  readonly log: Logger;
  /** Called after every pass. */
  readonly onReconciled?: (seconds: number, outcome: ReconcileOutcome) => void;
}

/** A declared controller; the manager runs it. */
export interface Controller {
  /** Its spec. */
  readonly spec: ControllerSpec;
  /** Keys waiting. */
  readonly queueDepth: number;
  /** Wires the informers' changes to the queue (before they run), waits for them to sync, then reconciles. */
  run(signal: AbortSignal, options: ControllerRunOptions): Promise<void>;
}

const reconcileId = () => crypto.randomUUID().slice(0, 8);

/** Declares a controller (see the module docs); it does nothing until run. */
export function controller(spec: ControllerSpec, reconciler: Reconciler): Controller {
  let queue: WorkQueue | undefined;
  return {
    spec,
    get queueDepth() {
      return queue?.length ?? 0;
    },
    async run(signal, options) {
      const { cache } = options;
      const q = queue = new WorkQueue(spec.queue);
      const primary = cache.informer(spec.for);
      primary.onChange((change) => q.add(objectKey(change.object)));
      for (const kind of spec.owns ?? []) {
        cache.informer(kind).onChange((change) => {
          const owner = ownerKey(change.object, spec.for);
          if (owner) q.add(owner);
        });
      }
      for (const watch of spec.watches ?? []) {
        cache.informer(watch.kind).onChange((change) => {
          for (const key of watch.map(change.object, cache)) q.add(key);
          // An update that changed what it maps to concerns the old keys too.
          if (change.type === "update") { for (const key of watch.map(change.old, cache)) q.add(key); }
        });
      }
      const kinds = [spec.for, ...(spec.owns ?? []), ...(spec.watches ?? []).map((w) => w.kind)];
      const stop = () => q.close();
      signal.addEventListener("abort", stop, { once: true });
      let resync: ReturnType<typeof setInterval> | undefined;
      try {
        await Promise.race([
          Promise.all(kinds.map((k) => cache.informer(k).whenSynced())),
          new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true })),
        ]);
        if (signal.aborted) return;
        if (spec.resyncMs) {
          resync = setInterval(() => {
            for (const key of primary.store.keys()) q.add(key);
          }, spec.resyncMs);
        }
        const worker = async () => {
          while (true) {
            const key = await q.get();
            if (key === undefined) return;
            await reconcileOne(key);
          }
        };
        await Promise.all(Array.from({ length: spec.workers ?? 4 }, worker));
      } finally {
        clearInterval(resync);
        signal.removeEventListener("abort", stop);
        q.close();
      }

      async function reconcileOne(key: string): Promise<void> {
        const slash = key.indexOf("/");
        const namespace = key.slice(0, slash);
        const name = key.slice(slash + 1);
        const id = reconcileId();
        const log = options.log.with({ controller: spec.name, kind: spec.for.kind, namespace, name, reconcileID: id });
        const started = performance.now();
        let outcome: ReconcileOutcome = "success";
        try {
          const result = await reconciler({ namespace, name, id, log, signal });
          q.forget(key);
          if (result?.requeueAfterMs !== undefined) q.addAfter(key, result.requeueAfterMs);
        } catch (e) {
          if (e instanceof TerminalError) {
            outcome = "terminal";
            q.forget(key);
            log.error("Reconcile failed, not retrying", { error: e.message });
          } else {
            outcome = "error";
            const retryInMs = q.retry(key);
            log.error("Reconcile failed", { error: (e as Error).message, retryInMs });
          }
        } finally {
          options.onReconciled?.((performance.now() - started) / 1000, outcome);
          q.done(key);
        }
      }
    },
  };
}
