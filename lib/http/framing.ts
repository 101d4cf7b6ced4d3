/**
 * Where each direction of one HTTP connection stands, followed byte by byte as a relay passes the bytes on
 * (RFC 9112 message framing for HTTP/1, the frame layer of RFC 9113 for HTTP/2): whether a request head is
 * partly received, whether a body is still coming, whether requests wait for their answers. Pure: bytes in,
 * state out; the listener turns the state into deadlines. The HTTP server behind parses the messages itself;
 * this only has to agree with it on where messages start and end.
 * @module
 */
import { ChunkedDecoder } from "../transport/http1/mod.ts";

const CR = 13, LF = 10;

/** The HTTP/2 connection preface (RFC 9113 §3.4): a client that sends it speaks HTTP/2 with prior knowledge. */
const H2_PREFACE = new TextEncoder().encode("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");

/** Largest request or response head followed; a larger one ends the connection. */
export const MAX_HEAD_BYTES = 64 * 1024;

/** HTTP/2 frame types and flags that open and close streams. */
const H2_DATA = 0, H2_HEADERS = 1, H2_RST_STREAM = 3, H2_END_STREAM = 1;

/** What the connection turned out to speak: HTTP/1, HTTP/2, or (after a 101) bytes this does not follow. */
export type Protocol = "unknown" | "http1" | "h2" | "opaque";

