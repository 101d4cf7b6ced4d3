/**
 * `delay`: a timer that shutdown can cut short.
 * @module
 */

/**
 * Resolves after `ms` milliseconds; rejects with `signal.reason` as soon as `signal` aborts (at once when it
 * already has), and clears its timer, so no wait outlives shutdown.
 * @example
 * ```ts
 * await delay(200, { signal });
 * ```
 */
export function delay(ms: number, options: { readonly signal?: AbortSignal } = {}): Promise<void> {
  const { signal } = options;
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * Like {@linkcode delay}, but resolves `false` instead of rejecting when `signal` aborts (`true` when the
 * time passed): for loops that end on shutdown rather than throw.
 */
export async function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<boolean> {
  try {
    await delay(ms, { signal });
    return true;
  } catch (e) {
    if (signal.aborted) return false;
    throw e;
  }
}
