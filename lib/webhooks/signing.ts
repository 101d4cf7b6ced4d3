/**
 * HMAC signing of webhook requests, as ToolHive signs them: `X-ToolHive-Signature: sha256=<hex>` over
 * `"<unix seconds>.<body>"`, with the seconds in `X-ToolHive-Timestamp` (the receiver checks both, and the
 * timestamp's age against replay).
 * @module
 */

/** The signature header. */
export const SIGNATURE_HEADER = "X-ToolHive-Signature";
/** The timestamp header (Unix seconds). */
export const TIMESTAMP_HEADER = "X-ToolHive-Timestamp";

const encoder = new TextEncoder();

/** An HMAC-SHA256 key for signing. */
export function hmacKey(secret: Uint8Array): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", new Uint8Array(secret), { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
    "verify",
  ]);
}

/** `sha256=<hex HMAC-SHA256(key, "<timestamp>.<body>")>`. */
export async function signPayload(key: CryptoKey, timestamp: number, body: Uint8Array): Promise<string> {
  const prefix = encoder.encode(`${timestamp}.`);
  const message = new Uint8Array(prefix.byteLength + body.byteLength);
  message.set(prefix);
  message.set(body, prefix.byteLength);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, message));
  return "sha256=" + Array.from(mac, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Whether `signature` signs `body` at `timestamp` with `key` (constant-time, through WebCrypto's verify). */
export async function verifySignature(
  key: CryptoKey,
  timestamp: number,
  body: Uint8Array,
  signature: string,
): Promise<boolean> {
  if (!/^sha256=[0-9a-f]{64}$/i.test(signature)) return false;
  const hex = signature.slice(7);
  const mac = new Uint8Array(32);
  for (let i = 0; i < 32; i++) mac[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  const prefix = encoder.encode(`${timestamp}.`);
  const message = new Uint8Array(prefix.byteLength + body.byteLength);
  message.set(prefix);
  message.set(body, prefix.byteLength);
  return await crypto.subtle.verify("HMAC", key, mac, message);
}
