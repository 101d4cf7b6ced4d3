/**
 * Tokens already validated, so that a client's next calls cost a map lookup: each entry lives until the
 * token expires (or a shorter time, for introspection), and the map holds at most `max` entries, the
 * oldest going first.
 * @module
 */

/** A bounded cache from a token to what validating it gave. */
export class TokenCache<T> {
  readonly #entries = new Map<string, { value: T; until: number }>();
  readonly #max: number;
  readonly #now: () => number;

  /** A cache of at most `max` tokens; `now` is the clock in milliseconds. */
  constructor(max: number, now: () => number = Date.now) {
    this.#max = max;
    this.#now = now;
  }

  /** What `token` gave, while it is still valid. */
  get(token: string): T | undefined {
    const entry = this.#entries.get(token);
    if (!entry) return undefined;
    if (entry.until <= this.#now()) {
      this.#entries.delete(token);
      return undefined;
    }
    return entry.value;
  }

  /** Keeps `value` for `token` until `until` (milliseconds since the epoch). */
  set(token: string, value: T, until: number): void {
    if (until <= this.#now()) return;
    this.#entries.delete(token);
    if (this.#entries.size >= this.#max) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
    this.#entries.set(token, { value, until });
  }

  /** How many tokens it holds. */
  get size(): number {
    return this.#entries.size;
  }
}
