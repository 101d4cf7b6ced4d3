/**
 * One test cluster per machine: its node address, ports and host state are fixed. A `flock` held by a child
 * process serialises starts; the lock goes with the child, which exits when this process does (its stdin
 * closes), so a crashed run never leaves the lock held.
 * @module
 */

/** The lock file. */
export const LOCK_FILE = "/run/lock/thv-node-cluster.lock";
/** Records the folder of the cluster holding the lock, so the next start can clean up after a crash. */
export const CURRENT_FILE = "/run/lock/thv-node-cluster.current";

/** A held lock; `release` frees it. */
export interface ClusterLock {
  /** Frees the lock. */
  release(): Promise<void>;
}

/** Waits up to `waitMs` for the lock; fails with a message naming the holder's folder when it is not freed. */
export async function acquireClusterLock(waitMs: number): Promise<ClusterLock> {
  await Deno.mkdir("/run/lock", { recursive: true });
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command("flock", {
      args: [
        "-w",
        String(Math.ceil(waitMs / 1000)),
        "-E",
        "75",
        LOCK_FILE,
        "sh",
        "-c",
        "echo locked; exec cat >/dev/null",
      ],
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
  } catch (e) {
    throw new Error("Cannot run flock: install util-linux", { cause: e });
  }
  const reader = child.stdout.getReader();
  const first = await reader.read();
  reader.releaseLock();
  const line = first.value ? new TextDecoder().decode(first.value) : "";
  if (!line.startsWith("locked")) {
    const status = await child.status;
    await child.stdout.cancel().catch(() => {});
    const err = await new Response(child.stderr).text();
    const holder = await Deno.readTextFile(CURRENT_FILE).catch(() => "unknown");
    throw new Error(
      status.code === 75
        ? `Another thv test cluster holds ${LOCK_FILE} (folder ${holder.trim()}) after ${waitMs} ms: wait for it to stop, or stop it`
        : `Cannot take ${LOCK_FILE}: ${err.trim()}`,
    );
  }
  const writer = child.stdin.getWriter();
  let released: Promise<void> | undefined;
  return {
    release: () =>
      released ??= (async () => {
        await writer.close().catch(() => {});
        await child.status;
        await child.stdout.cancel().catch(() => {});
        await child.stderr.cancel().catch(() => {});
      })(),
  };
}
