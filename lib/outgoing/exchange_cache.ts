/**
 * The exchanged tokens a proxy holds: one per subject token, kept until shortly before it expires, bounded in
 * number (the least recently used goes first), and shared by concurrent requests for the same subject, which
 * wait for one exchange instead of starting one each. A failed exchange is not kept.
 * @module
 */

/** A token the cache keeps, with when it stops being used (epoch milliseconds). */
export interface CachedToken {
  /** The exchanged access token. */
  readonly token: string;
  /** When it is dropped (already less the safety margin). */
  readonly expiresAt: number;
}

/** Options of {@linkcode ExchangeCache}. */
export interface ExchangeCacheOptions {
  /** Most tokens kept (default 1000). */
  readonly maxEntries?: number;
  /** The clock (epoch ms); default `Date.now`. */
  readonly now?: () => number;
}

/** Exchanged tokens by subject token, with single-flight exchanges. */
export class ExchangeCache {
  readonly #entries = new Map<string, CachedToken>();
  readonly #pending = new Map<string, Promise<CachedToken>>();
  readonly #max: number;
  readonly #now: () => number;

  /** An empty cache. */
  constructor(options: ExchangeCacheOptions = {}) {
    this.#max = options.maxEntries ?? 1000;
    if (!Number.isInteger(this.#max) || this.#max < 1) {
      throw new RangeError(`Exchange cache size must be a positive integer, not ${this.#max}`);
    }
    this.#now = options.now ?? Date.now;
  }

  /** How many tokens it holds. */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * The token for `subject`: a cached one that has not expired, else the one `exchange` gives, which every
   * concurrent caller for `subject` shares. A token that expires at once is returned but not kept.
   */
  async get(subject: string, exchange: () => Promise<CachedToken>): Promise<string> {
    const hit = this.#entries.get(subject);
    if (hit) {
      if (hit.expiresAt > this.#now()) {
        // Map order is insertion order: re-inserting marks it most recently used.
        this.#entries.delete(subject);
        this.#entries.set(subject, hit);
        return hit.token;
      }
      this.#entries.delete(subject);
    }
    let pending = this.#pending.get(subject);
    if (!pending) {
      pending = exchange().then((got) => {
        if (got.expiresAt > this.#now()) this.#store(subject, got);
        return got;
      }).finally(() => this.#pending.delete(subject));
      this.#pending.set(subject, pending);
    }
    return (await pending).token;
  }

  #store(subject: string, token: CachedToken): void {
    this.#entries.delete(subject);
    while (this.#entries.size >= this.#max) {
      const oldest = this.#entries.keys().next().value as string;
      this.#entries.delete(oldest);
    }
    this.#entries.set(subject, token);
  }
}
