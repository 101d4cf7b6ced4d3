/**
 * `pollUntil`: wait for a condition with a deadline, the positive signal tests and shutdown paths need.
 * @module
 */
import { delay } from "./delay.ts";

/** Thrown by {@linkcode pollUntil} when the deadline passes first. */
export class DeadlineError extends Error {
  override name = "DeadlineError";
}

/** Options of {@linkcode pollUntil}. */
export interface PollOptions {
  /** Milliseconds from now after which polling gives up with a {@linkcode DeadlineError}. */
  readonly deadline: number;
  /** Stops polling; the promise rejects with `signal.reason`. */
  readonly signal?: AbortSignal;
  /** Milliseconds between checks (default 50). */
  readonly interval?: number;
  /** What is awaited, for the error message: `Timed out after 5000 ms waiting for <what>`. */
  readonly what?: string;
}

/**
 * Calls `check` until it returns something other than `undefined`, `null` or `false`, and resolves with that.
 * An error thrown by `check` ends the poll at once. After `deadline` ms it rejects with a {@linkcode DeadlineError}
 * naming `what`.
 * @example
 * ```ts
 * const pod = await pollUntil(() => findReadyPod(), { deadline: 60_000, what: "a ready pod" });
 * ```
 */
export async function pollUntil<T>(
  check: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  options: PollOptions,
): Promise<T> {
  const until = Date.now() + options.deadline;
  const interval = options.interval ?? 50;
  while (true) {
    options.signal?.throwIfAborted();
    const value = await check();
    if (value !== undefined && value !== null && value !== false) return value;
    const left = until - Date.now();
    if (left <= 0) {
      throw new DeadlineError(`Timed out after ${options.deadline} ms waiting for ${options.what ?? "a condition"}`);
    }
    await delay(Math.min(interval, left), options.signal ? { signal: options.signal } : {});
  }
}
