/**
 * A stdio MCP server, supervised: one JSON-RPC message per line in and out, stderr to the log. Where the
 * bytes come from is a {@linkcode StdioConnector}: a child process here, a container's attached stdio in
 * the runtimes. When the connection ends it is made again with exponential backoff (200 ms doubling to
 * 10 s, reset after it has held for 30 s); a server that closes its stdout but keeps running counts as
 * ended (it is stopped and started again), as nothing it does can reach a client any more.
 *
 * Both directions are bounded in bytes: a stdout line longer than `maxLineBytes` is dropped (with a log
 * entry) and reading resumes after its newline; messages waiting for a server that does not read its stdin
 * may take up to `maxWriteQueueBytes`, past which {@linkcode StdioBackend.send} refuses with `"full"`.
 * @module
 */
import type { Logger } from "../log.ts";
import { concatBytes } from "../bytes.ts";
import { type Message, parseMessage } from "./jsonrpc.ts";
import type { SendResult } from "./multiplexer.ts";

/** How to start the server as a child process. */
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

/** One live connection to a server's stdio. */
export interface StdioConnection {
  /** The server's stdout. */
  readonly stdout: ReadableStream<Uint8Array>;
  /** The server's stderr, when it is separate. */
  readonly stderr?: ReadableStream<Uint8Array>;
  /** The server's stdin. */
  readonly stdin: WritableStream<Uint8Array>;
  /** Resolves with a reason when the server has gone (exited, killed, detached). */
  readonly ended: Promise<string>;
  /** Stops the server (or detaches from it) and resolves once it has gone. */
  stop(): Promise<void>;
  /** Process id, for a child process. */
  readonly pid?: number;
}

/** Makes connections to a server's stdio: each call starts (or restarts) it. */
export interface StdioConnector {
  /** What the logs call it, e.g. the command or the container. */
  readonly describe: string;
  /** Starts the server and connects to it. */
  connect(): Promise<StdioConnection>;
}

const READ_BYTES = 16 * 1024;

/**
 * Reads a byte stream into one reused buffer when it allows (a pipe's stream does), rather than a fresh
 * 64 KiB chunk per read; a view is valid until the next read. Resolves undefined at the end.
 */
function readerOf(stream: ReadableStream<Uint8Array>): { read(): Promise<Uint8Array | undefined> } {
  let byob: ReadableStreamBYOBReader | undefined;
  try {
    byob = stream.getReader({ mode: "byob" });
  } catch { /* not a byte stream */ }
  if (!byob) {
    const reader = stream.getReader();
    return { read: async () => (await reader.read()).value };
  }
  let buffer = new ArrayBuffer(READ_BYTES);
  return {
    async read() {
      const { value, done } = await byob.read(new Uint8Array(buffer));
      if (done || !value) return undefined;
      buffer = value.buffer as ArrayBuffer; // the read transferred it: take it back for the next one
      return value;
    },
  };
}

