/**
 * Starting a workload's proxy as a detached process: `thv start <name> --foreground` in a session of its own
 * (so closing the terminal does not end it), its output appended to the workload's log file, and no link to
 * the process that started it. Then waiting until it says it runs, or fails: woken by the change of its
 * status file and by its exit, so the URL is handed out the moment it is recorded (docs/decisions/014-start-up.md).
 * @module
 */
import { sleepUnlessAborted } from "../async/mod.ts";
import type { StatusStore } from "../state/mod.ts";

/** How to start the detached proxy. */
export interface DetachOptions {
  /** The command line that runs thv itself (the `deno run … main.ts` prefix, or the compiled binary). */
  readonly self: readonly string[];
  /** The log file the process appends to (created mode 0600). */
  readonly logFile: string;
  /** Global flags to pass on (e.g. `--debug`). */
  readonly flags?: readonly string[];
  /** Environment of the process. */
  readonly env?: Readonly<Record<string, string>>;
}

/** A proxy process that {@linkcode spawnDetached} started. */
export interface DetachedProxy {
  /** Its PID: the proxy's own (sh and setsid exec it), leading a process group of its own. */
  readonly pid: number;
  /** Resolves when it exits (seen by this process, its parent, without asking `ps`). */
  readonly exited: Promise<void>;
}

/** Starts `thv start <name> --foreground` detached. */
export async function spawnDetached(name: string, options: DetachOptions): Promise<DetachedProxy> {
  await Deno.mkdir(options.logFile.slice(0, options.logFile.lastIndexOf("/")), { recursive: true, mode: 0o700 });
  const file = await Deno.open(options.logFile, { create: true, append: true, mode: 0o600 });
  file.close();
  // sh redirects and execs setsid, which (not being a group leader) calls setsid(2) and execs thv: the PID
  // we get is the proxy's own, and it leads a process group of its own, which its servers join.
  const child = new Deno.Command("/bin/sh", {
    args: [
      "-c",
      // Without setsid(1) (macOS), the proxy at least ignores the terminal's hangup.
      'log=$1; shift; exec >>"$log" 2>&1 </dev/null; command -v setsid >/dev/null && exec setsid "$@"; trap "" HUP; exec "$@"',
      "sh",
      options.logFile,
      ...options.self,
      ...(options.flags ?? []),
      "start",
      name,
      "--foreground",
    ],
    env: { ...options.env },
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  child.unref(); // its exit is awaited while thv waits for it, but never keeps thv alive
  return { pid: child.pid, exited: child.status.then(() => {}) };
}

/** The last non-empty line of a log file, for an error message. */
async function lastLogLine(logFile: string): Promise<string> {
  const text = await Deno.readTextFile(logFile).catch(() => "");
  // The proxy's one-line error, without its own `thv: ` prefix.
  return (text.trimEnd().split("\n").at(-1) ?? "").replace(/^thv: /, "");
}

/** How often the status file is read when no change of its folder was seen (a safety net for lost events). */
const RECHECK_MS = 250;

/** A promise for the next change in `dir` (renewed by `next()`), or none where the folder cannot be watched. */
function folderChanges(dir: string): { next(): Promise<void>; close(): void } {
  let watcher: Deno.FsWatcher | undefined;
  try {
    watcher = Deno.watchFs(dir, { recursive: false });
  } catch {
    return { next: () => new Promise(() => {}), close: () => {} }; // RECHECK_MS polling only
  }
  let change = Promise.withResolvers<void>();
  void (async () => {
    try {
      for await (const _ of watcher) change.resolve();
    } catch {
      // closed, or the folder went away: the recheck timer still runs
    }
  })();
  return {
    next() {
      change = Promise.withResolvers<void>();
      return change.promise;
    },
    close: () => watcher.close(),
  };
}

/**
 * Waits until the proxy `proxy` of `name` records `running`; returns its URL (and a warning when the server
 * did not answer yet) or throws why it failed. `statusDir` is the folder of the status files, watched so that
 * the record is read as soon as it is written; the proxy's exit ends the wait at once.
 */
export async function waitUntilRunning(
  name: string,
  options: {
    proxy: DetachedProxy;
    statuses: StatusStore;
    statusDir: string;
    logFile: string;
    timeoutMs?: number;
    signal?: AbortSignal;
  },
): Promise<{ url: string; warning: string }> {
  const { proxy, signal } = options;
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  let exited = false;
  const exit = proxy.exited.then(() => void (exited = true));
  await Deno.mkdir(options.statusDir, { recursive: true, mode: 0o700 }); // as the store makes it: watchable now
  const changes = folderChanges(options.statusDir);
  try {
    for (;;) {
      const changed = changes.next(); // before the read, so that a write during it is not missed
      const record = await options.statuses.load(name);
      if (record?.process_id === proxy.pid) {
        if (record.status === "running" && record.url) return { url: record.url, warning: record.status_context };
        if (record.status === "error") throw new Error(record.status_context);
      }
      if (exited) {
        const line = await lastLogLine(options.logFile);
        throw new Error(line ? `The proxy of ${name} failed: ${line}` : `The proxy of ${name} exited while starting`);
      }
      if (signal?.aborted) throw new Error(`Stopped while ${name} was starting`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`The proxy of ${name} did not start in time: see thv logs ${name} --proxy`);
      const woken = new AbortController();
      const stop = () => woken.abort();
      signal?.addEventListener("abort", stop, { once: true });
      try {
        await Promise.race([changed, exit, sleepUnlessAborted(Math.min(RECHECK_MS, left), woken.signal)]);
      } finally {
        signal?.removeEventListener("abort", stop);
        woken.abort(); // no timer outlives the wait: thv exits as soon as it has printed the URL
      }
    }
  } finally {
    changes.close();
  }
}
