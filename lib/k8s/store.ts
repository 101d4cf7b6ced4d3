/**
 * The in-memory cache of one kind, keyed `namespace/name`, with label selection and indexes (functions from
 * an object to the values it is found under, e.g. the Secrets an MCPServer references). An informer fills
 * it; reconcilers only read it.
 * @module
 */
import { isOlderVersion, type KubeObject, objectKey } from "./object.ts";

/** Values an object is found under in one index. */
export type IndexFunction<T extends KubeObject> = (object: T) => readonly string[];

/** Which objects {@linkcode Store.list} returns. */
export interface ListFilter {
  /** Only this namespace. */
  readonly namespace?: string;
  /** Only objects carrying every one of these labels with these values. */
  readonly labels?: Readonly<Record<string, string>>;
}

/** What a write to the store changed. */
export type StoreChange<T> =
  | { readonly type: "add"; readonly object: T }
  | { readonly type: "update"; readonly object: T; readonly old: T }
  | { readonly type: "delete"; readonly object: T };

/** How many deleted uids a store remembers (a write's answer comes within seconds of its delete event). */
const MAX_DELETED = 4096;

/** One kind's objects. */
export class Store<T extends KubeObject = KubeObject> {
  readonly #objects = new Map<string, T>();
  readonly #indexers = new Map<string, IndexFunction<T>>();
  /** index → value → keys. */
  readonly #indexes = new Map<string, Map<string, Set<string>>>();
  /** The uids of objects seen deleted (oldest first), so that a late answer to a write cannot bring one back. */
  readonly #deleted = new Set<string>();

  /** The object `namespace/name`, if cached. */
  get(namespace: string | undefined, name: string): T | undefined {
    return this.#objects.get(`${namespace ?? ""}/${name}`);
  }

  /** Cached objects matching `filter`. */
  list(filter: ListFilter = {}): T[] {
    const labels = Object.entries(filter.labels ?? {});
    const out: T[] = [];
    for (const o of this.#objects.values()) {
      if (filter.namespace !== undefined && o.metadata?.namespace !== filter.namespace) continue;
      if (labels.some(([k, v]) => o.metadata?.labels?.[k] !== v)) continue;
      out.push(o);
    }
    return out;
  }

  /** The keys of every cached object. */
  keys(): string[] {
    return [...this.#objects.keys()];
  }

  /** Number of cached objects. */
  get size(): number {
    return this.#objects.size;
  }

  /** Adds index `name`; objects already cached are indexed at once. */
  addIndex(name: string, index: IndexFunction<T>): void {
    if (this.#indexers.has(name)) throw new RangeError(`Index "${name}" exists already: give it another name`);
    this.#indexers.set(name, index);
    this.#indexes.set(name, new Map());
    for (const [key, o] of this.#objects) this.#index(name, key, o, true);
  }

  /** Objects found under `value` in index `name`. */
  byIndex(name: string, value: string): T[] {
    const index = this.#indexes.get(name);
    if (!index) throw new RangeError(`No index "${name}": add it with addIndex first`);
    return [...index.get(value) ?? []].map((key) => this.#objects.get(key)!).filter((o) => o !== undefined);
  }

  /**
   * Stores `object`; a change when it is new or its resourceVersion differs from the cached one, else undefined
   * (the same version seen twice, e.g. our own write first from its response and then from the watch). An
   * object older than the cached one is ignored when `newerOnly` (a response that lost a race with the watch),
   * and so is one whose deletion the store has seen (the answer to a write that came after the delete event).
   */
  upsert(object: T, options: { readonly newerOnly?: boolean } = {}): StoreChange<T> | undefined {
    const key = objectKey(object);
    const old = this.#objects.get(key);
    const version = object.metadata?.resourceVersion;
    const uid = object.metadata?.uid;
    if (options.newerOnly && uid !== undefined && this.#deleted.has(uid)) return undefined;
    if (old && version !== undefined && old.metadata?.resourceVersion === version) return undefined;
    if (old && options.newerOnly && isOlderVersion(version, old.metadata?.resourceVersion)) return undefined;
    if (old) this.#unindex(key, old);
    this.#objects.set(key, object);
    for (const name of this.#indexers.keys()) this.#index(name, key, object, true);
    return old ? { type: "update", object, old } : { type: "add", object };
  }

  /** Removes the object with the key of `object`; the removed object, or undefined when it was not cached. */
  remove(object: KubeObject): StoreChange<T> | undefined {
    const key = objectKey(object);
    const uid = object.metadata?.uid ?? this.#objects.get(key)?.metadata?.uid;
    if (uid !== undefined) this.#rememberDeleted(uid);
    const old = this.#objects.get(key);
    if (!old) return undefined;
    this.#unindex(key, old);
    this.#objects.delete(key);
    return { type: "delete", object: old };
  }

  /**
   * Replaces every cached object that `inScope` selects by `objects` (a fresh list): the changes, including a
   * delete for each object that vanished since the last list.
   */
  replace(objects: readonly T[], inScope: (object: T) => boolean = () => true): StoreChange<T>[] {
    const changes: StoreChange<T>[] = [];
    const listed = new Set<string>();
    for (const o of objects) {
      listed.add(objectKey(o));
      const change = this.upsert(o);
      if (change) changes.push(change);
    }
    for (const [key, o] of [...this.#objects]) {
      if (listed.has(key) || !inScope(o)) continue;
      const change = this.remove(o);
      if (change) changes.push(change);
    }
    return changes;
  }

  #rememberDeleted(uid: string): void {
    this.#deleted.delete(uid);
    this.#deleted.add(uid);
    if (this.#deleted.size > MAX_DELETED) this.#deleted.delete(this.#deleted.values().next().value!);
  }

  #index(name: string, key: string, object: T, add: boolean): void {
    const index = this.#indexes.get(name)!;
    for (const value of this.#indexers.get(name)!(object)) {
      let keys = index.get(value);
      if (add) {
        if (!keys) index.set(value, keys = new Set());
        keys.add(key);
      } else if (keys) {
        keys.delete(key);
        if (keys.size === 0) index.delete(value);
      }
    }
  }

  #unindex(key: string, object: T): void {
    for (const name of this.#indexers.keys()) this.#index(name, key, object, false);
  }
}
