/**
 * The RunConfig: the one description of a workload that every role builds or reads (design.md §3). JSON
 * with snake_case keys and a `schema_version`, using ToolHive's keys where they overlap, so its RunConfigs
 * and ours read the same. It never holds secret values: those travel as references (`secrets`) and reach
 * the process through its environment.
 * @module
 */
import { z } from "zod";
import { migrateRunConfig, RUN_CONFIG_SCHEMA_VERSION } from "./run_config_version.ts";

export { migrateRunConfig, RUN_CONFIG_SCHEMA_VERSION } from "./run_config_version.ts";

/** Transports an MCP server can speak. */
export const TRANSPORTS = ["stdio", "sse", "streamable-http"] as const;

/** A transport an MCP server can speak. */
export type Transport = typeof TRANSPORTS[number];

/** Protocols the proxy can offer clients in front of a stdio server. */
const PROXY_MODES = ["sse", "streamable-http"] as const;

/** A protocol the proxy can offer clients in front of a stdio server. */
export type ProxyMode = typeof PROXY_MODES[number];

// The client-facing protocol and path rules live in a module without the schema, so the proxy (which needs
// them, not zod) loads them cheaply; importers of this module get them here as before.
export { clientPath, clientProtocol } from "./client_path.ts";

/** Network permissions of a permission profile. */
const NetworkPermissions = z.object({
  mode: z.string().optional(),
  outbound: z.object({
    insecure_allow_all: z.boolean().optional(),
    allow_host: z.array(z.string()).optional(),
    allow_port: z.array(z.int().min(1).max(65535)).optional(),
  }).optional(),
  inbound: z.object({ allow_host: z.array(z.string()).optional() }).optional(),
});

/** A permission profile: what a workload may read, write and reach. */
export const PermissionProfile = z.object({
  name: z.string().optional(),
  read: z.array(z.string()).optional(),
  write: z.array(z.string()).optional(),
  network: NetworkPermissions.optional(),
  privileged: z.boolean().optional(),
});

/** A permission profile, parsed. */
export type PermissionProfile = z.output<typeof PermissionProfile>;

/** OpenTelemetry settings, as ToolHive's `telemetry_config` (camelCase keys). */
export const TelemetryConfig = z.object({
  endpoint: z.string().optional(),
  serviceName: z.string().optional(),
  tracingEnabled: z.boolean().optional(),
  metricsEnabled: z.boolean().optional(),
  samplingRate: z.string().optional(),
  headers: z.record(z.string(), z.string()).optional(),
  insecure: z.boolean().optional(),
  enablePrometheusMetricsPath: z.boolean().optional(),
  /** thv's own: the Prometheus listener's port (default 9464); ToolHive's readers ignore it. */
  prometheusPort: z.number().int().min(0).max(65535).optional(),
  customAttributes: z.record(z.string(), z.string()).optional(),
  useLegacyAttributes: z.boolean().optional(),
  caCertPath: z.string().optional(),
});

/** RFC 8693 token exchange, as ToolHive's `token_exchange_config`. */
export const TokenExchangeConfig = z.object({
  token_url: z.string(),
  client_id: z.string().optional(),
  /** Always empty: the secret is in the env var `client_secret_env` names. */
  client_secret: z.literal("").optional(),
  client_secret_env: z.string().optional(),
  audience: z.string(),
  scopes: z.array(z.string()).optional(),
  subject_token_type: z.string().optional(),
  header_strategy: z.enum(["replace", "custom"]),
  external_token_header_name: z.string().optional(),
});

/** AWS STS, as ToolHive's `aws_sts_config`. */
export const AwsStsConfig = z.object({
  region: z.string(),
  service: z.string().optional(),
  fallback_role_arn: z.string().optional(),
  role_mappings: z.array(z.object({
    claim: z.string().optional(),
    matcher: z.string().optional(),
    role_arn: z.string(),
    priority: z.int().optional(),
  })).optional(),
  role_claim: z.string().optional(),
  session_duration: z.int().optional(),
  session_name_claim: z.string().optional(),
});