/** A connector that runs `cmd` as a child process. */
export function processConnector(cmd: StdioCommand): StdioConnector {
  return {
    describe: cmd.command,
    connect() {
      const child = new Deno.Command(cmd.command, {
        args: [...cmd.args],
        ...(cmd.env ? { env: { ...cmd.env }, clearEnv: true } : {}),
        ...(cmd.cwd ? { cwd: cmd.cwd } : {}),
        stdin: "piped",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      return Promise.resolve({
        stdout: child.stdout,
        stderr: child.stderr,
        stdin: child.stdin,
        pid: child.pid,
        ended: child.status.then((s) => (s.signal ? `killed by ${s.signal}` : `exited with code ${s.code}`)),
        async stop() {
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
        },
      });
    },
  };
}

/** Callbacks and limits of a {@linkcode StdioBackend}. */
export interface StdioBackendOptions {
  /** A message from the server. */
  readonly onMessage: (message: Message) => void;
  /** The server is connected (again). */
  readonly onUp: () => void;
  /** The server went away or could not be started. */
  readonly onDown: (reason: string) => void;
  /** Logger. */
  readonly log: Logger;
  /** Longest stdout line kept (default {@linkcode DEFAULT_MAX_LINE_BYTES}); longer ones are dropped. */
  readonly maxLineBytes?: number;
  /** Most bytes waiting to be written to stdin (default {@linkcode DEFAULT_MAX_WRITE_QUEUE_BYTES}). */
  readonly maxWriteQueueBytes?: number;
}

/** Default longest stdout line: 32 MiB. */
const DEFAULT_MAX_LINE_BYTES = 32 * 1024 * 1024;
/** Default most bytes waiting for a server's stdin: 16 MiB. */
const DEFAULT_MAX_WRITE_QUEUE_BYTES = 16 * 1024 * 1024;

const MIN_BACKOFF_MS = 200;
const MAX_BACKOFF_MS = 10_000;
const STABLE_MS = 30_000;
/** How long a server whose stdout ended may take to exit by itself before it is stopped as broken. */
const EOF_GRACE_MS = 2000;

/** The writing side of one connection: its writer and the bytes it has not yet taken. */
interface Input {
  readonly writer: WritableStreamDefaultWriter<Uint8Array>;
  queued: number;
  full: boolean;
}

/** A supervised stdio server. */
export class StdioBackend {
  readonly #connector: StdioConnector;
  readonly #events: StdioBackendOptions;
  readonly #log: Logger;
  readonly #maxLine: number;
  readonly #maxQueue: number;
  #connection: StdioConnection | undefined;
  #input: Input | undefined;
  #connecting = false;
  #stopped = false;
  #backoff = MIN_BACKOFF_MS;
  #restartTimer: ReturnType<typeof setTimeout> | undefined;
  #encoder = new TextEncoder();

  /** Creates the supervisor for a command or a connector; {@linkcode StdioBackend.start} starts it. */
  constructor(source: StdioCommand | StdioConnector, options: StdioBackendOptions) {
    this.#connector = "connect" in source ? source : processConnector(source);
    this.#events = options;
    this.#log = options.log;
    this.#maxLine = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    this.#maxQueue = options.maxWriteQueueBytes ?? DEFAULT_MAX_WRITE_QUEUE_BYTES;
  }

  /** Whether the server is connected. */
  get running(): boolean {
    return this.#connection !== undefined;
  }

  /** The process id, for a child process while it runs. */
  get pid(): number | undefined {
    return this.#connection?.pid;
  }

  /** Starts the server (and keeps restarting it until {@linkcode StdioBackend.stop}). */
  start(): void {
    if (this.#stopped || this.#connection || this.#connecting) return;
    this.#connecting = true;
    this.#connector.connect().then((connection) => {
      this.#connecting = false;
      if (this.#stopped) {
        connection.stop().catch(() => {});
        return;
      }
      this.#attach(connection);
    }, (e) => {
      this.#connecting = false;
      const reason = `cannot start ${this.#connector.describe}: ${(e as Error).message}`;
      this.#log.warn("MCP server did not start", { reason, restartInMs: this.#backoff });
      this.#events.onDown(reason);
      this.#scheduleRestart();
    });
  }

  #attach(connection: StdioConnection): void {
    this.#connection = connection;
    this.#input = { writer: connection.stdin.getWriter(), queued: 0, full: false };
    const startedAt = Date.now();
    this.#log.info("Started MCP server", { command: this.#connector.describe, pid: connection.pid });
    let gone = false;
    /** The connection is over: every caller learns it once, whichever of its ends comes first. */
    const down = (reason: string) => {
      if (gone) return false;
      gone = true;
      this.#connection = undefined;
      this.#input = undefined;
      if (Date.now() - startedAt > STABLE_MS) this.#backoff = MIN_BACKOFF_MS;
      if (!this.#stopped) this.#log.warn("MCP server stopped", { reason, restartInMs: this.#backoff });
      this.#events.onDown(reason);
      return true;
    };
    this.#readStdout(connection.stdout).then(async () => {
      // Its stdout is gone: it normally exits right after. One that keeps running can never answer again.
      let timer: ReturnType<typeof setTimeout> | undefined;
      const grace = new Promise<undefined>((resolve) => timer = setTimeout(() => resolve(undefined), EOF_GRACE_MS));
      const exited = await Promise.race([connection.ended, grace]);
      clearTimeout(timer);
      if (exited !== undefined || this.#stopped) return;
      if (!down("closed its stdout but kept running; stopped it")) return;
      await connection.stop().catch(() => {});
      this.#scheduleRestart();
    });
    if (connection.stderr) this.#readStderr(connection.stderr);
    connection.ended.then((reason) => {
      if (down(reason)) this.#scheduleRestart();
    });
    this.#events.onUp();
  }

  #scheduleRestart(): void {
    if (this.#stopped) return;
    this.#restartTimer = setTimeout(() => this.start(), this.#backoff);
    this.#backoff = Math.min(this.#backoff * 2, MAX_BACKOFF_MS);
  }

  /**
   * Splits stdout into lines on the bytes (a newline byte never occurs inside a UTF-8 sequence) and decodes
   * each whole line once: no TextDecoderStream between the pipe and the parser.
   */
  async #readStdout(stream: ReadableStream<Uint8Array>): Promise<void> {
    const reader = readerOf(stream);
    const decoder = new TextDecoder();
    const partial: Uint8Array[] = []; // an unfinished line, in pieces
    let partialBytes = 0;
    let dropping = false; // inside a line over the limit, until its newline
    try {
      while (true) {
        const value = await reader.read();
        if (!value) break;
        let start = 0;
        for (let newline = value.indexOf(10); newline >= 0; newline = value.indexOf(10, start)) {
          if (dropping) dropping = false;
          else if (partialBytes + newline - start > this.#maxLine) this.#overlong(partial);
          else {
            const tail = value.subarray(start, newline);
            this.#line(decoder.decode(partial.length ? concatBytes([...partial, tail]) : tail));
          }
          partial.length = 0;
          partialBytes = 0;
          start = newline + 1;
        }
        if (start === value.length || dropping) continue;
        if (partialBytes + value.length - start > this.#maxLine) {
          this.#overlong(partial);
          partial.length = 0;
          partialBytes = 0;
          dropping = true;
        } else {
          partial.push(value.slice(start));
          partialBytes += value.length - start;
        }
      }
    } catch { /* the server went away */ }
  }

  #overlong(partial: readonly Uint8Array[]): void {
    const start = partial.length ? new TextDecoder().decode(partial[0]!.subarray(0, 200)) : "";
    this.#log.warn("MCP server wrote a stdout line longer than the limit; dropped it", {
      maxLineBytes: this.#maxLine,
      start,
    });
  }

  #line(text: string): void {
    const line = text.trim();
    if (!line) return;
    const message = parseMessage(line);
    if (!message) {
      this.#log.warn("MCP server wrote a line that is not JSON-RPC to stdout", { line: line.slice(0, 200) });
      return;
    }
    try {
      this.#events.onMessage(message);
    } catch (e) {
      // One bad message must not end the reader: every later answer would be lost.
      this.#log.error("Cannot route a message from the MCP server", { error: (e as Error).message });
    }
  }

  async #readStderr(stream: ReadableStream<Uint8Array>): Promise<void> {
    try {
      for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
        for (const line of chunk.split("\n")) if (line.trim()) this.#log.debug("MCP server stderr", { line });
      }
    } catch { /* the server went away */ }
  }

  /**
   * Writes one message: `"down"` when the server is not connected, `"full"` when the bytes it has not read
   * yet would pass `maxWriteQueueBytes` (one message is always let through to an empty queue), and from
   * then on until it has read half of them.
   */
  send(message: Message): SendResult {
    const input = this.#input;
    if (!input) return "down";
    // Once full, it stays refused until the server has read half of it: a small message must not slip in
    // behind a server that has stopped reading, to wait there until its timeout.
    if (input.full && input.queued > this.#maxQueue / 2) return "full";
    const bytes = this.#encoder.encode(JSON.stringify(message) + "\n");
    if (input.queued > 0 && input.queued + bytes.length > this.#maxQueue) {
      if (!input.full) {
        this.#log.warn("MCP server is not reading its input; refusing messages until it does", {
          queuedBytes: input.queued,
          maxWriteQueueBytes: this.#maxQueue,
        });
      }
      input.full = true;
      return "full";
    }
    if (input.full) {
      input.full = false;
      this.#log.info("MCP server reads its input again", { queuedBytes: input.queued });
    }
    input.queued += bytes.length;
    const written = () => void (input.queued -= bytes.length);
    input.writer.write(bytes).then(written, written);
    return "sent";
  }

  /** Stops the server for good. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#restartTimer);
    const connection = this.#connection;
    if (!connection) return;
    // Closing stdin is the polite stop, but a server that does not read would make it wait forever: do not
    // await it; the connection's own stop escalates.
    this.#input?.writer.close().catch(() => {});
    await connection.stop();
  }
}
