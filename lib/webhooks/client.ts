/**
 * Calling one webhook: a signed JSON POST (ToolHive's request `{version, uid, timestamp, principal,
 * mcp_request, context}`), within its timeout, over TLS with the configured CA bundle and client
 * certificate. The answer is classified as ToolHive does: a 200 with JSON is an answer, 422 always denies,
 * anything else (timeout, network error, 5xx, other statuses, bad JSON, past 1 MiB) is a failure the
 * webhook's failure policy decides.
 * @module
 */
import type { Logger } from "../log.ts";
import type { Webhook } from "../run_config.ts";
import { timeoutMs, type WebhookKind } from "./config.ts";
import { hmacKey, SIGNATURE_HEADER, signPayload, TIMESTAMP_HEADER } from "./signing.ts";

/** The webhook protocol version sent. */
export const WEBHOOK_API_VERSION = "v0.1.0";
/** Largest webhook answer read. */
export const MAX_RESPONSE_BYTES = 1 << 20;

/** What the proxy sends a webhook. */
export interface WebhookRequest {
  /** {@linkcode WEBHOOK_API_VERSION}. */
  readonly version: string;
  /** A fresh UUID per call. */
  readonly uid: string;
  /** When the call was made (UTC, ISO 8601). */
  readonly timestamp: string;
  /** Who sent the MCP request (no credentials); null for the anonymous user. */
  readonly principal: Readonly<Record<string, unknown>> | null;
  /** The JSON-RPC message. */
  readonly mcp_request: unknown;
  /** Where it came from. */
  readonly context: {
    readonly server_name: string;
    readonly source_ip: string;
    readonly transport: string;
    readonly namespace?: string;
  };
}

/** A webhook's answer (validating: `allowed`, `message`...; mutating adds `patch_type` and `patch`). */
export interface WebhookResponse {
  /** Echo of the request's uid. */
  readonly uid?: string;
  /** Whether the request may go on. */
  readonly allowed: boolean;
  /** An HTTP status for a denial. */
  readonly code?: number;
  /** Why, for people. */
  readonly message?: string;
  /** Why, for machines. */
  readonly reason?: string;
  /** `json_patch` when `patch` is set. */
  readonly patch_type?: string;
  /** RFC 6902 operations over `{mcp_request}`. */
  readonly patch?: unknown;
}

/** The outcome of one call. */
export type WebhookOutcome =
  | { readonly kind: "answer"; readonly response: WebhookResponse }
  | { readonly kind: "deny"; readonly error: string }
  | { readonly kind: "failure"; readonly error: string };

/** A webhook ready to call. */
export interface WebhookClient {
  /** Its config. */
  readonly hook: Webhook;
  /** Calls it; never throws. `signal` is the client's request (a client gone ends the call). */
  call(request: WebhookRequest, signal?: AbortSignal): Promise<WebhookOutcome>;
  /** Releases its HTTP client. */
  close(): void;
}

/** What building a client reads. */
export interface WebhookClientDeps {
  /** Reads a mounted file (HMAC key, CA bundle, client certificate and key). */
  readonly readTextFile: (path: string) => Promise<string>;
  /** Reads a mounted file as bytes (the HMAC key). */
  readonly readFile?: (path: string) => Promise<Uint8Array>;
  /** Logger. */
  readonly log: Logger;
  /** `fetch`; default the global one. */
  readonly fetch?: typeof fetch;
}

async function readMounted<T>(what: string, path: string, read: (p: string) => Promise<T>): Promise<T> {
  try {
    return await read(path);
  } catch (e) {
    throw new TypeError(`Cannot read ${what} ${path}: ${(e as Error).message}: mount the Secret`, { cause: e });
  }
}

