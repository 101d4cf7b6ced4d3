/**
 * The Kubernetes streaming channel protocol of attach and exec over a WebSocket (`v5.channel.k8s.io`,
 * `v4.channel.k8s.io`): each binary message is one byte naming the stream, then its bytes. Pure framing,
 * no I/O, so it is tested on its own.
 * @module
 */

/** The WebSocket subprotocols offered, best first: v5 can close stdin alone, v4 cannot. */
export const CHANNEL_PROTOCOLS = ["v5.channel.k8s.io", "v4.channel.k8s.io"] as const;

/** Stream numbers of the channel protocol. */
export const Channel = {
  /** The container's stdin (client to server). */
  stdin: 0,
  /** The container's stdout. */
  stdout: 1,
  /** The container's stderr. */
  stderr: 2,
  /** A `metav1.Status` JSON once the stream is over (v4 and later). */
  status: 3,
  /** Terminal resize (client to server; unused without a TTY). */
  resize: 4,
  /** v5: "close this stream", its one payload byte naming the stream. */
  close: 255,
} as const;

/** One message read: its stream number and its bytes (a view into the message). */
export interface Frame {
  /** Stream number, see {@linkcode Channel}. */
  readonly channel: number;
  /** The bytes of the stream; may be empty (the server opens each stream with an empty message). */
  readonly payload: Uint8Array;
}

/** A message carrying `payload` on `channel`. */
export function encodeFrame(channel: number, payload: Uint8Array): Uint8Array {
  if (!Number.isInteger(channel) || channel < 0 || channel > 255) {
    throw new RangeError(`channel ${channel} is not a byte: use 0 to 255`);
  }
  const frame = new Uint8Array(payload.length + 1);
  frame[0] = channel;
  frame.set(payload, 1);
  return frame;
}

/** The v5 message that closes `channel` (the client's half of stdin). */
export function closeFrame(channel: number): Uint8Array {
  return encodeFrame(Channel.close, Uint8Array.of(channel));
}

/** Splits a binary message; undefined for an empty one (which carries no stream number). */
export function decodeFrame(message: Uint8Array): Frame | undefined {
  if (message.length === 0) return undefined;
  return { channel: message[0]!, payload: message.subarray(1) };
}

/** What the status channel said: whether the process succeeded, and a one-line reason. */
export interface StreamStatus {
  /** `status: "Success"`. */
  readonly success: boolean;
  /** `status Success` (attach sends it whenever its stream ends), `exited with code 3`, or the server's message. */
  readonly reason: string;
}

/** Reads the `metav1.Status` JSON of the status channel. */
export function parseStatus(payload: Uint8Array): StreamStatus {
  const text = new TextDecoder().decode(payload);
  // deno-lint-ignore no-explicit-any
  let status: any;
  try {
    status = JSON.parse(text);
  } catch {
    return { success: false, reason: `unreadable status: ${text.slice(0, 200)}` };
  }
  if (status?.status === "Success") return { success: true, reason: "status Success" };
  const exit = (status?.details?.causes ?? []).find((c: { reason?: string }) => c?.reason === "ExitCode");
  if (status?.reason === "NonZeroExitCode" && exit?.message !== undefined) {
    return { success: false, reason: `exited with code ${exit.message}` };
  }
  return { success: false, reason: String(status?.message ?? status?.reason ?? "failed without a message") };
}
