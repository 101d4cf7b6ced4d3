/**
 * Polling with a deadline, for state that settles asynchronously (published OpenAPI, RBAC caches).
 * @module
 */

/**
 * Calls `check` every `intervalMs` until it returns a value other than `undefined`, and returns that value;
 * rejects with `Timed out waiting for <what>` and the last error after `deadlineMs`.
 */
export async function poll<T>(
  check: () => Promise<T | undefined>,
  options: { what: string; deadlineMs?: number; intervalMs?: number },
): Promise<T> {
  const deadline = Date.now() + (options.deadlineMs ?? 30_000);
  let last: unknown;
  while (true) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (e) {
      last = e;
    }
    if (Date.now() >= deadline) {
      const detail = last instanceof Error ? `: ${last.message}` : "";
      throw new Error(`Timed out waiting for ${options.what}${detail}`, { cause: last });
    }
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 200));
  }
}
