/**
 * `backoff`: exponential delays between retries, with jitter, that start over after a success.
 * @module
 */

/** How delays grow. */
export interface BackoffOptions {
  /** First delay in milliseconds. */
  readonly min: number;
  /** Largest delay in milliseconds. */
  readonly max: number;
  /** Growth per attempt (default 2). */
  readonly factor?: number;
  /** Random spread as a fraction of each delay, 0 to 1 (default 0): 0.2 gives ±20 %. */
  readonly jitter?: number;
  /** Random source in [0, 1), for tests (default `Math.random`). */
  readonly random?: () => number;
}

/** A sequence of growing delays. */
export interface Backoff {
  /** The delay before the next attempt; each call grows the following one. */
  next(): number;
  /** Starts over at `min` (after a success). */
  reset(): void;
}

/**
 * A {@linkcode Backoff}: `min`, `min·factor`, `min·factor²`… capped at `max`, each spread by `jitter`.
 * @example
 * ```ts
 * const retry = backoff({ min: 200, max: 10_000, jitter: 0.2 });
 * await delay(retry.next(), { signal });
 * ```
 */
export function backoff(options: BackoffOptions): Backoff {
  const { min, max } = options;
  const factor = options.factor ?? 2;
  const jitter = options.jitter ?? 0;
  const random = options.random ?? Math.random;
  if (!(min >= 0) || !(max >= min)) throw new RangeError(`Invalid backoff: need 0 <= min <= max, got ${min}, ${max}`);
  if (!(factor >= 1)) throw new RangeError(`Invalid backoff factor ${factor}: use 1 or more`);
  if (!(jitter >= 0 && jitter <= 1)) throw new RangeError(`Invalid backoff jitter ${jitter}: use 0 to 1`);
  let current = min;
  return {
    next() {
      const base = current;
      current = Math.min(current * factor, max);
      const spread = base * jitter * (random() * 2 - 1);
      return Math.max(0, Math.min(max, Math.round(base + spread)));
    },
    reset() {
      current = min;
    },
  };
}
