/**
 * JSON-RPC 2.0 message shapes as the proxy sees them: classification and error construction, without
 * validating method-specific params (that is the server's job).
 * @module
 */

/** A JSON-RPC id. */
export type Id = string | number;

/** Any JSON-RPC message, loosely typed: the proxy forwards what it does not need to understand. */
export type Message = {
  jsonrpc: "2.0";
  id?: Id | null;
  method?: string;
  params?: Record<string, unknown>;
  result?: unknown;
  error?: { code: number; message: string; data?: unknown };
};

/** A request: a method and an id. */
export type Request = Message & { id: Id; method: string };
/** A notification: a method and no id. */
export type Notification = Message & { method: string };
/** A response: an id and a result or an error. */
export type Response = Message & { id: Id };

/** JSON-RPC error codes the proxy uses. */
export const ErrorCode = {
  ParseError: -32700,
  InvalidRequest: -32600,
  MethodNotFound: -32601,
  InternalError: -32603,
  /** The backend did not answer in time, or went away. */
  BackendUnavailable: -32000,
  RequestTimeout: -32001,
  /** The client cancelled the request (the code LSP uses; the client ignores the answer). */
  RequestCancelled: -32800,
} as const;

/** True for a request (method and id). */
export function isRequest(m: Message): m is Request {
  return typeof m.method === "string" && m.id !== undefined && m.id !== null;
}

/** True for a notification (method, no id). */
export function isNotification(m: Message): m is Notification {
  return typeof m.method === "string" && (m.id === undefined || m.id === null);
}

/** True for a response (id and result or error, no method). */
export function isResponse(m: Message): m is Response {
  return m.method === undefined && m.id !== undefined && m.id !== null && ("result" in m || "error" in m);
}

/** A JSON-RPC error response. */
export function errorResponse(id: Id | null, code: number, message: string): Message {
  return { jsonrpc: "2.0", id, error: { code, message } } as Message;
}

/** Parses one JSON-RPC message; undefined when it is not one (the caller decides how to answer). */
export function parseMessage(text: string): Message | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) return undefined;
  const m = value as Message;
  if (m.jsonrpc !== "2.0") return undefined;
  return isRequest(m) || isNotification(m) || isResponse(m) ? m : undefined;
}