/** `a` then `b`, in a new array. */
function join(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** Decodes bytes one to one (header fields are byte strings). */
function latin1(bytes: Uint8Array): string {
  return String.fromCharCode.apply(null, bytes as unknown as number[]);
}

/** Where a head ends in `bytes` (the index after its blank line), or -1; `from` is the first index to test for the final LF. */
function headEnd(bytes: Uint8Array, from: number): number {
  for (let i = bytes.indexOf(LF, from); i >= 0; i = bytes.indexOf(LF, i + 1)) {
    if (bytes[i - 1] === CR && bytes[i - 2] === LF && bytes[i - 3] === CR) return i + 1;
  }
  return -1;
}

/** Whether the request line at `bytes[at...]` is a HEAD request (methods are case-sensitive). */
function isHead(bytes: Uint8Array, at: number): boolean {
  return bytes[at] === 72 && bytes[at + 1] === 69 && bytes[at + 2] === 65 && bytes[at + 3] === 68 &&
    bytes[at + 4] === 32;
}

const TRANSFER_ENCODING = new TextEncoder().encode("transfer-encoding:");
const CONTENT_LENGTH = new TextEncoder().encode("content-length:");

/** Whether the field line at `bytes[at...]` is named `name` (lower-case, with its colon), in any case. */
function named(bytes: Uint8Array, at: number, name: Uint8Array): boolean {
  if (at + name.length > bytes.length) return false;
  for (let i = 0; i < name.length; i++) {
    if ((bytes[at + i]! | 0x20) !== name[i] && bytes[at + i] !== name[i]) return false;
  }
  return true;
}

/** The framing fields of the head `bytes[start, end)`: transfer-encoding and content-length, lower-cased. */
function framingFields(bytes: Uint8Array, start: number, end: number): { te?: string; cl?: string } {
  const out: { te?: string; cl?: string } = {};
  for (let lf = bytes.indexOf(LF, start); lf >= 0 && lf < end - 2; lf = bytes.indexOf(LF, lf + 1)) {
    const line = lf + 1;
    const first = bytes[line]! | 0x20;
    const name = first === 0x74 ? TRANSFER_ENCODING : first === 0x63 ? CONTENT_LENGTH : undefined;
    if (!name || !named(bytes, line, name)) continue;
    const valueEnd = bytes.indexOf(CR, line);
    const value = latin1(bytes.subarray(line + name.length, valueEnd < 0 ? end : valueEnd)).trim().toLowerCase();
    if (name === TRANSFER_ENCODING) out.te = out.te === undefined ? value : `${out.te}, ${value}`;
    else out.cl ??= value;
  }
  return out;
}

/** How a message body is delimited. */
type Body =
  | { readonly kind: "none" }
  | { readonly kind: "length"; remaining: number }
  | { readonly kind: "chunked"; readonly decoder: ChunkedDecoder }
  | { readonly kind: "close" };

/** The body framing the head `bytes[start, end)` declares (RFC 9112 §6.3); `close`: to the end of the connection. */
function bodyOf(bytes: Uint8Array, start: number, end: number, isRequest: boolean): Body {
  const { te, cl } = framingFields(bytes, start, end);
  if (te !== undefined) {
    if (te.split(",").at(-1)!.trim() === "chunked") return { kind: "chunked", decoder: new ChunkedDecoder() };
    if (isRequest) throw new TypeError("Request has a transfer-encoding that is not chunked");
    return { kind: "close" };
  }
  if (cl === undefined) return isRequest ? { kind: "none" } : { kind: "close" };
  if (!/^\d{1,15}$/.test(cl)) throw new TypeError(`Message has an invalid content-length: ${cl.slice(0, 40)}`);
  const length = Number(cl);
  return length === 0 ? { kind: "none" } : { kind: "length", remaining: length };
}

/** Consumes body bytes from `bytes[at...]`; returns where the body ended, or -1 when it goes on. */
function consumeBody(body: Body, bytes: Uint8Array, at: number): number {
  switch (body.kind) {
    case "none":
      return at;
    case "close":
      return -1;
    case "length": {
      const n = Math.min(body.remaining, bytes.length - at);
      body.remaining -= n;
      return body.remaining === 0 ? at + n : -1;
    }
    case "chunked": {
      const used = body.decoder.push(bytes.subarray(at), () => {});
      return body.decoder.done ? at + used : -1;
    }
  }
}

/** Splits HTTP/2 frames out of a byte stream and reports each frame header. */
class FrameReader {
  #header = new Uint8Array(9);
  #have = 0;
  #remaining = 0;

  /** Whether a frame is partly received. */
  get partial(): boolean {
    return this.#have > 0 || this.#remaining > 0;
  }

  /** Reads `bytes[at...]`, calling `onFrame(type, flags, streamId)` for each complete frame header. */
  push(bytes: Uint8Array, at: number, onFrame: (type: number, flags: number, stream: number) => void): void {
    let i = at;
    while (i < bytes.length) {
      if (this.#remaining > 0) {
        const n = Math.min(this.#remaining, bytes.length - i);
        this.#remaining -= n;
        i += n;
        continue;
      }
      const n = Math.min(9 - this.#have, bytes.length - i);
      this.#header.set(bytes.subarray(i, i + n), this.#have);
      this.#have += n;
      i += n;
      if (this.#have < 9) return;
      const h = this.#header;
      this.#have = 0;
      this.#remaining = (h[0]! << 16) | (h[1]! << 8) | h[2]!;
      onFrame(h[3]!, h[4]!, ((h[5]! & 0x7f) << 24 | h[6]! << 16 | h[7]! << 8 | h[8]!) >>> 0);
    }
  }
}

/**
 * Both directions of one connection. Feed it what the client sends ({@linkcode fromClient}) and what the
 * server answers ({@linkcode fromServer}); read {@linkcode partial}, {@linkcode receivingBody} and
 * {@linkcode busy}. Methods throw a TypeError when the bytes cannot be followed (the connection should end).
 */
export class ConnectionState {
  /** What the connection speaks, once known. */
  protocol: Protocol = "unknown";
  /** Complete request heads (HTTP/1) or opened streams (HTTP/2). */
  requests = 0;
  /** Completed answers: final responses whose body ended (HTTP/1), or closed streams (HTTP/2). */
  answered = 0;
  #clientPending: Uint8Array = new Uint8Array(0);
  #clientBody: Body | undefined;
  #serverPending: Uint8Array = new Uint8Array(0);
  #serverBody: Body | undefined;
  /** For each request not yet answered, oldest first, whether it is a HEAD request (its answer has no body). */
  readonly #heads: boolean[] = [];
  #clientFrames: FrameReader | undefined;
  #serverFrames: FrameReader | undefined;
  readonly #streams = new Set<number>();
  #lastStream = 0;

  /** Whether the client has sent part of a request head, of the HTTP/2 preface, or of an HTTP/2 frame. */
  get partial(): boolean {
    if (this.protocol === "h2") return this.#clientFrames!.partial;
    return this.#clientPending.length > 0;
  }

  /** Whether a request body is still coming (HTTP/1). */
  get receivingBody(): boolean {
    return this.#clientBody !== undefined;
  }

  /** Whether requests wait for their answers, or an answer is still being sent. */
  get busy(): boolean {
    return this.protocol === "opaque" || this.#streams.size > 0 || this.requests > this.answered ||
      this.#serverPending.length > 0 || this.#serverBody !== undefined;
  }

  /** Follows bytes the client sent. */
  fromClient(chunk: Uint8Array): void {
    if (this.protocol === "opaque" || chunk.length === 0) return;
    if (this.protocol === "h2") return this.#clientFrames!.push(chunk, 0, (t, f, s) => this.#clientFrame(t, f, s));
    let bytes = chunk;
    if (this.protocol === "unknown") {
      bytes = this.#clientPending.length ? join(this.#clientPending, chunk) : chunk;
      const n = Math.min(bytes.length, H2_PREFACE.length);
      let matches = true;
      for (let i = 0; i < n && matches; i++) matches = bytes[i] === H2_PREFACE[i];
      if (matches && n < H2_PREFACE.length) {
        this.#clientPending = bytes.slice();
        return;
      }
      this.#clientPending = new Uint8Array(0);
      if (matches) {
        this.protocol = "h2";
        this.#clientFrames = new FrameReader();
        this.#serverFrames = new FrameReader();
        return this.#clientFrames.push(bytes, H2_PREFACE.length, (t, f, s) => this.#clientFrame(t, f, s));
      }
      this.protocol = "http1";
    }
    this.#clientHttp1(bytes);
  }

  /** Follows bytes the server sent. */
  fromServer(chunk: Uint8Array): void {
    if (this.protocol === "opaque" || chunk.length === 0) return;
    if (this.protocol === "h2") return this.#serverFrames!.push(chunk, 0, (t, f, s) => this.#serverFrame(t, f, s));
    let at = 0;
    while (at < chunk.length && (this.protocol as Protocol) !== "opaque") { // a 101 head makes it opaque
      if (this.#serverBody) {
        const end = consumeBody(this.#serverBody, chunk, at);
        if (end < 0) return;
        this.#serverBody = undefined;
        this.answered++;
        at = end;
        continue;
      }
      const pending = this.#serverPending.length;
      const bytes = pending ? join(this.#serverPending, chunk.subarray(at)) : chunk;
      const start = pending ? 0 : at;
      const end = headEnd(bytes, pending ? Math.max(3, pending) : at + 3);
      if (end < 0) {
        if (bytes.length - start > MAX_HEAD_BYTES) throw new TypeError("Response head too large");
        this.#serverPending = bytes.slice(start);
        return;
      }
      this.#serverPending = new Uint8Array(0);
      this.#responseHead(bytes, start, end);
      at = pending ? chunk.length - (bytes.length - end) : end;
    }
  }

  #responseHead(bytes: Uint8Array, start: number, end: number): void {
    // "HTTP/1.x NNN": the status code's three digits at 9 to 11.
    const d = (i: number) => bytes[start + i]! - 48;
    const status = d(9) * 100 + d(10) * 10 + d(11);
    if (latin1(bytes.subarray(start, start + 7)) !== "HTTP/1." || !(status >= 100 && status <= 999)) {
      throw new TypeError(`Response has a malformed status line: ${latin1(bytes.subarray(start, start + 40))}`);
    }
    if (status === 101) {
      this.protocol = "opaque"; // an upgrade: the bytes are no longer HTTP/1
      return;
    }
    if (status < 200) return; // informational: the final response follows
    const head = this.#heads.shift() ?? false;
    const body = head || status === 204 || status === 304
      ? { kind: "none" as const }
      : bodyOf(bytes, start, end, false);
    if (body.kind === "none") this.answered++;
    else this.#serverBody = body;
  }

  #clientHttp1(chunk: Uint8Array): void {
    let at = 0;
    while (at < chunk.length) {
      if (this.#clientBody) {
        const end = consumeBody(this.#clientBody, chunk, at);
        if (end < 0) return;
        this.#clientBody = undefined;
        at = end;
        continue;
      }
      if (this.#clientPending.length === 0) {
        while (at < chunk.length && (chunk[at] === CR || chunk[at] === LF)) at++; // blank lines between requests
        if (at === chunk.length) return;
      }
      const pending = this.#clientPending.length;
      const spans = pending > 0;
      const bytes = spans ? join(this.#clientPending, chunk.subarray(at)) : chunk;
      const start = spans ? 0 : at;
      const end = headEnd(bytes, spans ? Math.max(3, pending) : at + 3);
      if (end < 0) {
        if (bytes.length - start > MAX_HEAD_BYTES) throw new TypeError("Request head too large");
        this.#clientPending = bytes.slice(start);
        return;
      }
      this.#clientPending = new Uint8Array(0);
      this.#heads.push(isHead(bytes, start));
      this.requests++;
      const body = bodyOf(bytes, start, end, true);
      if (body.kind !== "none") this.#clientBody = body;
      at = spans ? chunk.length - (bytes.length - end) : end;
    }
  }

  #clientFrame(type: number, flags: number, stream: number): void {
    if (type === H2_HEADERS && stream > this.#lastStream) {
      this.#lastStream = stream;
      this.#streams.add(stream);
      this.requests++;
    } else if (type === H2_RST_STREAM) this.#closeStream(stream);
    void flags;
  }

  #serverFrame(type: number, flags: number, stream: number): void {
    if (type === H2_RST_STREAM || ((type === H2_DATA || type === H2_HEADERS) && (flags & H2_END_STREAM))) {
      this.#closeStream(stream);
    }
  }

  #closeStream(stream: number): void {
    if (this.#streams.delete(stream)) this.answered++;
  }
}
