/**
 * A log file that never grows past a size: once a write would take it over `maxBytes`, the file is renamed
 * to `<file>.1` (replacing the one before) and a new one is started, so the disk holds at most twice the
 * limit. Used for a sandboxed server's own output, which the server controls and could otherwise use to
 * fill the disk.
 * @module
 */

/** The default cap of a server log file: 10 MiB (and as much again in `<file>.1`). */
export const DEFAULT_SERVER_LOG_MAX_BYTES = 10 * 1024 * 1024;

/** The smallest cap accepted. */
const MIN_BYTES = 4096;

/** Reads a `THV_SERVER_LOG_MAX_BYTES` value (whole bytes, or with a `k`/`m`/`g` suffix); unset is the default. */
export function parseLogMaxBytes(value: string | undefined): number {
  if (value === undefined || value === "") return DEFAULT_SERVER_LOG_MAX_BYTES;
  const match = /^(\d+)([kmg]i?b?)?$/i.exec(value.trim());
  const unit = match?.[2]?.[0]?.toLowerCase();
  const bytes = match
    ? Number(match[1]) * (unit === "k" ? 1024 : unit === "m" ? 1024 ** 2 : unit === "g" ? 1024 ** 3 : 1)
    : NaN;
  if (!Number.isSafeInteger(bytes) || bytes < MIN_BYTES) {
    throw new RangeError(
      `THV_SERVER_LOG_MAX_BYTES=${value} is not a log size: use a whole number of bytes of at least ${MIN_BYTES}, ` +
        "or with k, m or g (e.g. 10m)",
    );
  }
  return bytes;
}

/** A size-capped, rotated log file; writes are applied in order. */
export class CappedLog {
  readonly #path: string;
  readonly #maxBytes: number;
  #file: Deno.FsFile | undefined;
  #size = 0;
  #queue: Promise<void> = Promise.resolve();

  /** A log at `path` capped at `maxBytes`. */
  constructor(path: string, maxBytes: number = DEFAULT_SERVER_LOG_MAX_BYTES) {
    this.#path = path;
    this.#maxBytes = maxBytes;
  }

  /** Appends `chunk` (a chunk larger than the cap keeps only its end). */
  write(chunk: Uint8Array): Promise<void> {
    const next = this.#queue.then(() => this.#append(chunk));
    this.#queue = next.catch(() => {});
    return next;
  }

  /** Appends everything `stream` yields until it ends or fails (a server that went away). */
  async pump(stream: ReadableStream<Uint8Array> | undefined): Promise<void> {
    if (!stream) return;
    try {
      for await (const chunk of stream) await this.write(chunk);
    } catch { /* the server went away */ }
  }

  /** Closes the file once the writes so far are done. */
  async close(): Promise<void> {
    await this.#queue;
    this.#file?.close();
    this.#file = undefined;
  }

  async #open(): Promise<Deno.FsFile> {
    if (!this.#file) {
      this.#file = await Deno.open(this.#path, { create: true, append: true, mode: 0o600 });
      this.#size = (await this.#file.stat()).size;
    }
    return this.#file;
  }

  async #append(chunk: Uint8Array): Promise<void> {
    let file = await this.#open();
    const part = chunk.length > this.#maxBytes ? chunk.subarray(chunk.length - this.#maxBytes) : chunk;
    if (this.#size > 0 && this.#size + part.length > this.#maxBytes) {
      file.close();
      this.#file = undefined;
      await Deno.rename(this.#path, `${this.#path}.1`);
      file = await this.#open();
    }
    for (let done = 0; done < part.length;) done += await file.write(part.subarray(done));
    this.#size += part.length;
  }
}