/** Builds the client of `hook` in list `kind`; throws a TypeError when a mounted file cannot be read. */
export async function webhookClient(kind: WebhookKind, hook: Webhook, deps: WebhookClientDeps): Promise<WebhookClient> {
  const name = `${kind} webhook "${hook.name}"`;
  let key: CryptoKey | undefined;
  if (hook.hmac_secret_ref) {
    const raw = await readMounted(
      `the HMAC key of ${name}:`,
      hook.hmac_secret_ref,
      deps.readFile ?? Deno.readFile,
    );
    // A key file written by hand often ends in a newline that is not part of the key.
    let end = raw.byteLength;
    while (end > 0 && (raw[end - 1] === 0x0a || raw[end - 1] === 0x0d)) end--;
    if (end === 0) throw new TypeError(`The HMAC key of ${name} (${hook.hmac_secret_ref}) is empty: fill the Secret`);
    key = await hmacKey(raw.subarray(0, end));
  }
  const tls = hook.tls_config;
  if (tls?.insecure_skip_verify && hook.url.startsWith("https:")) {
    deps.log.warn("Webhook TLS certificate is verified despite insecure_skip_verify", {
      webhook: hook.name,
      reason: "thv cannot skip TLS verification: give the webhook's CA in ca_bundle_path",
    });
  }
  let client: Deno.HttpClient | undefined;
  if (tls?.ca_bundle_path || tls?.client_cert_path) {
    const caCerts = tls.ca_bundle_path
      ? [await readMounted(`the CA bundle of ${name}:`, tls.ca_bundle_path, deps.readTextFile)]
      : undefined;
    const pair = tls.client_cert_path && tls.client_key_path
      ? {
        cert: await readMounted(`the client certificate of ${name}:`, tls.client_cert_path, deps.readTextFile),
        key: await readMounted(`the client key of ${name}:`, tls.client_key_path, deps.readTextFile),
      }
      : {};
    try {
      client = Deno.createHttpClient({ ...(caCerts ? { caCerts } : {}), ...pair });
    } catch (e) {
      throw new TypeError(`The TLS config of ${name} is not usable: ${(e as Error).message}`, { cause: e });
    }
  }
  const doFetch = deps.fetch ?? fetch;
  const timeout = timeoutMs(hook);
  return {
    hook,
    async call(request, signal) {
      const body = new TextEncoder().encode(JSON.stringify(request));
      const headers = new Headers({ "content-type": "application/json", accept: "application/json" });
      if (key) {
        const ts = Math.floor(Date.now() / 1000);
        headers.set(SIGNATURE_HEADER, await signPayload(key, ts, body));
        headers.set(TIMESTAMP_HEADER, String(ts));
      }
      const deadline = AbortSignal.timeout(timeout);
      const abort = signal ? AbortSignal.any([deadline, signal]) : deadline;
      try {
        const res = await doFetch(hook.url, {
          method: "POST",
          headers,
          body,
          signal: abort,
          redirect: "manual",
          ...(client ? { client } : {}),
        } as RequestInit);
        const text = await readCapped(res);
        if (res.status === 422) return { kind: "deny", error: `${name} answered HTTP 422: ${preview(text)}` };
        if (res.status !== 200) {
          return { kind: "failure", error: `${name} answered HTTP ${res.status}: ${preview(text)}` };
        }
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          return { kind: "failure", error: `${name} answered with a body that is not JSON: ${preview(text)}` };
        }
        if (!parsed || typeof parsed !== "object" || typeof (parsed as { allowed?: unknown }).allowed !== "boolean") {
          return { kind: "failure", error: `${name} answered without a boolean "allowed": ${preview(text)}` };
        }
        return { kind: "answer", response: parsed as WebhookResponse };
      } catch (e) {
        if (deadline.aborted) return { kind: "failure", error: `${name} did not answer within ${timeout} ms` };
        const cause = (e as Error).cause instanceof Error ? `: ${((e as Error).cause as Error).message}` : "";
        return { kind: "failure", error: `${name} cannot be reached: ${(e as Error).message}${cause}` };
      }
    },
    close: () => client?.close(),
  };
}

/** The body of `res` as text, throwing past {@linkcode MAX_RESPONSE_BYTES}. */
async function readCapped(res: Response): Promise<string> {
  if (!res.body) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of res.body) {
    size += chunk.byteLength;
    if (size > MAX_RESPONSE_BYTES) throw new Error(`the answer is larger than ${MAX_RESPONSE_BYTES} bytes`);
    chunks.push(chunk);
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.byteLength;
  }
  return new TextDecoder().decode(all);
}

function preview(text: string): string {
  return text.length > 256 ? `${text.slice(0, 256)}...` : text;
}
