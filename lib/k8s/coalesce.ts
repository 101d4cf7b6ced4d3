/**
 * Fewer, larger stdin frames under load: every frame an attach stream carries is relayed by kube-apiserver,
 * the kubelet and containerd, each at a cost per frame. The first write after a quiet spell goes out at once
 * (no added latency for one caller); writes that arrive before the next turn of the event loop are sent
 * together as one frame, in order.
 * @module
 */
import { concatBytes } from "../bytes.ts";

/** Schedules `fn` for the next turn of the event loop; returns nothing. */
export type Schedule = (fn: () => void) => void;

/** The default: a zero-delay timer, which runs after the I/O already waiting has been handled. */
export const nextTurn: Schedule = (fn) => void setTimeout(fn, 0);

/** Most bytes one coalesced frame carries; more starts another. */
export const MAX_FRAME_BYTES = 256 * 1024;

/** A writer that coalesces as described above. */
export interface CoalescingWriter {
  /** Sends `chunk` now, or with the others of this turn; throws when `send` does for a chunk sent now. */
  write(chunk: Uint8Array): void;
  /** Sends what is pending now (before closing the stream). */
  flush(): void;
}

/** A {@linkcode CoalescingWriter} handing each frame's bytes to `send`. */
export function coalescingWriter(
  send: (bytes: Uint8Array) => void,
  schedule: Schedule = nextTurn,
): CoalescingWriter {
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  let windowOpen = false;
  const flush = () => {
    if (pending.length === 0) {
      windowOpen = false;
      return;
    }
    const bytes = takePending();
    schedule(flush); // keep the window open while writes keep coming
    try {
      send(bytes);
    } catch { /* the stream closed: the next write reports it */ }
  };
  const takePending = () => {
    const chunks = pending;
    pending = [];
    pendingBytes = 0;
    return chunks.length === 1 ? chunks[0]! : concatBytes(chunks);
  };
  const write = (chunk: Uint8Array) => {
    if (!windowOpen) {
      windowOpen = true;
      schedule(flush);
      send(chunk);
      return;
    }
    if (pendingBytes + chunk.length > MAX_FRAME_BYTES && pending.length > 0) send(takePending());
    pending.push(chunk);
    pendingBytes += chunk.length;
  };
  return {
    write,
    flush: () => {
      if (pending.length > 0) send(takePending());
    },
  };
}
