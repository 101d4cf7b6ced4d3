/**
 * For unit tests of the informer and the controller: a list/watch source over objects held in memory, that
 * a test changes with or without telling the open watch (the latter as a watch that missed events would),
 * and whose watch it can expire (410 Gone) or fail.
 * @module
 */
import type { ListResult, ListWatch, WatchEnd, WatchEvent } from "./list_watch.ts";
import { type KubeObject, objectKey } from "./object.ts";

type Handlers = Parameters<ListWatch["watch"]>[1];

/** An in-memory {@linkcode ListWatch}. */
export class FakeSource implements ListWatch {
  readonly description = "fake";
  readonly namespace?: string;
  /** Lists served so far. */
  lists = 0;
  /** Errors the next lists throw, in order. */
  readonly listErrors: Error[] = [];
  #version = 1;
  readonly #objects = new Map<string, KubeObject>();
  #watch?: { handlers: Handlers; end: (end: WatchEnd) => void };
  readonly #watching: Array<() => void> = [];

  /** A source holding `objects`. */
  constructor(objects: KubeObject[] = [], options: { namespace?: string } = {}) {
    if (options.namespace) this.namespace = options.namespace;
    for (const o of objects) this.#put(o);
  }

  #put(object: KubeObject): KubeObject {
    const stored = { ...object, metadata: { ...object.metadata, resourceVersion: String(++this.#version) } };
    this.#objects.set(objectKey(stored), stored);
    return stored;
  }

  /** Creates or changes an object; the open watch hears of it unless `silently`. */
  put(object: KubeObject, options: { silently?: boolean } = {}): KubeObject {
    const existed = this.#objects.has(objectKey(object));
    const stored = this.#put(object);
    if (!options.silently) this.#send({ type: existed ? "MODIFIED" : "ADDED", object: stored });
    return stored;
  }

  /** Deletes an object; the open watch hears of it unless `silently`. */
  delete(object: KubeObject, options: { silently?: boolean } = {}): void {
    const old = this.#objects.get(objectKey(object));
    if (!old) return;
    this.#objects.delete(objectKey(object));
    this.#version++;
    if (!options.silently) this.#send({ type: "DELETED", object: old });
  }

  /** Ends the open watch with 410 Gone. */
  expire(): void {
    this.#watch?.end({ gone: true });
  }

  /** Ends the open watch with an error. */
  fail(error: Error & { statusCode?: number }): void {
    this.#watch?.end({ error });
  }

  /** Resolves once a watch is open. */
  watching(): Promise<void> {
    if (this.#watch) return Promise.resolve();
    return new Promise((resolve) => this.#watching.push(resolve));
  }

  /** Sends `event` to the open watch as it is (e.g. one the source already moved past). */
  deliver(event: WatchEvent): void {
    this.#send(event);
  }

  #send(event: WatchEvent): void {
    this.#watch?.handlers.onEvent(event);
  }

  list(): Promise<ListResult> {
    this.lists++;
    const error = this.listErrors.shift();
    if (error) return Promise.reject(error);
    return Promise.resolve({ items: [...this.#objects.values()], resourceVersion: String(this.#version) });
  }

  watch(_resourceVersion: string, handlers: Handlers, signal: AbortSignal): Promise<WatchEnd> {
    return new Promise((resolve) => {
      const end = (e: WatchEnd) => {
        this.#watch = undefined;
        signal.removeEventListener("abort", onAbort);
        resolve(e);
      };
      const onAbort = () => end({});
      signal.addEventListener("abort", onAbort, { once: true });
      this.#watch = { handlers, end };
      handlers.onEstablished?.();
      for (const w of this.#watching.splice(0)) w();
    });
  }
}

/** A minimal object. */
export function obj(namespace: string, name: string, fields: Partial<KubeObject> = {}): KubeObject {
  return { apiVersion: "v1", kind: "ConfigMap", ...fields, metadata: { namespace, name, ...fields.metadata } };
}
