/**
 * The zod schemas of the workloads API: ToolHive's field names where thv has the thing, and every field of
 * ToolHive's create request that thv does not implement refused by name unless absent, empty or its default
 * (decision 021). The router validates with them and the OpenAPI document is generated from them.
 * @module
 */
import { z } from "zod";
import { queryFlag } from "../../../lib/api/mod.ts";
import { PermissionProfile } from "../../../lib/run_config.ts";

/** The states a workload reports (ToolHive's names). */
export const WORKLOAD_STATUSES = [
  "running",
  "stopped",
  "error",
  "starting",
  "stopping",
  "unhealthy",
  "removing",
  "unknown",
] as const;

/** A workload's state. */
export const WorkloadStatusValue = z.enum(WORKLOAD_STATUSES).meta({ id: "WorkloadStatusValue" })
  .describe("The workload's state, from what is really there");

/** A workload as the list shows it (ToolHive's core.Workload, the fields thv has). */
export const Workload = z.object({
  name: z.string().describe("The workload's name, its identifier"),
  package: z.string().describe("The image or npx:// package it runs"),
  url: z.string().describe("The URL MCP clients use (empty until the proxy has started)"),
  port: z.int().describe("The proxy's port, in the URL"),
  tool_type: z.literal("mcp").describe("Always mcp: an MCP server"),
  transport_type: z.string().describe("The server's transport: stdio, sse or streamable-http"),
  proxy_mode: z.string().describe("The protocol clients speak to the proxy: sse or streamable-http"),
  status: WorkloadStatusValue,
  status_context: z.string().describe("Why, when the status is not plainly running or stopped"),
  group: z.string().describe("The group it is in"),
  remote: z.literal(false).describe("Always false: thv runs no remote workloads"),
  labels: z.record(z.string(), z.string()).describe("Labels (none in thv)"),
  runtime: z.string().describe("Where the server runs: container, sandbox, or unavailable (thv's)"),
}).meta({ id: "Workload", description: "A workload and its real state" });

/** `GET /api/v1beta/workloads`. */
export const WorkloadList = z.object({ workloads: z.array(Workload).describe("The workloads") })
  .meta({ id: "WorkloadList" });

/** `GET /api/v1beta/workloads/{name}/status`. */
export const WorkloadStatus = z.object({ status: WorkloadStatusValue }).meta({ id: "WorkloadStatus" });

/** A secret given to a workload's server as an environment variable. */
export const SecretParameter = z.strictObject({
  name: z.string().min(1).describe("The secret's name in the secrets provider (thv secret list)"),
  target: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "give an environment variable name")
    .describe("The environment variable the server gets it in"),
}).meta({ id: "SecretParameter" });

const refuse = (what: string) => `thv does not implement ${what}: leave the field out`;

/** The fields of ToolHive's create request thv does not implement: each passes only absent, empty or default. */
const unimplemented = {
  network_isolation: z.boolean().optional().refine((v) => !v, {
    message: `${refuse("network isolation")} or false; restrict the server with permission_profile`,
  }).describe("Refused unless false: thv has no network isolation; permission_profile restricts the server"),
  oidc: z.record(z.string(), z.unknown()).nullable().optional()
    .refine((v) => !v || Object.values(v).every((x) => x === "" || x == null), {
      message: refuse("OIDC on the proxy"),
    }).describe("Refused unless empty: OIDC comes with issue 15"),
  url: z.string().optional().refine((v) => !v, { message: `${refuse("remote workloads")}; give image` })
    .describe("Refused unless empty: thv runs no remote servers"),
  headers: z.array(z.unknown()).nullable().optional().refine((v) => !v?.length, {
    message: refuse("headers for remote servers"),
  }).describe("Refused unless empty: thv does not have it"),
  header_forward: z.unknown().optional().refine((v) => v == null || isEmpty(v), {
    message: refuse("header forwarding"),
  }).describe("Refused unless empty: thv does not have it"),
  oauth_config: z.record(z.string(), z.unknown()).nullable().optional()
    .refine((v) => !v || Object.values(v).every(isEmpty), { message: refuse("OAuth to remote servers") })
    .describe("Refused unless empty: thv does not have it"),
  trust_proxy_headers: z.boolean().optional().refine((v) => !v, {
    message: `${refuse("trusting X-Forwarded-*")} or false`,
  })
    .describe("Not offered by the API: only false is accepted"),
  runtime_config: z.unknown().optional().refine((v) => v == null || isEmpty(v), {
    message: refuse("runtime build options"),
  }).describe("Refused unless empty: thv does not have it"),
  registry: z.string().optional().refine((v) => !v, { message: "give the registry server's name in image instead" })
    .describe("Not taken: name a registry server in image"),
  server: z.string().optional().refine((v) => !v, { message: "give the registry server's name in image instead" })
    .describe("Not taken: name a registry server in image"),
};

function isEmpty(v: unknown): boolean {
  if (v == null || v === "" || v === false || v === 0) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === "object") return Object.values(v as object).every(isEmpty);
  return false;
}

const port = z.int().min(1).max(65535);

/** What clients see of one tool instead (ToolHive's ToolOverride). */
const ToolOverride = z.strictObject({
  name: z.string().optional().describe("The name clients see"),
  description: z.string().optional().describe("The description clients see"),
}).meta({ id: "ToolOverride" });

