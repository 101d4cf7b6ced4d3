/**
 * An informer: lists a kind, then watches it from the listed version, into a {@linkcode Store}, and tells
 * its handlers what changed. When the watch expires (410 Gone) it lists again and deletes what vanished in
 * between, with a delete event for each; other failures back off (lib/async) and resume. A transform keeps
 * only what reconciles read, so the cache stays small.
 * @module
 */
import { backoff, type BackoffOptions, sleepUnlessAborted } from "../async/mod.ts";
import type { Logger } from "../log.ts";
import type { ListWatch } from "./list_watch.ts";
import type { Kind, KubeObject } from "./object.ts";
import { Store, type StoreChange } from "./store.ts";

/** Options of an {@linkcode Informer}. */
export interface InformerOptions<T extends KubeObject> {
  /** The kind informed about. */
  readonly kind: Kind;
  /** One source per namespace watched (or one for the whole cluster). */
  readonly sources: readonly ListWatch[];
  /** Turns each listed or watched object into what is cached (default: as it came). */
  readonly transform?: (object: KubeObject) => T;
  /** Where restarts and failures are logged. */
  readonly log: Logger;
  /** Delays between failed attempts (default 200 ms to 10 s, ±20 %). */
  readonly backoff?: BackoffOptions;
}

/** Hears every change the informer makes to its store. */
export type ChangeHandler<T> = (change: StoreChange<T>) => void;

const DEFAULT_BACKOFF: BackoffOptions = { min: 200, max: 10_000, jitter: 0.2 };

/** Lists and watches one kind into a cache. */
export class Informer<T extends KubeObject = KubeObject> {
  /** The kind informed about. */
  readonly kind: Kind;
  /** The cache; read it, never write it. */
  readonly store: Store<T> = new Store<T>();
  readonly #o: InformerOptions<T>;
  readonly #handlers: ChangeHandler<T>[] = [];
  readonly #listed = new Set<ListWatch>();
  readonly #synced = Promise.withResolvers<void>();

  /** An informer; nothing is read until {@linkcode Informer.run}. */
  constructor(options: InformerOptions<T>) {
    if (options.sources.length === 0) throw new RangeError(`Informer of ${options.kind.kind}: give it a source`);
    this.kind = options.kind;
    this.#o = options;
  }

  /** Calls `handler` on every change from now on. */
  onChange(handler: ChangeHandler<T>): void {
    this.#handlers.push(handler);
  }

  /** True once every source has been listed. */
  get synced(): boolean {
    return this.#listed.size === this.#o.sources.length;
  }

  /** Resolves once every source has been listed. */
  whenSynced(): Promise<void> {
    return this.#synced.promise;
  }

  /**
   * Puts `object`, the answer to our own write, into the cache at once, so the next reconcile sees it before
   * the watch brings it. It is ignored when the cache holds a newer version, and the watch event of the same
   * version is then no change either. Handlers hear of it only when it carries what another writer changed
   * since the version cached (a deletion, a new generation, other annotations or labels): the watch events of
   * that change are older than the answer now cached, so they would be no change, and the change unheard.
   */
  observe(object: KubeObject): void {
    const change = this.store.upsert(this.#transform(object), { newerOnly: true });
    if (change?.type === "update" && changedByOthers(change.old, change.object)) this.#emit(change);
  }

  /** Lists and watches every source until `signal` aborts. */
  async run(signal: AbortSignal): Promise<void> {
    await Promise.all(this.#o.sources.map((source) => this.#runSource(source, signal)));
  }

  #transform(object: KubeObject): T {
    return this.#o.transform ? this.#o.transform(object) : object as T;
  }

  #emit(change: StoreChange<T> | undefined): void {
    if (!change) return;
    for (const handler of this.#handlers) handler(change);
  }

  async #runSource(source: ListWatch, signal: AbortSignal): Promise<void> {
    const log = this.#o.log.with({ watch: source.description });
    const retry = backoff(this.#o.backoff ?? DEFAULT_BACKOFF);
    const inScope = (o: T) => source.namespace === undefined || o.metadata?.namespace === source.namespace;
    let version: string | undefined;
    while (!signal.aborted) {
      try {
        if (version === undefined) {
          const listed = await source.list(signal);
          const changes = this.store.replace(listed.items.map((o) => this.#transform(o)), inScope);
          for (const change of changes) this.#emit(change);
          version = listed.resourceVersion;
          this.#listed.add(source);
          if (this.synced) this.#synced.resolve();
        }
        const end = await source.watch(version, {
          onEvent: (event) => {
            version = event.object.metadata?.resourceVersion ?? version;
            if (event.type === "BOOKMARK") return;
            // newerOnly: an event older than the cache can only follow an observe() of our own later write.
            this.#emit(
              event.type === "DELETED"
                ? this.store.remove(event.object)
                : this.store.upsert(this.#transform(event.object), { newerOnly: true }),
            );
          },
          onEstablished: () => retry.reset(),
        }, signal);
        if (signal.aborted) break;
        if (end.gone) {
          log.debug("Watch expired, listing again");
          version = undefined;
        } else if (end.error) {
          throw end.error;
        }
      } catch (e) {
        if (signal.aborted) break;
        const status = (e as { statusCode?: number; code?: number }).statusCode ?? (e as { code?: number }).code;
        const waitMs = retry.next();
        // 429 is expected while a new resource's watch cache initializes; anything else is worth a warning.
        (status === 429 ? log.debug : log.warn)("Watch failed, retrying", {
          error: (e as Error).message,
          retryInMs: waitMs,
        });
        if (!await sleepUnlessAborted(waitMs, signal)) break;
      }
    }
  }
}

/** Whether `next` differs from `previous` in what our status and finalizer writes never change. */
function changedByOthers(previous: KubeObject, next: KubeObject): boolean {
  const a = previous.metadata ?? {};
  const b = next.metadata ?? {};
  return a.deletionTimestamp !== b.deletionTimestamp || a.generation !== b.generation ||
    JSON.stringify(a.annotations ?? {}) !== JSON.stringify(b.annotations ?? {}) ||
    JSON.stringify(a.labels ?? {}) !== JSON.stringify(b.labels ?? {});
}
