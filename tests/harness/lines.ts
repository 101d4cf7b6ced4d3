/**
 * Reads newline-delimited text (JSON-RPC over stdio) from a Node readable stream, one line at a time.
 * @module
 */
import type { Readable } from "node:stream";

/** Hands out the lines of a stream in order; lines that arrive early wait in a queue. */
export class LineReader {
  #buffer = "";
  #lines: string[] = [];
  #waiters: Array<{ resolve: (line: string) => void; reject: (e: Error) => void }> = [];
  #ended: Error | undefined;
  #decoder = new TextDecoder();

  /** Starts reading `stream`. */
  constructor(stream: Readable) {
    stream.on("data", (chunk: Uint8Array) => {
      this.#buffer += this.#decoder.decode(chunk, { stream: true });
      let i: number;
      while ((i = this.#buffer.indexOf("\n")) >= 0) {
        const line = this.#buffer.slice(0, i);
        this.#buffer = this.#buffer.slice(i + 1);
        const waiter = this.#waiters.shift();
        if (waiter) waiter.resolve(line);
        else this.#lines.push(line);
      }
    });
    const end = (e?: Error) => {
      this.#ended = e ?? new Error(`stream ended${this.#buffer ? ` with a partial line: ${this.#buffer}` : ""}`);
      for (const w of this.#waiters.splice(0)) w.reject(this.#ended);
    };
    stream.on("end", () => end());
    stream.on("error", (e: Error) => end(e));
  }

  /** The next line, without its newline; rejects after `timeoutMs` or when the stream ends first. */
  next(timeoutMs = 10_000): Promise<string> {
    const ready = this.#lines.shift();
    if (ready !== undefined) return Promise.resolve(ready);
    if (this.#ended) return Promise.reject(this.#ended);
    return new Promise((resolve, reject) => {
      const waiter = {
        resolve: (line: string) => {
          clearTimeout(timer);
          resolve(line);
        },
        reject: (e: Error) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      const timer = setTimeout(() => {
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
        reject(new Error(`no line within ${timeoutMs} ms${this.#buffer ? `; partial: ${this.#buffer}` : ""}`));
      }, timeoutMs);
      this.#waiters.push(waiter);
    });
  }
}

/** The first line of a byte stream (a process's stdout); the rest is drained so the writer never blocks. */
export async function firstLine(stream: ReadableStream<Uint8Array>): Promise<string> {
  const reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`the stream ended before a full line: ${text}`);
    text += value;
  }
  (async () => {
    while (!(await reader.read()).done) { /* drain */ }
  })().catch(() => {});
  return text.slice(0, text.indexOf("\n"));
}
