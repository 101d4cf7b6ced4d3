/**
 * The proxy process of a detached workload, seen from outside: is it alive, and is it still ours (a PID can
 * be reused by an unrelated process after ours died, which its start time gives away). Asks `ps`, which needs
 * no more than the permission to run it (reading another process's /proc entries needs all permissions).
 * @module
 */
import { DeadlineError, pollUntil } from "../async/mod.ts";

/** What `ps` says of a process. */
export interface ProcessInfo {
  /** When it started, as `ps -o lstart` prints it (to the second). */
  readonly started: string;
  /** Whether it has exited and only waits to be collected. */
  readonly zombie: boolean;
}

/** The start time and state of `pid`, or undefined when there is no such process. */
export async function processInfo(pid: number): Promise<ProcessInfo | undefined> {
  const out = await new Deno.Command("ps", {
    args: ["-o", "lstart=,stat=", "-p", String(pid)],
    env: { LC_ALL: "C" },
    stdout: "piped",
    stderr: "null",
  }).output();
  const line = new TextDecoder().decode(out.stdout).trim();
  if (!out.success || !line) return undefined;
  const cut = line.lastIndexOf(" ");
  return { started: line.slice(0, cut).trim(), zombie: line.slice(cut + 1).startsWith("Z") };
}

/** The command line of `pid` as `ps -o args` prints it, or undefined when there is no such process. */
export async function processCommand(pid: number): Promise<string | undefined> {
  const out = await new Deno.Command("ps", {
    args: ["-o", "args=", "-p", String(pid)],
    env: { LC_ALL: "C" },
    stdout: "piped",
    stderr: "null",
  }).output();
  const line = new TextDecoder().decode(out.stdout).trim();
  return out.success && line ? line : undefined;
}

/**
 * Whether two start times `ps -o lstart` printed are one process's. procps computes them as the current time
 * minus the uptime plus the process's start after boot, reading the clock and the uptime one after the
 * other: rounding, and on a busy machine the delay between the two reads, make one process's start come out
 * a second apart between calls. Two seconds are tolerated (a PID freed and taken again that soon after the
 * first start is not a case).
 */
export function sameStart(a: string, b: string): boolean {
  if (a === b) return true;
  const [ta, tb] = [Date.parse(a), Date.parse(b)];
  return Number.isFinite(ta) && Number.isFinite(tb) && Math.abs(ta - tb) <= 2000;
}

/**
 * Whether process `pid` is alive (not a zombie) and, when `started` is given, is the process that started
 * then rather than a later one that got the same PID.
 */
export async function processAlive(pid: number, started?: string): Promise<boolean> {
  const info = await processInfo(pid);
  return info !== undefined && !info.zombie && (!started || sameStart(info.started, started));
}

/** Sends `signal` to `pid` (a negative `pid` is a process group); false when there is none. */
export function signalProcess(pid: number, signal: Deno.Signal): boolean {
  try {
    Deno.kill(pid, signal);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound || /ESRCH|No such process/.test((e as Error).message)) return false;
    throw e;
  }
}

/**
 * Resolves true once `alive()` turns false, polling every `intervalMs`; false when `timeoutMs` passes first.
 * Rejects with the signal's reason when `signal` aborts.
 */
export async function waitUntilGone(
  alive: () => Promise<boolean>,
  options: { readonly timeoutMs: number; readonly intervalMs?: number; readonly signal?: AbortSignal },
): Promise<boolean> {
  try {
    await pollUntil(async () => !(await alive()), {
      deadline: options.timeoutMs,
      interval: options.intervalMs ?? 50,
      ...(options.signal ? { signal: options.signal } : {}),
      what: "the process to end",
    });
    return true;
  } catch (e) {
    if (e instanceof DeadlineError) return false;
    throw e;
  }
}
