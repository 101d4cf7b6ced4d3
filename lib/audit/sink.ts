/**
 * Where audit events go: the structured log (as every entry of the logger), or a file that JSON lines are
 * appended to (opened once, mode 0600; writes are queued, so concurrent requests never interleave lines).
 * @module
 */
import type { Logger } from "../log.ts";
import type { AuditEvent } from "./event.ts";

/** Receives audit events. */
export interface AuditSink {
  /** Records one event; never throws into the request. */
  write(event: AuditEvent): void;
  /** Waits for queued writes and releases the file. */
  close(): Promise<void>;
}

/** Events as entries of the log, message `Audit event`. */
export function logSink(log: Logger): AuditSink {
  return {
    write: (event) => log.info("Audit event", event as unknown as Record<string, unknown>),
    close: () => Promise.resolve(),
  };
}

/** Events appended to `path` as JSON lines; the file is created with mode 0600 if missing. */
export async function fileSink(path: string, log: Logger): Promise<AuditSink> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { write: true, append: true, create: true, mode: 0o600 });
  } catch (e) {
    throw new TypeError(`Cannot open audit logFile ${path}: ${(e as Error).message}: fix the path`, { cause: e });
  }
  const encoder = new TextEncoder();
  let queue = Promise.resolve();
  let closed = false;
  const writeAll = async (bytes: Uint8Array) => {
    let done = 0;
    while (done < bytes.byteLength) done += await file.write(bytes.subarray(done));
  };
  return {
    write(event) {
      if (closed) return;
      const line = encoder.encode(JSON.stringify(event) + "\n");
      queue = queue.then(() => writeAll(line)).catch((e) => {
        log.error("Cannot write audit event", { file: path, error: (e as Error).message });
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      await queue;
      file.close();
    },
  };
}
