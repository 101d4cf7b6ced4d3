/**
 * A stdio MCP server as a child process: one JSON-RPC message per line on stdin and stdout, stderr passed
 * to the log. When it exits it is started again with exponential backoff (200 ms doubling to 10 s, reset
 * after it has run for 30 s).
 * @module
 */
import type { Logger } from "../log.ts";
import { type Message, parseMessage } from "./jsonrpc.ts";

/** How to start the server. */
export interface StdioCommand {
  /** Executable. */
  readonly command: string;
  /** Arguments. */
  readonly args: readonly string[];
  /** Environment of the server; when absent it inherits the proxy's. */
  readonly env?: Readonly<Record<string, string>>;
  /** Working directory. */
  readonly cwd?: string;
}

/** Callbacks of a {@linkcode StdioBackend}. */
export interface StdioBackendEvents {
  /** A message from the server. */
  readonly onMessage: (message: Message) => void;
  /** The server started (again). */
  readonly onUp: () => void;
  /** The server exited or could not start. */
  readonly onDown: (reason: string) => void;
}

const MIN_BACKOFF_MS = 200;
const MAX_BACKOFF_MS = 10_000;
const STABLE_MS = 30_000;
/** Messages that may wait for a server that does not read its stdin before sends are refused. */
const MAX_QUEUED_WRITES = 10_000;

/** A supervised stdio server process. */
export class StdioBackend {
  readonly #cmd: StdioCommand;
  readonly #events: StdioBackendEvents;
  readonly #log: Logger;
  #child: Deno.ChildProcess | undefined;
  #writer: WritableStreamDefaultWriter<Uint8Array> | undefined;
  #stopped = false;
  #backoff = MIN_BACKOFF_MS;
  #restartTimer: ReturnType<typeof setTimeout> | undefined;
  #encoder = new TextEncoder();

  /** Creates the supervisor; {@linkcode StdioBackend.start} starts the process. */
  constructor(cmd: StdioCommand, events: StdioBackendEvents, log: Logger) {
    this.#cmd = cmd;
    this.#events = events;
    this.#log = log;
  }

  /** Whether the process is running. */
  get running(): boolean {
    return this.#child !== undefined;
  }

  /** The process id, while it runs. */
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** Starts the process (and keeps restarting it until {@linkcode StdioBackend.stop}). */
  start(): void {
    if (this.#stopped || this.#child) return;
    let child: Deno.ChildProcess;
    try {
      child = new Deno.Command(this.#cmd.command, {
        args: [...this.#cmd.args],
        ...(this.#cmd.env ? { env: { ...this.#cmd.env }, clearEnv: true } : {}),
        ...(this.#cmd.cwd ? { cwd: this.#cmd.cwd } : {}),
        stdin: "piped",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
    } catch (e) {
      this.#events.onDown(`cannot start ${this.#cmd.command}: ${(e as Error).message}`);
      this.#scheduleRestart();
      return;
    }
    this.#child = child;
    this.#writer = child.stdin.getWriter();
    const startedAt = Date.now();
    this.#log.info("Started MCP server", { command: this.#cmd.command, pid: child.pid });
    this.#readStdout(child.stdout);
    this.#readStderr(child.stderr);
    child.status.then((status) => {
      this.#child = undefined;
      this.#writer = undefined;
      if (Date.now() - startedAt > STABLE_MS) this.#backoff = MIN_BACKOFF_MS;
      const reason = status.signal ? `killed by ${status.signal}` : `exited with code ${status.code}`;
      if (!this.#stopped) this.#log.warn("MCP server stopped", { reason, restartInMs: this.#backoff });
      this.#events.onDown(reason);
      this.#scheduleRestart();
    });
    this.#events.onUp();
  }

  #scheduleRestart(): void {
    if (this.#stopped) return;
    this.#restartTimer = setTimeout(() => this.start(), this.#backoff);
    this.#backoff = Math.min(this.#backoff * 2, MAX_BACKOFF_MS);
  }

  async #readStdout(stream: ReadableStream<Uint8Array>): Promise<void> {
    let buffered = "";
    try {
      for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
        buffered += chunk;
        let newline: number;
        while ((newline = buffered.indexOf("\n")) >= 0) {
          const line = buffered.slice(0, newline).trim();
          buffered = buffered.slice(newline + 1);
          if (!line) continue;
          const message = parseMessage(line);
          if (message) {
            try {
              this.#events.onMessage(message);
            } catch (e) {
              // One bad message must not end the reader: every later answer would be lost.
              this.#log.error("Cannot route a message from the MCP server", { error: (e as Error).message });
            }
          } else this.#log.warn("MCP server wrote a line that is not JSON-RPC to stdout", { line: line.slice(0, 200) });
        }
      }
    } catch { /* the process went away */ }
  }

  async #readStderr(stream: ReadableStream<Uint8Array>): Promise<void> {
    try {
      for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
        for (const line of chunk.split("\n")) if (line.trim()) this.#log.debug("MCP server stderr", { line });
      }
    } catch { /* the process went away */ }
  }

  /** Writes one message; false when the process is not running, or not reading its stdin (backpressure). */
  send(message: Message): boolean {
    const writer = this.#writer;
    if (!writer) return false;
    if (writer.desiredSize !== null && writer.desiredSize < -MAX_QUEUED_WRITES) {
      this.#log.warn("MCP server is not reading its input; refusing to queue more", { queued: -writer.desiredSize });
      return false;
    }
    writer.write(this.#encoder.encode(JSON.stringify(message) + "\n")).catch(() => {});
    return true;
  }

  /** Stops the process for good. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#restartTimer);
    const child = this.#child;
    if (!child) return;
    // Closing stdin is the polite stop, but a server that does not read would make it wait forever: do not
    // await it, and escalate to SIGTERM and then SIGKILL regardless.
    this.#writer?.close().catch(() => {});
    const timer = setTimeout(() => {
      try {
        child.kill("SIGKILL");
      } catch { /* gone */ }
    }, 3000);
    try {
      child.kill("SIGTERM");
    } catch { /* gone */ }
    await child.status;
    clearTimeout(timer);
  }
}
