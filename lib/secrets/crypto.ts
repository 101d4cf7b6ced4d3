/**
 * The encrypted store's envelope: AES-256-GCM (authenticated) under a key PBKDF2-SHA-256 derives from a
 * password, a random salt per file and a random nonce per write, all WebCrypto. The envelope is JSON, so the
 * format names its own parameters; a wrong password and a changed byte both fail the GCM tag check.
 * @module
 */

function encodeBase64(bytes: Uint8Array): string {
  let text = "";
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text);
}

function decodeBase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

/** PBKDF2 iterations (OWASP's 2023 figure for PBKDF2-HMAC-SHA256). */
export const PBKDF2_ITERATIONS = 600_000;

/** The file format: its parameters and the ciphertext (base64). */
export interface Envelope {
  /** Format version. */
  readonly version: 1;
  /** Key derivation and its iterations. */
  readonly kdf: "PBKDF2-SHA256";
  /** PBKDF2 iterations. */
  readonly iterations: number;
  /** Salt, base64, 16 bytes. */
  readonly salt: string;
  /** Cipher. */
  readonly cipher: "AES-256-GCM";
  /** Nonce, base64, 12 bytes. */
  readonly nonce: string;
  /** Ciphertext with its tag, base64. */
  readonly data: string;
}

async function deriveKey(password: string, salt: Uint8Array, iterations: number): Promise<CryptoKey> {
  const base = await crypto.subtle.importKey("raw", new TextEncoder().encode(password), "PBKDF2", false, [
    "deriveKey",
  ]);
  return await crypto.subtle.deriveKey(
    { name: "PBKDF2", hash: "SHA-256", salt: salt as BufferSource, iterations },
    base,
    { name: "AES-GCM", length: 256 },
    false,
    ["encrypt", "decrypt"],
  );
}

/** Encrypts `plaintext` under `password` (fresh salt and nonce). */
export async function seal(password: string, plaintext: string, iterations = PBKDF2_ITERATIONS): Promise<Envelope> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const nonce = crypto.getRandomValues(new Uint8Array(12));
  const key = await deriveKey(password, salt, iterations);
  const data = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv: nonce, additionalData: new TextEncoder().encode("thv-secrets-v1") },
    key,
    new TextEncoder().encode(plaintext),
  );
  return {
    version: 1,
    kdf: "PBKDF2-SHA256",
    iterations,
    salt: encodeBase64(salt),
    cipher: "AES-256-GCM",
    nonce: encodeBase64(nonce),
    data: encodeBase64(new Uint8Array(data)),
  };
}

/** Decrypts an envelope; a wrong password or a changed file is an Error saying so. */
export async function open(password: string, envelope: Envelope): Promise<string> {
  if (envelope.version !== 1 || envelope.kdf !== "PBKDF2-SHA256" || envelope.cipher !== "AES-256-GCM") {
    throw new Error("unknown format");
  }
  const key = await deriveKey(password, decodeBase64(envelope.salt), envelope.iterations);
  try {
    const plain = await crypto.subtle.decrypt(
      {
        name: "AES-GCM",
        iv: decodeBase64(envelope.nonce) as BufferSource,
        additionalData: new TextEncoder().encode("thv-secrets-v1"),
      },
      key,
      decodeBase64(envelope.data) as BufferSource,
    );
    return new TextDecoder().decode(plain);
  } catch {
    throw new Error("wrong password, or the file was changed");
  }
}