/** Incoming OIDC settings as ToolHive's RunConfig carries them (Go field names, every key present). */
export const OidcConfig = z.object({
  Issuer: z.string(),
  Audience: z.string(),
  JWKSURL: z.string(),
  ClientID: z.string(),
  /** Always empty: the secret reaches the proxy as TOOLHIVE_OIDC_CLIENT_SECRET. */
  ClientSecret: z.literal(""),
  CACertPath: z.string(),
  AuthTokenFile: z.string(),
  AllowPrivateIP: z.boolean(),
  InsecureAllowHTTP: z.boolean(),
  IntrospectionURL: z.string(),
  ResourceURL: z.string(),
  /** Null reads as absent (run_config_version.ts): absent means none. */
  Scopes: z.array(z.string()).nullable().default(null),
});

/** ToolHive's audit config (`pkg/audit`): which events, what data, where they go. */
export const AuditConfig = z.looseObject({
  /** In a RunConfig the key's presence enables audit; only `false` turns it off. */
  enabled: z.boolean().optional(),
  /** The component name in events (default: the server's name). */
  component: z.string().optional(),
  /** Event types to audit; absent or empty: all. */
  eventTypes: z.array(z.string()).nullish(),
  /** Event types never audited; wins over `eventTypes`. */
  excludeEventTypes: z.array(z.string()).nullish(),
  /** Log the (redacted) request of each operation. */
  includeRequestData: z.boolean().optional(),
  /** Log the (redacted) response of each operation. */
  includeResponseData: z.boolean().optional(),
  /** Look for a JSON-RPC error in 2xx answers (default true). */
  detectApplicationErrors: z.boolean().optional(),
  /** Largest logged request or response, in bytes (0: 1024). */
  maxDataSize: z.int().optional(),
  /** Deepest `act` delegation chain recorded (default 10). */
  maxDelegationDepth: z.int().optional(),
  /** Append events to this file (mode 0600) instead of the log. */
  logFile: z.string().optional(),
});

/** An audit config. */
export type AuditConfig = z.output<typeof AuditConfig>;

/** One webhook the proxy calls; secrets are files mounted into the proxy pod, never values. */
export const Webhook = z.object({
  name: z.string().min(1),
  url: z.string().min(1),
  /** Nanoseconds; 0: 10 s. */
  timeout: z.int().min(0),
  failure_policy: z.enum(["fail", "ignore"]),
  tls_config: z.object({
    ca_bundle_path: z.string().optional(),
    client_cert_path: z.string().optional(),
    client_key_path: z.string().optional(),
    insecure_skip_verify: z.boolean().optional(),
  }).optional(),
  /** Path of the mounted HMAC key file. */
  hmac_secret_ref: z.string().optional(),
});

/** One webhook the proxy calls. */
export type Webhook = z.output<typeof Webhook>;

