/**
 * Audit events (ToolHive's `pkg/audit` event JSON): the type of an MCP method, the outcome of an HTTP
 * status, who asked (subjects), what was acted on (target), and request or response data redacted and
 * capped. Pure functions; the stage assembles them.
 * @module
 */
import type { Identity, McpOperation } from "../mcp_call/mod.ts";

/** One audit event, as written (one JSON line). */
export interface AuditEvent {
  /** `auditId` and extra facts: `duration_ms`, `transport`, `status_code`, JSON-RPC error details. */
  readonly metadata: { readonly auditId: string; readonly extra?: Readonly<Record<string, unknown>> };
  /** `mcp_tool_call`, `mcp_tools_list`, ..., `mcp_request`, `http_request`, `sse_connection`. */
  readonly type: string;
  /** When it was logged (UTC, ISO 8601). */
  readonly loggedAt: string;
  /** Where the request came from. */
  readonly source: {
    readonly type: "network" | "local";
    readonly value: string;
    readonly extra?: Readonly<Record<string, unknown>>;
  };
  /** `success`, `denied` (401, 403), `failure` (other 4xx), `error` (5xx), `application_error`. */
  readonly outcome: Outcome;
  /** Who: `user`, `user_id`, `client_name`, `client_version`. */
  readonly subjects: Readonly<Record<string, string>>;
  /** The chain of parties that acted for the subject (RFC 8693 `act`), outermost first. */
  readonly delegation?: readonly Readonly<Record<string, unknown>>[];
  /** The server (or component) the event happened in. */
  readonly component: string;
  /** What: `type`, `name`, `uri`, `method`, `endpoint`. */
  readonly target?: Readonly<Record<string, string>>;
  /** The redacted request and response, when asked for. */
  readonly data?: Readonly<Record<string, unknown>>;
}

/** The outcome of an audited operation. */
export type Outcome = "success" | "denied" | "failure" | "error" | "application_error";

const METHOD_TYPES: Readonly<Record<string, string>> = {
  "initialize": "mcp_initialize",
  "tools/call": "mcp_tool_call",
  "tools/list": "mcp_tools_list",
  "resources/read": "mcp_resource_read",
  "resources/list": "mcp_resources_list",
  "prompts/get": "mcp_prompt_get",
  "prompts/list": "mcp_prompts_list",
  "notifications/message": "mcp_notification",
  "ping": "mcp_ping",
  "logging/setLevel": "mcp_logging",
  "completion/complete": "mcp_completion",
  "notifications/roots/list_changed": "mcp_roots_list_changed",
};

/** The event type of an MCP method (`mcp_request` for the others; `http_request` when there is none). */
export function eventTypeOf(method: string | undefined): string {
  if (method === undefined) return "http_request";
  return METHOD_TYPES[method] ?? "mcp_request";
}

/** The outcome of an HTTP status. */
export function outcomeOf(status: number): Outcome {
  if (status === 401 || status === 403) return "denied";
  if (status >= 500) return "error";
  if (status >= 400) return "failure";
  return "success";
}

const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

/**
 * Who sent a request: `user_id` (the token's subject), `user` (name, else preferred_username, else email;
 * `anonymous` when none), `client_name`/`client_version` from the claims or the initialize request's
 * clientInfo.
 */
export function subjectsOf(identity: Identity, clientInfo?: { name?: unknown; version?: unknown }) {
  const claims = identity.claims;
  const out: Record<string, string> = {};
  if (!identity.anonymous && identity.subject) out.user_id = identity.subject;
  out.user = str(claims.name) ?? str(claims.preferred_username) ?? str(claims.email) ?? "anonymous";
  const clientName = str(claims.client_name) ?? str(clientInfo?.name);
  const clientVersion = str(claims.client_version) ?? str(clientInfo?.version);
  if (clientName) out.client_name = clientName;
  if (clientVersion) out.client_version = clientVersion;
  return out;
}

/** The RFC 8693 `act` chain of a token's claims, outermost first, at most `depth` deep (no token values). */
export function delegationOf(claims: Readonly<Record<string, unknown>>, depth: number): Record<string, unknown>[] {
  const chain: Record<string, unknown>[] = [];
  let act = claims.act;
  while (act && typeof act === "object" && !Array.isArray(act) && chain.length < depth) {
    const { act: next, ...party } = act as Record<string, unknown>;
    chain.push(redactData(party) as Record<string, unknown>);
    act = next;
  }
  return chain;
}

/** The target of an operation: its type, name or URI, MCP (or HTTP) method and endpoint. */
export function targetOf(op: McpOperation | undefined, path: string, httpMethod: string): Record<string, string> {
  const target: Record<string, string> = { endpoint: path, method: op?.method ?? httpMethod };
  switch (op?.method) {
    case "tools/call":
      target.type = "tool";
      break;
    case "prompts/get":
      target.type = "prompt";
      break;
    case "resources/read":
    case "resources/subscribe":
    case "resources/unsubscribe":
      target.type = "resource";
      if (op.target) target.uri = op.target;
      break;
    default:
      target.type = "endpoint";
  }
  if (op?.target) target.name = op.target;
  return target;
}

/** Keys whose values are credentials, at any depth. */
const SECRET_KEY =
  /token|secret|passw(or)?d|authorization|api[-_]?key|private[-_]?key|access[-_]?key|credential|cookie|^key$|[-_]key$/i;
/** Values that are credentials whatever their key: bearer and basic headers, JWTs. */
const SECRET_VALUE = /^(bearer|basic)\s+\S+|^eyJ[\w-]+\.[\w-]+\.[\w-]*$/i;
/** What a redacted value becomes. */
export const REDACTED = "[redacted]";

/** A copy of `value` with credential-like keys and values replaced by `[redacted]`, at any depth. */
export function redactData(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return SECRET_VALUE.test(value.trim()) ? REDACTED : value;
  if (value === null || typeof value !== "object") return value;
  if (depth > 16) return "[deep]";
  if (Array.isArray(value)) return value.map((v) => redactData(v, depth + 1));
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, SECRET_KEY.test(k) ? REDACTED : redactData(v, depth + 1)]),
  );
}

/** `value` redacted, as itself when its JSON fits in `max` bytes, else its JSON cut to `max` bytes plus `…`. */
export function cappedData(value: unknown, max: number): { value: unknown; truncated: boolean } {
  const redacted = redactData(value);
  const json = JSON.stringify(redacted) ?? "null";
  const bytes = new TextEncoder().encode(json);
  if (bytes.byteLength <= max) return { value: redacted, truncated: false };
  // Cut on a character boundary: a partial UTF-8 sequence at the end is dropped by the fatal-less decoder.
  const cut = new TextDecoder().decode(bytes.subarray(0, max)).replace(/\uFFFD+$/, "");
  return { value: `${cut}…`, truncated: true };
}
