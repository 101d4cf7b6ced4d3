/**
 * The proxy process of a detached workload, seen from outside: is it alive, and is it still ours (a PID can
 * be reused by an unrelated process after ours died).
 * @module
 */

/**
 * Whether process `pid` is alive and its command line contains every string of `marks` (for example the
 * workload's name). On systems without /proc it falls back to `kill -0`, which cannot see reuse.
 */
export async function processAlive(pid: number, marks: readonly string[] = []): Promise<boolean> {
  try {
    const cmdline = (await Deno.readTextFile(`/proc/${pid}/cmdline`)).split("\0");
    const stat = await Deno.readTextFile(`/proc/${pid}/stat`);
    // A zombie (state Z) has exited; only its parent has not collected it yet.
    if (/^\d+ \(.*\) Z/s.test(stat)) return false;
    return marks.every((mark) => cmdline.includes(mark));
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    const { success } = await new Deno.Command("kill", { args: ["-0", String(pid)], stderr: "null" }).output();
    return success;
  }
}

/** Sends `signal` to `pid`; false when the process is already gone. */
export function signalProcess(pid: number, signal: Deno.Signal): boolean {
  try {
    Deno.kill(pid, signal);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound || /ESRCH|No such process/.test((e as Error).message)) return false;
    throw e;
  }
}

/** Resolves true once `alive()` turns false, polling every `intervalMs`; false when `timeoutMs` passes first. */
export async function waitUntilGone(
  alive: () => Promise<boolean>,
  options: { timeoutMs: number; intervalMs?: number },
): Promise<boolean> {
  const deadline = Date.now() + options.timeoutMs;
  while (await alive()) {
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 50));
  }
  return true;
}