/** The RunConfig schema. Unknown keys are dropped when read. */
export const RunConfig = z.object({
  schema_version: z.literal(RUN_CONFIG_SCHEMA_VERSION),
  name: z.string().min(1),
  image: z.string().min(1),
  transport: z.enum(TRANSPORTS),
  proxy_mode: z.enum(PROXY_MODES).optional(),
  cmd_args: z.array(z.string()).default([]),
  host: z.string().default("127.0.0.1"),
  port: z.int().min(1).max(65535),
  target_port: z.int().min(1).max(65535).optional(),
  target_host: z.string().optional(),
  env_vars: z.record(z.string(), z.string()).default({}),
  /** Secret references `"<secret>,target=<ENV>"`, never values. */
  secrets: z.array(z.string()).default([]),
  volumes: z.array(z.string()).default([]),
  container_labels: z.record(z.string(), z.string()).default({}),
  permission_profile_name_or_path: z.string().optional(),
  permission_profile: PermissionProfile.optional(),
  trust_proxy_headers: z.boolean().default(false),
  endpoint_prefix: z.string().optional(),
  group: z.string().optional(),
  mcpserver_generation: z.int().min(0).optional(),
  /**
   * Audit of every MCP operation (ToolHive's `pkg/audit` Config, camelCase keys); present and not
   * `enabled: false` turns it on.
   */
  audit_config: AuditConfig.optional(),
  /** A JSON file holding the audit config (`thv run --audit-config`), read when the proxy starts. */
  audit_config_path: z.string().optional(),
  /** The remote MCP server a remote proxy fronts (MCPRemoteProxy); no MCP server is started then. */
  remote_url: z.string().optional(),
  /** Headers added to every request toward the remote: literal ones, and env names of secret ones. */
  header_forward: z.object({
    add_plaintext_headers: z.record(z.string(), z.string()).optional(),
    /** Header name → name under which the value is found (env `TOOLHIVE_SECRET_<name>`), never the value. */
    add_headers_from_secret: z.record(z.string(), z.string()).optional(),
  }).optional(),
  /** Tools the proxy lets through, by the names clients see (an override's name for a renamed tool); absent or empty: all. */
  tools_filter: z.array(z.string()).optional(),
  /** Server tool name → the name and description clients see instead. */
  tools_override: z.record(
    z.string(),
    z.object({
      name: z.string().optional(),
      description: z.string().optional(),
      /** MCP annotations that replace the server's, field by field. */
      annotations: z.record(z.string(), z.union([z.string(), z.boolean()])).optional(),
    }),
  ).optional(),
  /** OpenTelemetry and Prometheus settings (ToolHive's `pkg/telemetry` Config keys). */
  telemetry_config: TelemetryConfig.optional(),
  /** RFC 8693 token exchange towards the MCP server; the client secret comes from `client_secret_env`. */
  token_exchange_config: TokenExchangeConfig.optional(),
  /**
   * A bearer token toward the MCP server: a Secret reference `"<secret>,target=bearer_token"` (value from env
   * `TOOLHIVE_SECRET_<secret>`) or a mounted file, never the value.
   */
  remote_auth_config: z.object({ bearer_token: z.string().optional(), bearer_token_file: z.string().optional() })
    .optional(),
  /** AWS STS role assumption and SigV4 signing. */
  aws_sts_config: AwsStsConfig.optional(),
  /** The embedded OAuth authorization server; secrets only as file paths and env var names. */
  embedded_auth_server_config: z.record(z.string(), z.unknown()).optional(),
  /** Incoming OIDC authentication, keyed by ToolHive's Go field names; the client secret is never here. */
  oidc_config: OidcConfig.optional(),
  /** CA bundle file for the identity provider's TLS. */
  thv_ca_bundle: z.string().optional(),
  /** Bearer-token file sent when fetching JWKS. */
  jwks_auth_token_file: z.string().optional(),
  /** The authorization file: `{version, type, cedar|pdp}`. */
  authz_config: z.preprocess(
    // ToolHive writes null for none, and an empty object asks for nothing either.
    (v) => (v === null || (typeof v === "object" && !Array.isArray(v) && Object.keys(v).length === 0) ? undefined : v),
    z.looseObject({ version: z.string(), type: z.string() }).optional(),
  ),
  /** A file holding the authorization config (JSON, or YAML for `.yaml`/`.yml`); exclusive with `authz_config`. */
  authz_config_path: z.string().optional(),
  /** Webhooks that approve or deny requests. */
  validating_webhooks: z.array(Webhook).optional(),
  /** Webhooks that patch requests (run before the validating ones). */
  mutating_webhooks: z.array(Webhook).optional(),
  scaling_config: z.object({
    backend_replicas: z.int().min(0).optional(),
    session_redis: z.object({
      address: z.string(),
      db: z.int().min(0).default(0),
      key_prefix: z.string().optional(),
    }).optional(),
  }).optional(),
});

/** A RunConfig after defaults. */
export type RunConfig = z.output<typeof RunConfig>;

/**
 * Reads a RunConfig from JSON text, migrating an older schema version (see run_config_version.ts); the error
 * names the first bad field and the source, or says to upgrade thv for a newer schema version.
 */
export function parseRunConfig(text: string, source: string): RunConfig {
  return readRunConfig(text, source).config;
}

/** Like {@linkcode parseRunConfig}, and also returns what migrating an older schema version changed. */
export function readRunConfig(text: string, source: string): { config: RunConfig; migrated: string[] } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new SyntaxError(`RunConfig ${source} is not JSON: ${(e as Error).message}`, { cause: e });
  }
  let migrated: string[] = [];
  if (data && typeof data === "object" && !Array.isArray(data)) {
    ({ data, changes: migrated } = migrateRunConfig(data as Record<string, unknown>, source));
  }
  const parsed = RunConfig.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.join(".") || "(root)";
    throw new TypeError(`RunConfig ${source}: field ${field}: ${issue.message}`, { cause: parsed.error });
  }
  return { config: parsed.data, migrated };
}

/** Serializes a RunConfig with sorted keys, so equal configs give equal text (and checksums). */
export function serializeRunConfig(config: RunConfig): string {
  return JSON.stringify(sortKeys(RunConfig.parse(config)), null, 2) + "\n";
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.keys(value).sort().map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}
