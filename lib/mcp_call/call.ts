/**
 * One client request as the proxy's middleware chain sees it (decision 023): the HTTP request, who sent it
 * (set by authentication), the JSON-RPC messages of its body (read once, here), and what goes upstream in
 * place of the client's own credentials. Middleware are {@linkcode CallMiddleware}s over a
 * {@linkcode CallHandler}; lib/middleware assembles them from a RunConfig in ToolHive's order.
 * @module
 */
import { readBody } from "../http/mod.ts";
import type { Message } from "../transport/mod.ts";

/** Who sent a request: the validated token's subject and claims, or the anonymous local user. */
export interface Identity {
  /** `sub` of the token; `anonymous` when no authentication is configured. */
  readonly subject: string;
  /** Every claim of the validated token (none for the anonymous user). */
  readonly claims: Readonly<Record<string, unknown>>;
  /** The client's token, for token exchange only: it never goes upstream as it is. */
  readonly token?: string;
  /** True when no authentication is configured. */
  readonly anonymous: boolean;
}

/** The identity of every request when no authentication is configured. */
export const ANONYMOUS: Identity = Object.freeze({ subject: "anonymous", claims: Object.freeze({}), anonymous: true });

/** One request passing through the chain. Each field is written by one middleware only, as noted. */
export interface ProxyCall {
  /** The request as the client sent it (its body is read: use {@linkcode ProxyCall.body}). */
  readonly request: Request;
  /** Its path, without the query. */
  readonly path: string;
  /** `performance.now()` when it arrived. */
  readonly started: number;
  /** The session it belongs to (`Mcp-Session-Id`, or the legacy `session_id`/`sessionId` query), if any. */
  readonly sessionId: string | undefined;
  /** The body of a POST (empty for other methods); a mutating webhook may replace it. */
  body: Uint8Array<ArrayBuffer>;
  /** The JSON-RPC messages of the body (one, or a batch); empty when it is none. Kept in step with `body`. */
  messages: readonly Message[];
  /** Who sent it; {@linkcode ANONYMOUS} until authentication sets it. */
  identity: Identity;
  /**
   * Headers to set on the request toward the MCP server, replacing the client's (outgoing authentication);
   * the client's `Authorization` is always dropped when the chain authenticates clients.
   */
  readonly upstreamHeaders: Headers;
}

/** The rest of the chain: answers a call. */
export type CallHandler = (call: ProxyCall) => Promise<Response>;

/** Wraps the rest of the chain. */
export type CallMiddleware = (next: CallHandler) => CallHandler;

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** The JSON-RPC messages of a body: one message or a batch; none when it is not JSON-RPC (the server answers it). */
export function messagesOf(body: Uint8Array): Message[] {
  if (body.byteLength === 0) return [];
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(body));
  } catch {
    return [];
  }
  const list = Array.isArray(value) ? value : [value];
  return list.filter((m): m is Message => !!m && typeof m === "object" && !Array.isArray(m));
}

/** A body holding `messages` (a batch when there are several, or when `batch` says so). */
export function bodyOf(messages: readonly Message[], batch = messages.length > 1): Uint8Array<ArrayBuffer> {
  return encoder.encode(JSON.stringify(batch ? messages : messages[0]));
}

/** The session id a request names. */
function sessionIdOf(req: Request): string | undefined {
  const header = req.headers.get("mcp-session-id");
  if (header) return header;
  const q = req.url.indexOf("?");
  if (q < 0) return undefined;
  const params = new URLSearchParams(req.url.slice(q + 1));
  return params.get("session_id") ?? params.get("sessionId") ?? undefined;
}

/** Reads a request into a {@linkcode ProxyCall}: the body up to `maxBodyBytes` (413 past it), parsed once. */
export async function readCall(
  req: Request,
  path: string,
  options: { readonly maxBodyBytes: number },
): Promise<ProxyCall> {
  const started = performance.now();
  const body = req.method === "POST" ? await readBody(req, { maxBytes: options.maxBodyBytes }) : new Uint8Array(0);
  return {
    request: req,
    path,
    started,
    sessionId: sessionIdOf(req),
    body,
    messages: messagesOf(body),
    identity: ANONYMOUS,
    upstreamHeaders: new Headers(),
  };
}

/** What an MCP request acts on, as authorization, audit and telemetry name it. */
export interface McpOperation {
  /** The JSON-RPC method. */
  readonly method: string;
  /** The JSON-RPC id (absent for a notification). */
  readonly id?: string | number;
  /** `tools/call`: the tool; `prompts/get`: the prompt; `resources/read`: the resource URI. */
  readonly target?: string;
  /** The arguments of a tool call or prompt. */
  readonly arguments?: Readonly<Record<string, unknown>>;
}

/** The operation of one request or notification; undefined for a response (a client answering the server). */
export function operationOf(message: Message): McpOperation | undefined {
  if (typeof message.method !== "string") return undefined;
  const params = message.params ?? {};
  const id = message.id ?? undefined;
  const base = { method: message.method, ...(id !== undefined ? { id } : {}) };
  switch (message.method) {
    case "tools/call":
    case "prompts/get": {
      const name = params.name;
      const args = params.arguments;
      return {
        ...base,
        ...(typeof name === "string" ? { target: name } : {}),
        ...(args && typeof args === "object" && !Array.isArray(args)
          ? { arguments: args as Record<string, unknown> }
          : {}),
      };
    }
    case "resources/read":
    case "resources/subscribe":
    case "resources/unsubscribe":
      return { ...base, ...(typeof params.uri === "string" ? { target: params.uri } : {}) };
    default:
      return base;
  }
}
