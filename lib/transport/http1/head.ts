/**
 * HTTP/1.1 message heads on the wire (RFC 9112): the request head the client writes, the response head it
 * reads, and how the response body is framed. Pure functions over bytes and strings.
 * @module
 */

/** A parsed response head. */
export interface ResponseHead {
  /** Status code. */
  readonly status: number;
  /** Reason phrase (may be empty). */
  readonly statusText: string;
  /** Header fields in order, names lower-cased. */
  readonly headers: ReadonlyArray<readonly [string, string]>;
  /** Whether the response is HTTP/1.0 (persistent only with `connection: keep-alive`). */
  readonly http10: boolean;
  /** Bytes the head took, blank line included. */
  readonly length: number;
}

/** How a response body is delimited. */
export type Framing =
  | { readonly kind: "none" }
  | { readonly kind: "length"; readonly length: number }
  | { readonly kind: "chunked" }
  | { readonly kind: "close" };

/** Largest response head accepted. */
export const MAX_HEAD_BYTES = 64 * 1024;

const CR = 13, LF = 10;
const STATUS_LINE = /^HTTP\/1\.([01]) (\d{3})(?: (.*))?$/;

/** Decodes bytes one to one into a string (headers are byte strings, not UTF-8). */
function latin1(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 4096) {
    out += String.fromCharCode.apply(null, bytes.subarray(i, i + 4096) as unknown as number[]);
  }
  return out;
}

/** Where the head in `bytes` ends (the index after its blank line), or -1 when it is not complete. */
export function headEnd(bytes: Uint8Array, from = 0): number {
  for (let i = Math.max(from, 3); i < bytes.length; i++) {
    if (bytes[i] === LF && bytes[i - 1] === CR && bytes[i - 2] === LF && bytes[i - 3] === CR) return i + 1;
  }
  return -1;
}

/**
 * Parses the response head at the start of `bytes` (which must hold it whole, see {@linkcode headEnd});
 * throws a TypeError naming what is malformed.
 */
export function parseResponseHead(bytes: Uint8Array, end: number): ResponseHead {
  const lines = latin1(bytes.subarray(0, end - 4)).split("\r\n");
  const status = STATUS_LINE.exec(lines[0]!);
  if (!status) throw new TypeError(`Upstream response has a malformed status line: ${lines[0]!.slice(0, 100)}`);
  const headers: Array<[string, string]> = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    const colon = line.indexOf(":");
    if (colon <= 0 || line[0] === " " || line[0] === "\t") {
      throw new TypeError(`Upstream response has a malformed header line: ${line.slice(0, 100)}`);
    }
    headers.push([line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()]);
  }
  return {
    status: Number(status[2]),
    statusText: status[3] ?? "",
    headers,
    http10: status[1] === "0",
    length: end,
  };
}

/** The value of header `name` (lower-case) in `head`, comma-joined when repeated. */
export function headerValue(head: ResponseHead, name: string): string | undefined {
  let value: string | undefined;
  for (const [k, v] of head.headers) if (k === name) value = value === undefined ? v : `${value}, ${v}`;
  return value;
}

/** How the body of `head`, the answer to a `method` request, is delimited (RFC 9112 §6.3). */
export function responseFraming(method: string, head: ResponseHead): Framing {
  if (method === "HEAD" || head.status < 200 || head.status === 204 || head.status === 304) return { kind: "none" };
  const te = headerValue(head, "transfer-encoding");
  if (te !== undefined) {
    return te.toLowerCase().split(",").at(-1)!.trim() === "chunked" ? { kind: "chunked" } : { kind: "close" };
  }
  const cl = headerValue(head, "content-length");
  if (cl !== undefined) {
    const values = new Set(cl.split(",").map((v) => v.trim()));
    const length = Number([...values][0]);
    if (values.size !== 1 || !/^\d+$/.test([...values][0]!) || !Number.isSafeInteger(length)) {
      throw new TypeError(`Upstream response has an invalid content-length: ${cl}`);
    }
    return { kind: "length", length };
  }
  return { kind: "close" };
}

/** Whether the connection may carry another request after this response. */
export function keepsAlive(head: ResponseHead, framing: Framing): boolean {
  if (framing.kind === "close") return false;
  const connection = (headerValue(head, "connection") ?? "").toLowerCase();
  return head.http10 ? connection.includes("keep-alive") : !connection.split(",").some((t) => t.trim() === "close");
}

/**
 * The head of a request: request line, `host`, the given fields, and `content-length` when there is a
 * body. Field names and values must already be valid (as `Headers` guarantees).
 */
export function requestHead(
  method: string,
  target: string,
  host: string,
  fields: ReadonlyArray<readonly [string, string]>,
  bodyLength: number | undefined,
): string {
  let head = `${method} ${target} HTTP/1.1\r\nhost: ${host}\r\n`;
  for (const [k, v] of fields) head += `${k}: ${v}\r\n`;
  if (bodyLength !== undefined) head += `content-length: ${bodyLength}\r\n`;
  return head + "\r\n";
}

const encoder = new TextEncoder();
const NON_ASCII = /[\u0080-\uffff]/;

/** Encodes a request head and body into one buffer (so one write sends both); bytes above 0x7f as latin1. */
export function encodeRequest(head: string, body: Uint8Array | undefined): Uint8Array {
  const size = head.length + (body?.byteLength ?? 0);
  const out = new Uint8Array(size);
  if (!NON_ASCII.test(head)) encoder.encodeInto(head, out);
  else for (let i = 0; i < head.length; i++) out[i] = head.charCodeAt(i);
  if (body) out.set(body, head.length);
  return out;
}
