/**
 * The informers of a manager, one per kind, shared by its controllers: where reconcilers read objects, and
 * where the answers to their own writes go so the next read sees them.
 * @module
 */
import type { Informer } from "./informer.ts";
import { type Kind, kindKey, type KubeObject } from "./object.ts";
import type { ListFilter } from "./store.ts";

/** Read access to every informed kind. */
export class InformerCache {
  readonly #informers = new Map<string, Informer<KubeObject>>();

  /** Registers `informer`; one per kind. */
  add(informer: Informer<KubeObject>): void {
    const key = kindKey(informer.kind);
    if (this.#informers.has(key)) throw new RangeError(`An informer of ${key} exists already: share it`);
    this.#informers.set(key, informer);
  }

  /** The informer of `kind`; a RangeError when none was declared. */
  informer<T extends KubeObject = KubeObject>(kind: Pick<Kind, "apiVersion" | "kind">): Informer<T> {
    const informer = this.#informers.get(kindKey(kind));
    if (!informer) throw new RangeError(`No informer of ${kindKey(kind)}: declare it on the manager first`);
    return informer as unknown as Informer<T>;
  }

  /** Every informer. */
  informers(): Informer<KubeObject>[] {
    return [...this.#informers.values()];
  }

  /** The cached object, or undefined. */
  get<T extends KubeObject = KubeObject>(
    kind: Pick<Kind, "apiVersion" | "kind">,
    namespace: string | undefined,
    name: string,
  ): T | undefined {
    return this.informer<T>(kind).store.get(namespace, name);
  }

  /** Cached objects of `kind` that match `filter`. */
  list<T extends KubeObject = KubeObject>(kind: Pick<Kind, "apiVersion" | "kind">, filter: ListFilter = {}): T[] {
    return this.informer<T>(kind).store.list(filter);
  }

  /** Puts the answer to our own write into its kind's cache (ignored for kinds not informed about). */
  observe(object: { readonly apiVersion?: string; readonly kind?: string } | undefined): void {
    if (!object?.apiVersion || !object.kind) return;
    this.#informers.get(kindKey({ apiVersion: object.apiVersion, kind: object.kind }))?.observe(object as KubeObject);
  }
}
