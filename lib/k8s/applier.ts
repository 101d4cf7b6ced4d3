/**
 * The applier: server-side apply under one field manager that sends nothing when it would send what it sent
 * last time and the cache still holds the version that write produced (so a resync of an unchanged object
 * makes no request), and reports whether an apply created or changed the object, for Events.
 * @module
 */
import { createHash } from "node:crypto";
import type { InformerCache } from "./cache.ts";
import type { KubeClient, ObjectRef } from "./client.ts";
import type { KubeObject } from "./object.ts";

/** What an apply did. */
export type ApplyOutcome = "created" | "updated" | "unchanged";

/** The result of {@linkcode Applier.apply}. */
export interface Applied<T extends KubeObject> {
  /** Created, updated, or left as it was (sent or not). */
  readonly outcome: ApplyOutcome;
  /** The object as the server answered, or as cached when nothing was sent (undefined when not cached). */
  readonly object: T | undefined;
}

/** Options of an {@linkcode Applier}. */
export interface ApplierOptions {
  /** The field manager of every apply. */
  readonly fieldManager: string;
  /** Where live versions are read and the answers of applies go. */
  readonly cache: InformerCache;
  /** Clock (default `new Date()`). */
  readonly now?: () => Date;
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value instanceof Date) return value.toISOString();
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.keys(value).sort().filter((k) => (value as Record<string, unknown>)[k] !== undefined)
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

const keyOf = (ref: { apiVersion?: string; kind?: string; namespace?: string; name?: string }) =>
  `${ref.apiVersion}/${ref.kind}/${ref.namespace ?? ""}/${ref.name}`;

/** Applies objects for one field manager. */
export class Applier {
  readonly #client: KubeClient;
  readonly #o: ApplierOptions;
  /** What the last apply of each object sent (a hash) and the version it produced. */
  readonly #sent = new Map<string, { readonly hash: string; readonly version: string }>();

  /** An applier writing through `client`. */
  constructor(client: KubeClient, options: ApplierOptions) {
    this.#client = client;
    this.#o = options;
  }

  /**
   * Applies `object` unless nothing changed since our last apply of it; the first apply always sends. With
   * `metadataOnly` the object returned is only metadata (enough for the skip, the outcome and the cache of a
   * kind whose cache keeps only metadata).
   */
  async apply<T extends KubeObject>(
    object: T,
    options: { readonly metadataOnly?: boolean } = {},
  ): Promise<Applied<T>> {
    const { apiVersion, kind } = object;
    const name = object.metadata?.name;
    if (!apiVersion || !kind || !name) throw new TypeError("Cannot apply an object without apiVersion, kind and name");
    const namespace = object.metadata?.namespace;
    const key = keyOf({ apiVersion, kind, namespace, name });
    const hash = createHash("sha256").update(JSON.stringify(canonical(object))).digest("base64");
    const live = this.#o.cache.get<T>({ apiVersion, kind }, namespace, name);
    const last = this.#sent.get(key);
    if (last && last.hash === hash && live?.metadata?.resourceVersion === last.version) {
      return { outcome: "unchanged", object: live };
    }
    const passStart = Math.floor((this.#o.now?.() ?? new Date()).getTime() / 1000) * 1000;
    const applied = await this.#client.apply(object as never, this.#o.fieldManager, options) as T;
    const version = applied.metadata?.resourceVersion ?? "";
    this.#sent.set(key, { hash, version });
    this.#o.cache.observe(applied);
    // Created by this apply, or changed by it: worth a log line and an Event. An apply that left the version
    // as the cache had it changed nothing (e.g. re-sent after someone else's write to a field we do not own),
    // also in the second this applier created it (a re-created object has no version in the cache). An object
    // the cache held was not created by this apply, even when another applier created it in the same second.
    const created = live === undefined &&
      new Date(applied.metadata?.creationTimestamp as string ?? 0).getTime() >= passStart;
    const before = live?.metadata?.resourceVersion;
    const outcome: ApplyOutcome = created && last === undefined
      ? "created"
      : version !== before && (last === undefined || last.version !== version)
      ? "updated"
      : "unchanged";
    return { outcome, object: applied };
  }

  /** True when this applier has applied `ref` and not deleted it since. */
  hasApplied(ref: ObjectRef): boolean {
    return this.#sent.has(keyOf(ref));
  }

  /** Deletes `ref` and forgets what was applied to it; false when it did not exist. */
  async delete(ref: ObjectRef): Promise<boolean> {
    this.#sent.delete(keyOf(ref));
    return await this.#client.delete(ref);
  }
}
