/**
 * Child processes for test servers: output captured to a log file, a readiness poll with a deadline, and a
 * stop that escalates from SIGTERM to SIGKILL. Every process is also killed when the test process exits.
 * @module
 */

/** A running server process started by {@linkcode startProcess}. */
export interface ServerProcess {
  /** The name used in messages. */
  readonly name: string;
  /** The process ID. */
  readonly pid: number;
  /** Where stdout and stderr go. */
  readonly logPath: string;
  /** Resolves when the process has exited. */
  readonly exited: Promise<Deno.CommandStatus>;
  /** The last lines of the log, for error messages. */
  logTail(lines?: number): Promise<string>;
  /** Sends SIGTERM, then SIGKILL after `graceMs`, and waits for the exit. */
  stop(graceMs?: number): Promise<void>;
}

const live = new Set<Deno.ChildProcess>();
globalThis.addEventListener("unload", () => {
  for (const child of live) {
    try {
      child.kill("SIGKILL");
    } catch { /* already gone */ }
  }
});

/** Starts `command` with stdout and stderr appended to `logPath`. */
export async function startProcess(
  name: string,
  command: string,
  options: { args: string[]; logPath: string; env?: Record<string, string>; cwd?: string },
): Promise<ServerProcess> {
  const log = await Deno.open(options.logPath, { create: true, append: true });
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(command, {
      args: options.args,
      env: options.env,
      cwd: options.cwd,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
  } catch (e) {
    log.close();
    throw new Error(`Cannot start ${name} (${command}): ${(e as Error).message}`, { cause: e });
  }
  live.add(child);
  const encoder = new TextEncoder();
  // Both pipes append to one file; each chunk is written whole, so lines from the two streams do not mix.
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream) await log.write(chunk);
  };
  const pumps = Promise.all([pump(child.stdout), pump(child.stderr)]);
  const exited = child.status.then(async (status) => {
    live.delete(child);
    await pumps.catch(() => {});
    await log.write(encoder.encode(`--- ${name} exited with code ${status.code}\n`)).catch(() => 0);
    log.close();
    return status;
  });
  return {
    name,
    pid: child.pid,
    logPath: options.logPath,
    exited,
    async logTail(lines = 25) {
      const text = await Deno.readTextFile(options.logPath).catch(() => "");
      return text.trimEnd().split("\n").slice(-lines).join("\n");
    },
    async stop(graceMs = 10_000) {
      if (!live.has(child)) {
        await exited;
        return;
      }
      try {
        child.kill("SIGTERM");
      } catch { /* exited meanwhile */ }
      let timer: ReturnType<typeof setTimeout> | undefined;
      const killed = new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          try {
            child.kill("SIGKILL");
          } catch { /* exited meanwhile */ }
          resolve();
        }, graceMs);
      });
      await Promise.race([exited, killed]);
      clearTimeout(timer);
      await exited;
    },
  };
}

/**
 * Polls `check` every `intervalMs` until it returns true; fails when `deadlineMs` passes or `process` exits
 * first, with the process's log tail in the message.
 */
export async function waitUntilReady(
  process: ServerProcess,
  check: () => Promise<boolean>,
  options: { deadlineMs: number; intervalMs?: number; what: string },
): Promise<void> {
  const deadline = Date.now() + options.deadlineMs;
  let exited = false;
  process.exited.then(() => (exited = true));
  while (Date.now() < deadline) {
    if (exited) break;
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 100));
  }
  const why = exited ? "it exited" : `it was not ready within ${options.deadlineMs} ms`;
  throw new Error(`${process.name} failed to become ${options.what}: ${why}. Log tail:\n${await process.logTail()}`);
}
