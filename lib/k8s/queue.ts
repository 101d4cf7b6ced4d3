/**
 * A controller's work queue, keyed `namespace/name`: a key is queued at most once; a key added while it is
 * being processed is processed again afterwards (never by two workers at once); retries are rate-limited by a
 * per-key exponential backoff.
 * @module
 */

/** How retries of one key are spaced. */
export interface WorkQueueOptions {
  /** Delay after the first failure, ms (default 200). */
  readonly retryMinMs?: number;
  /** Largest delay, ms (default 60 000). */
  readonly retryMaxMs?: number;
}

/** A deduplicating, delayed-retry work queue. */
export class WorkQueue {
  readonly #retryMinMs: number;
  readonly #retryMaxMs: number;
  #queue: string[] = [];
  #queued = new Set<string>();
  #processing = new Set<string>();
  #dirty = new Set<string>();
  #failures = new Map<string, number>();
  #timers = new Map<string, ReturnType<typeof setTimeout>>();
  #waiters: Array<(key: string | undefined) => void> = [];
  #closed = false;

  /** An empty queue. */
  constructor(options: WorkQueueOptions = {}) {
    this.#retryMinMs = options.retryMinMs ?? 200;
    this.#retryMaxMs = options.retryMaxMs ?? 60_000;
  }

  /** Queues `key` unless it is already queued. */
  add(key: string): void {
    if (this.#closed) return;
    if (this.#processing.has(key)) {
      this.#dirty.add(key);
      return;
    }
    if (this.#queued.has(key)) return;
    const waiter = this.#waiters.shift();
    if (waiter) {
      this.#processing.add(key);
      waiter(key);
      return;
    }
    this.#queued.add(key);
    this.#queue.push(key);
  }

  /** Queues `key` after `ms` (a later call for the same key replaces the earlier one). */
  addAfter(key: string, ms: number): void {
    if (this.#closed) return;
    clearTimeout(this.#timers.get(key));
    this.#timers.set(
      key,
      setTimeout(() => {
        this.#timers.delete(key);
        this.add(key);
      }, ms),
    );
  }

  /** Queues `key` again after a delay that doubles with each consecutive failure (200 ms to 60 s by default). */
  retry(key: string): number {
    const failures = (this.#failures.get(key) ?? 0) + 1;
    this.#failures.set(key, failures);
    const delay = Math.min(this.#retryMinMs * 2 ** (failures - 1), this.#retryMaxMs);
    this.addAfter(key, delay);
    return delay;
  }

  /** Clears the failure count of `key` after a success. */
  forget(key: string): void {
    this.#failures.delete(key);
  }

  /** The next key to process; undefined once the queue is closed. */
  get(): Promise<string | undefined> {
    const key = this.#queue.shift();
    if (key !== undefined) {
      this.#queued.delete(key);
      this.#processing.add(key);
      return Promise.resolve(key);
    }
    if (this.#closed) return Promise.resolve(undefined);
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Marks `key` processed; queues it again if it was added meanwhile. */
  done(key: string): void {
    this.#processing.delete(key);
    if (this.#dirty.delete(key)) this.add(key);
  }

  /** Keys waiting (for the queue-depth metric). */
  get length(): number {
    return this.#queue.length;
  }

  /** Stops handing out keys; pending `get()` calls resolve to undefined. */
  close(): void {
    this.#closed = true;
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
    for (const waiter of this.#waiters.splice(0)) waiter(undefined);
  }
}
