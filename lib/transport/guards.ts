/**
 * Request guards of every proxy listener: Host and Origin allow-lists against DNS rebinding, and a body
 * size limit. Each returns a Response when the request must be refused, undefined otherwise.
 * @module
 */
import { ErrorCode } from "./jsonrpc.ts";

/** A JSON-RPC error as an HTTP response (id null: the request was not read). */
export function jsonRpcError(status: number, code: number, message: string): Response {
  return Response.json({ jsonrpc: "2.0", id: null, error: { code, message } }, { status });
}

const LOCAL = ["localhost", "127.0.0.1", "[::1]"];

function hostname(hostHeader: string): string {
  return hostHeader.startsWith("[") ? hostHeader.slice(0, hostHeader.indexOf("]") + 1) : hostHeader.split(":")[0]!;
}

/**
 * The authority a request was sent to: its Host field, or, when it has none, the authority of its URL.
 * HTTP/2 carries the authority in the `:authority` pseudo-header, which Deno puts in the URL and not in a
 * Host field. An HTTP/1 request without Host counts as sent to `localhost` (Deno puts that in its URL); such
 * a client is no browser (browsers always send Host), so it is no DNS-rebinding vector, and it could as well
 * have sent `Host: localhost`.
 */
export function requestHost(req: Request): string {
  const host = req.headers.get("host");
  if (host !== null) return host;
  // Behind thv's listener relay (lib/listener), Deno names the unix socket in place of the authority.
  if (req.url.startsWith("http+unix:")) return "localhost";
  const start = req.url.indexOf("//") + 2;
  const end = req.url.indexOf("/", start);
  return req.url.slice(start, end < 0 ? undefined : end);
}

/**
 * Refuses a request whose Host (HTTP/1) or `:authority` (HTTP/2) is not in `allowedHosts` (plus the loopback
 * names), or whose Origin, when present, is neither in `allowedOrigins` nor a loopback origin: 403, as the
 * MCP spec asks for a bad Origin.
 */
export function checkHostAndOrigin(
  req: Request,
  options: { allowedHosts: readonly string[]; allowedOrigins: readonly string[] },
): Response | undefined {
  const host = requestHost(req);
  const name = host ? hostname(host).toLowerCase() : "";
  if (!host || !(LOCAL.includes(name) || options.allowedHosts.includes(name))) {
    return jsonRpcError(403, ErrorCode.InvalidRequest, `Forbidden: Host ${host || "(none)"} is not allowed`);
  }
  const origin = req.headers.get("origin");
  if (origin !== null) {
    let originHost = "";
    try {
      originHost = new URL(origin).host;
    } catch { /* not a URL: refused below */ }
    const allowed = options.allowedOrigins.includes(origin) || LOCAL.includes(hostname(originHost).toLowerCase());
    if (!allowed) return jsonRpcError(403, ErrorCode.InvalidRequest, `Forbidden: Origin ${origin} is not allowed`);
  }
  return undefined;
}

/** Reads the body up to `maxBytes`; a larger one is a 413 Response (read no further than the limit). */
export async function readBodyLimited(req: Request, maxBytes: number): Promise<Uint8Array<ArrayBuffer> | Response> {
  const tooLarge = () =>
    jsonRpcError(413, ErrorCode.InvalidRequest, `Request body larger than ${maxBytes} bytes: send smaller messages`);
  const declared = Number(req.headers.get("content-length") ?? "NaN");
  if (declared > maxBytes) return tooLarge();
  // A declared length is enforced by the HTTP server, so the body can be read whole in one step.
  if (Number.isSafeInteger(declared)) return await req.bytes();
  if (!req.body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = req.body.getReader();
  while (true) {
    const { value, done } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      return tooLarge();
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const c of chunks) {
    body.set(c, offset);
    offset += c.byteLength;
  }
  return body;
}

/** The path and query of an absolute request URL, as a request line carries them: no URL parsing. */
export function pathAndQuery(url: string): string {
  const slash = url.indexOf("/", url.indexOf("//") + 2);
  return slash < 0 ? "/" : url.slice(slash);
}

/** The path of an absolute request URL, without its query. */
export function pathOf(url: string): string {
  const target = pathAndQuery(url);
  const query = target.indexOf("?");
  return query < 0 ? target : target.slice(0, query);
}