/** What a workload runs with: the fields create and edit share. */
const workloadSettings = {
  image: z.string().min(1).describe("A registry server's name, an npx:// package, or a container image"),
  transport: z.enum(["stdio", "sse", "streamable-http"]).optional()
    .describe("The server's transport (default: the registry's, else stdio)"),
  proxy_mode: z.enum(["sse", "streamable-http"]).optional()
    .describe("What the proxy offers clients of a stdio server (default streamable-http)"),
  proxy_port: port.optional().describe("The proxy's port; it must be free (default: a free one)"),
  target_port: port.optional().describe("The port an HTTP server listens on"),
  host: z.string().optional().describe("The address the proxy listens on (default 127.0.0.1)"),
  cmd_arguments: z.array(z.string()).optional().describe("Arguments for the server"),
  env_vars: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "give names of letters, digits and _"), z.string())
    .optional().describe("Environment variables for the server"),
  secrets: z.array(SecretParameter).optional()
    .describe("Secrets from the secrets provider, given to the server as environment variables"),
  volumes: z.array(z.string()).optional().describe("Mounts host[:container][:ro] (grants in the sandbox)"),
  permission_profile: PermissionProfile.strict().optional()
    .describe("What the server may read, write and reach (default: the registry's, else network)"),
  group: z.string().optional().describe("The group, which must exist (default: default)"),
  tools: z.array(z.string()).nullable().optional()
    .describe("Tools clients may see and call, by the names clients see (default: all)"),
  tools_override: z.record(z.string(), ToolOverride).nullable().optional()
    .describe("Server tool name → the name and description clients see instead"),
  authz_config: z.string().optional()
    .describe("Path of an authorization config file (Cedar policies or an HTTP decision point, JSON or YAML)"),
  ...unimplemented,
};

/** Refuses keys the request does not have, naming them. */
const unknownKeys = {
  error: (issue: { code?: string; keys?: string[] }) =>
    issue.code === "unrecognized_keys"
      ? `unknown field ${issue.keys?.join(", ")}: thv does not take it; leave it out`
      : undefined,
};

/** `POST /api/v1beta/workloads` (ToolHive's createRequest). */
export const CreateWorkloadRequest = z.strictObject({
  name: z.string().optional().describe("The workload's name (default: from the registry entry or image)"),
  ...workloadSettings,
}, unknownKeys).meta({ id: "CreateWorkloadRequest", description: "A workload to create and start" });

/** `POST /api/v1beta/workloads/{name}/edit` (ToolHive's updateRequest: everything but the name). */
export const UpdateWorkloadRequest = z.strictObject(workloadSettings, unknownKeys)
  .meta({ id: "UpdateWorkloadRequest", description: "What to recreate a workload with (its name stays)" });

/** What create and edit answer. */
export const CreateWorkloadResponse = z.object({
  name: z.string().describe("The workload's name"),
  port: z.int().describe("The proxy's port"),
}).meta({ id: "CreateWorkloadResponse" });

/** `GET /api/v1beta/workloads/{name}`: the workload's settings, in the create request's shape. */
export const WorkloadDetails = z.object({
  name: z.string().describe("The workload's name"),
  image: z.string().describe("The image or npx:// package it runs"),
  transport: z.string().describe("The server's transport"),
  proxy_mode: z.string().describe("What the proxy offers clients"),
  proxy_port: z.int().describe("The proxy's port"),
  target_port: z.int().optional().describe("The port an HTTP server listens on"),
  host: z.string().describe("The address the proxy listens on"),
  cmd_arguments: z.array(z.string()).describe("Arguments for the server"),
  env_vars: z.record(z.string(), z.string()).describe("Environment variables (secret values are not here)"),
  secrets: z.array(z.object({ name: z.string(), target: z.string() })).describe("Secret references"),
  volumes: z.array(z.string()).describe("Mounts or grants"),
  permission_profile: PermissionProfile.optional().describe("The permission profile, when one is set inline"),
  permission_profile_name: z.string().optional().describe("The built-in profile or file it names (thv's)"),
  group: z.string().describe("The group"),
  tools: z.array(z.string()).optional().describe("Tools clients may see and call, when filtered"),
  tools_override: z.record(z.string(), ToolOverride).optional().describe("Tools renamed or re-described"),
}).meta({ id: "WorkloadDetails", description: "A workload's settings, as create takes them" });

/** The `{name}` of a workload route. */
export const WorkloadParams = z.object({ name: z.string().min(1).describe("The workload's name") });

/** The list's query. */
export const ListQuery = z.object({
  all: queryFlag.describe("Also the stopped ones"),
  group: z.string().optional().describe("Only this group's (which must exist)"),
});

/** The logs' query. */
export const LogsQuery = z.object({
  follow: queryFlag.describe("Keep the response open and send what comes, until the client goes"),
});

/** The bulk operations' body: names, or a group, exactly one. */
export const BulkRequest = z.strictObject({
  names: z.array(z.string().min(1)).min(1).optional().describe("The workloads (mutually exclusive with group)"),
  group: z.string().min(1).optional().describe("Every workload of this group (mutually exclusive with names)"),
}, unknownKeys).refine((b) => (b.names === undefined) !== (b.group === undefined), {
  message: "give either names or group, exactly one",
}).meta({ id: "BulkRequest", description: "Which workloads: by names or by group" });

/** What the bulk operations answer: the workloads acted on. */
export const BulkResponse = z.object({ names: z.array(z.string()).describe("The workloads acted on") })
  .meta({ id: "BulkResponse" });

/** A RunConfig, as export answers it. */
export const RunConfigJson = z.record(z.string(), z.unknown()).meta({
  id: "RunConfig",
  description: "The workload's RunConfig (ToolHive's keys where they overlap); never secret values",
});
