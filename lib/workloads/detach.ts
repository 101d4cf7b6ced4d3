/**
 * Starting a workload's proxy as a detached process: `thv start <name> --foreground` in a session of its own
 * (so closing the terminal does not end it), its output appended to the workload's log file, and no link to
 * the process that started it. Then waiting until it says it runs, or fails.
 * @module
 */
import { delay, sleepUnlessAborted } from "../async/mod.ts";
import type { StatusStore } from "../state/mod.ts";
import { processAlive } from "./process.ts";

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

/** Starts `thv start <name> --foreground` detached; returns its PID. */
export async function spawnDetached(name: string, options: DetachOptions): Promise<number> {
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
  child.unref();
  return child.pid;
}

/** The last non-empty line of a log file, for an error message. */
async function lastLogLine(logFile: string): Promise<string> {
  const text = await Deno.readTextFile(logFile).catch(() => "");
  // The proxy's one-line error, without its own `thv: ` prefix.
  return (text.trimEnd().split("\n").at(-1) ?? "").replace(/^thv: /, "");
}

/**
 * Waits until the proxy of `name` (process `pid`) records `running`; returns its URL (and a warning when the
 * server did not answer yet) or throws why it failed.
 */
export async function waitUntilRunning(
  name: string,
  options: { pid: number; statuses: StatusStore; logFile: string; timeoutMs?: number; signal?: AbortSignal },
): Promise<{ url: string; warning: string }> {
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  for (;;) {
    const record = await options.statuses.load(name);
    if (record?.process_id === options.pid) {
      if (record.status === "running" && record.url) return { url: record.url, warning: record.status_context };
      if (record.status === "error") throw new Error(record.status_context);
    }
    if (!(await processAlive(options.pid))) {
      const line = await lastLogLine(options.logFile);
      throw new Error(line ? `The proxy of ${name} failed: ${line}` : `The proxy of ${name} exited while starting`);
    }
    if (options.signal?.aborted) throw new Error(`Stopped while ${name} was starting`);
    if (Date.now() > deadline) {
      throw new Error(`The proxy of ${name} did not start in time: see thv logs ${name} --proxy`);
    }
    // Cut short by shutdown, the loop goes round once more and says so.
    await (options.signal ? sleepUnlessAborted(50, options.signal) : delay(50));
  }
}
