/**
 * One lock per workload name, held across processes: the commands that change a workload (run, start, stop,
 * rm) hold it for their whole work, so two of them on one name never interleave. It is an exclusive
 * `flock` on `<locks>/<name>.lock`: the kernel releases it when its holder dies, so a lock left by a killed
 * process holds nobody up. The holder deletes the file on release (nothing is left behind); a waiter that
 * locked a file deleted meanwhile sees that the path no longer leads to its file, and tries again.
 * @module
 */
import { delay, sleepUnlessAborted } from "../async/mod.ts";
import { checkWorkloadName } from "./paths.ts";

/** A held workload lock; releasing it (or disposing of it) lets the next command in. */
export interface WorkloadLock extends AsyncDisposable {
  /** Releases the lock and deletes its file. */
  release(): Promise<void>;
}

/** A lock that another process holds for longer than the caller waits. */
export class WorkloadBusyError extends Error {
  override name = "WorkloadBusyError";
}

/** Options of {@linkcode lockWorkload}. */
export interface LockOptions {
  /** How long to wait for another holder (default 5 minutes: a run may pull an image meanwhile). */
  readonly timeoutMs?: number;
  /** How often to try again while another process holds it (default 50 ms). */
  readonly intervalMs?: number;
  /** Gives up waiting when it aborts (Ctrl-C). */
  readonly signal?: AbortSignal;
}

/** Takes the lock of workload `name` in folder `dir`, waiting while another process holds it. */
export async function lockWorkload(dir: string, name: string, options: LockOptions = {}): Promise<WorkloadLock> {
  const path = `${dir}/${checkWorkloadName(name)}.lock`;
  await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
  const deadline = Date.now() + (options.timeoutMs ?? 300_000);
  for (;;) {
    const file = await Deno.open(path, { read: true, write: true, create: true, mode: 0o600 });
    let held = false;
    try {
      if (await file.tryLock(true)) {
        const [mine, there] = await Promise.all([file.stat(), Deno.stat(path).catch(() => undefined)]);
        if (there?.ino === mine.ino) {
          held = true;
          await file.truncate(0);
          await file.write(new TextEncoder().encode(`${Deno.pid}\n`));
          return heldLock(path, file);
        }
      }
    } finally {
      if (!held) file.close();
    }
    if (options.signal?.aborted) {
      throw new Error(`Stopped while waiting for another thv command to finish with ${name}`);
    }
    if (Date.now() >= deadline) {
      const holder = (await Deno.readTextFile(path).catch(() => "")).trim();
      throw new WorkloadBusyError(
        `Workload ${name} is being changed by another thv command${holder ? ` (pid ${holder})` : ""}: ` +
          "try again once it has finished",
      );
    }
    // Cut short by Ctrl-C, the loop tries once more and then says it stopped.
    const interval = options.intervalMs ?? 50;
    await (options.signal ? sleepUnlessAborted(interval, options.signal) : delay(interval));
  }
}

function heldLock(path: string, file: Deno.FsFile): WorkloadLock {
  let released = false;
  const release = async () => {
    if (released) return;
    released = true;
    // Deleted while still held, so no other process can have locked the file that this path leads to.
    await Deno.remove(path).catch(() => {});
    file.close();
  };
  return { release, [Symbol.asyncDispose]: release };
}
