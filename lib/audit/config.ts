/**
 * The audit settings of one proxy, from RunConfig `audit_config` and the file `audit_config_path` names
 * (ToolHive's `pkg/audit` Config: camelCase keys; the snake_case keys of older ToolHive files are read too).
 * @module
 */
import { AuditConfig, type RunConfig } from "../run_config.ts";

/** Event types a config may name in `eventTypes` / `excludeEventTypes` (ToolHive's list). */
export const AUDIT_EVENT_TYPES: ReadonlySet<string> = new Set([
  "mcp_initialize",
  "mcp_tool_call",
  "mcp_tools_list",
  "mcp_resource_read",
  "mcp_resources_list",
  "mcp_prompt_get",
  "mcp_prompts_list",
  "mcp_notification",
  "mcp_ping",
  "mcp_logging",
  "mcp_completion",
  "mcp_roots_list_changed",
  "vmcp_workflow_started",
  "vmcp_workflow_completed",
  "vmcp_workflow_failed",
  "vmcp_workflow_timed_out",
  "vmcp_workflow_step_started",
  "vmcp_workflow_step_completed",
  "vmcp_workflow_step_failed",
  "vmcp_workflow_step_skipped",
  "mcp_request",
  "http_request",
]);

/** Default `maxDataSize` (bytes). */
export const DEFAULT_MAX_DATA_SIZE = 1024;
/** Default `maxDelegationDepth`. */
export const DEFAULT_MAX_DELEGATION_DEPTH = 10;

/** What the audit stage does, resolved and checked. */
export interface AuditSettings {
  /** The component named in every event. */
  readonly component: string;
  /** Types audited; empty: all. */
  readonly eventTypes: ReadonlySet<string>;
  /** Types never audited. */
  readonly excludeEventTypes: ReadonlySet<string>;
  /** Record the redacted request. */
  readonly includeRequestData: boolean;
  /** Record the redacted response. */
  readonly includeResponseData: boolean;
  /** Look for JSON-RPC errors in 2xx answers. */
  readonly detectApplicationErrors: boolean;
  /** Cap of each recorded request or response, in bytes. */
  readonly maxDataSize: number;
  /** Deepest delegation chain recorded. */
  readonly maxDelegationDepth: number;
  /** Append events to this file; undefined: the log. */
  readonly logFile: string | undefined;
}

/** Older ToolHive files spell the keys in snake_case. */
const SNAKE_KEYS: Readonly<Record<string, string>> = {
  event_types: "eventTypes",
  exclude_event_types: "excludeEventTypes",
  include_request_data: "includeRequestData",
  include_response_data: "includeResponseData",
  detect_application_errors: "detectApplicationErrors",
  max_data_size: "maxDataSize",
  max_delegation_depth: "maxDelegationDepth",
  log_file: "logFile",
};

function camelCased(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [SNAKE_KEYS[k] ?? k, v]));
}

/** Parses an audit config file's JSON text; throws a TypeError naming `source` and the bad field. */
export function parseAuditConfigFile(text: string, source: string): AuditConfig {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new TypeError(`Audit config ${source} is not JSON: ${(e as Error).message}`, { cause: e });
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) {
    throw new TypeError(`Audit config ${source} must be a JSON object`);
  }
  const parsed = AuditConfig.safeParse(camelCased(value as Record<string, unknown>));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new TypeError(`Audit config ${source}: field ${issue.path.join(".")}: ${issue.message}`);
  }
  return parsed.data;
}

function typeSet(list: readonly string[] | null | undefined, field: string, what: string): Set<string> {
  for (const t of list ?? []) {
    if (!AUDIT_EVENT_TYPES.has(t)) {
      throw new TypeError(`${field}: unknown ${what}: ${t} (known: ${[...AUDIT_EVENT_TYPES].join(", ")})`);
    }
  }
  return new Set(list ?? []);
}

/**
 * The settings `config` asks for, or undefined when audit is off. `audit_config_path` is read with
 * `readTextFile`; its keys win over those of `audit_config`. Throws a TypeError naming the bad field.
 */
export async function auditSettingsOf(
  config: RunConfig,
  readTextFile: (path: string) => Promise<string>,
): Promise<AuditSettings | undefined> {
  let merged: AuditConfig | undefined = config.audit_config ? camelCased(config.audit_config) : undefined;
  const where = config.audit_config_path ? `audit config ${config.audit_config_path}` : "audit_config";
  if (config.audit_config_path) {
    let text: string;
    try {
      text = await readTextFile(config.audit_config_path);
    } catch (e) {
      throw new TypeError(
        `Cannot read audit_config_path ${config.audit_config_path}: ${(e as Error).message}: fix the path`,
        { cause: e },
      );
    }
    merged = { ...merged, ...parseAuditConfigFile(text, config.audit_config_path) };
  }
  if (!merged || merged.enabled === false) return undefined;
  const maxDataSize = merged.maxDataSize ?? 0;
  if (maxDataSize < 0) throw new TypeError(`${where}: maxDataSize cannot be negative`);
  const depth = merged.maxDelegationDepth ?? DEFAULT_MAX_DELEGATION_DEPTH;
  if (depth < 1) throw new TypeError(`${where}: maxDelegationDepth must be positive`);
  return {
    component: merged.component || config.name,
    eventTypes: typeSet(merged.eventTypes, `${where}.eventTypes`, "event type"),
    excludeEventTypes: typeSet(merged.excludeEventTypes, `${where}.excludeEventTypes`, "exclude event type"),
    includeRequestData: merged.includeRequestData ?? false,
    includeResponseData: merged.includeResponseData ?? false,
    detectApplicationErrors: merged.detectApplicationErrors ?? true,
    maxDataSize: maxDataSize || DEFAULT_MAX_DATA_SIZE,
    maxDelegationDepth: depth,
    logFile: merged.logFile || undefined,
  };
}

/** Whether events of `type` are audited (the exclude list wins). */
export function audits(settings: AuditSettings, type: string): boolean {
  if (settings.excludeEventTypes.has(type)) return false;
  return settings.eventTypes.size === 0 || settings.eventTypes.has(type);
}
