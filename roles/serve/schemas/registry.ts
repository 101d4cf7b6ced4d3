/**
 * The shapes of the registry routes: ToolHive's `/api/v1beta/registry` (its field names; a server in the
 * shape of its `ImageMetadata`, plus thv's short name, kind and package) and the upstream MCP registry's
 * read API under `/registry/{registryName}/v0.1`.
 * @module
 */
import { z } from "zod";
import { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT, OFFICIAL_META } from "../../../lib/registry/mod.ts";
import { PermissionProfile, TRANSPORTS } from "../../../lib/run_config.ts";

/** A registry thv has, without its servers. */
export const RegistryInfo = z.object({
  name: z.string().describe("The registry's name (thv has one: default)"),
  type: z.enum(["default"]).describe("Where it comes from: default is the catalog built into thv"),
  source: z.string().describe("Its URL or file; empty for the built-in one"),
  version: z.string().describe("The registry format's version"),
  last_updated: z.string().describe("When it was last updated (RFC 3339)"),
  server_count: z.int().describe("How many servers thv can run from it"),
}).meta({ id: "RegistryInfo" });

/** `GET /registry`. */
export const RegistryList = z.object({
  registries: z.array(RegistryInfo).describe("The registries"),
}).meta({ id: "RegistryList" });

/** An environment variable a server reads. */
export const RegistryEnvVar = z.object({
  name: z.string().describe("Variable name"),
  description: z.string().describe("What it is for"),
  required: z.boolean().describe("The server does not work without it"),
  secret: z.boolean().describe("Its value is a secret (give it with a secret reference)"),
  default: z.string().optional().describe("The value used when none is given"),
}).meta({ id: "RegistryEnvVar" });

/** A server of a registry, as thv runs it. */
export const RegistryServer = z.object({
  name: z.string().describe("Full reverse-DNS name, e.g. io.github.modelcontextprotocol/server-everything"),
  short_name: z.string().describe("The name users type (thv run everything)"),
  title: z.string().optional().describe("Human-readable title"),
  description: z.string().describe("What it does"),
  version: z.string().describe("Version of the entry"),
  tier: z.enum(["Official", "Community"]).optional().describe("Official or Community, when the registry says"),
  status: z.enum(["active", "deprecated"]).describe("active, or deprecated when it should no longer be used"),
  transport: z.enum(TRANSPORTS).describe("What the server speaks"),
  kind: z.enum(["npm", "image"]).describe("npm package (Deno sandbox) or container image"),
  package: z.string().describe("npm package name or image reference, as the registry gives it"),
  image: z.string().describe("What thv run starts: npx://<package>@<version> or the image reference"),
  target_port: z.int().optional().describe("The port it listens on inside its container (HTTP transports)"),
  proxy_port: z.int().optional().describe("The host port the registry suggests for the proxy"),
  args: z.array(z.string()).describe("Arguments passed when none are given"),
  env_vars: z.array(RegistryEnvVar).describe("Environment variables it reads"),
  permissions: PermissionProfile.describe("What it may read, write and reach"),
  tools: z.array(z.string()).describe("Tool names"),
  tags: z.array(z.string()).describe("Search tags"),
  repository_url: z.string().optional().describe("Source repository"),
}).meta({ id: "RegistryServer" });

/** `GET /registry/{name}`. */
export const RegistryDetail = RegistryInfo.extend({
  registry: z.object({
    version: z.string().describe("The registry format's version"),
    last_updated: z.string().describe("When it was last updated (RFC 3339)"),
    servers: z.record(z.string(), RegistryServer).describe("The servers by full name"),
    remote_servers: z.record(z.string(), z.never()).describe("Remote servers (thv has none yet)"),
  }).describe("The registry's data"),
}).meta({ id: "RegistryDetail" });

/** `GET /registry/{name}/servers`. */
export const RegistryServerList = z.object({
  servers: z.array(RegistryServer).describe("The servers thv can run, by short name"),
  remote_servers: z.array(z.never()).describe("Remote servers (thv has none yet)"),
}).meta({ id: "RegistryServerList" });

/** `GET /registry/{name}/servers/{serverName}`. */
export const RegistryServerDetail = z.object({
  server: RegistryServer,
  is_remote: z.literal(false).describe("Whether it is a remote server (never, yet)"),
}).meta({ id: "RegistryServerDetail" });

/** `/registry/{name}`. */
export const RegistryParams = z.object({ name: z.string().describe("Registry name (default)") });

/** `/registry/{name}/servers/{serverName}`. */
export const RegistryServerParams = z.object({
  name: z.string().describe("Registry name (default)"),
  serverName: z.string().describe("Full or short server name (URL-encode the slash)"),
});

/** The registry's own metadata of a server in the upstream API. */
const OfficialMeta = z.object({
  status: z.enum(["active", "deprecated"]).describe("Server lifecycle status"),
  updatedAt: z.string().describe("When the entry was last updated (RFC 3339)"),
  isLatest: z.boolean().describe("Whether this is the latest version (thv keeps one)"),
});

/** One server in the upstream API: its server.json and the registry's metadata. */
export const UpstreamServerResponse = z.object({
  server: z.record(z.string(), z.unknown()).describe("The server.json, as the registry holds it"),
  _meta: z.object({ [OFFICIAL_META]: OfficialMeta }).describe("Registry-managed metadata"),
}).meta({ id: "UpstreamServerResponse" });

/** `GET /registry/{registryName}/v0.1/servers`. */
export const UpstreamServerList = z.object({
  servers: z.array(UpstreamServerResponse).describe("This page's servers, by name"),
  metadata: z.object({
    count: z.int().describe("Items on this page"),
    nextCursor: z.string().optional().describe("Give it as cursor for the next page; absent on the last"),
  }),
}).meta({ id: "UpstreamServerList" });

/** `/registry/{registryName}/v0.1/servers`. */
export const UpstreamParams = z.object({ registryName: z.string().describe("Registry name (default)") });

/** `/registry/{registryName}/v0.1/servers/{serverName}/versions/latest`. */
export const UpstreamServerParams = z.object({
  registryName: z.string().describe("Registry name (default)"),
  serverName: z.string().describe("Full reverse-DNS server name, URL-encoded (io.github.owner%2Fserver)"),
});

/** The query of `GET /v0.1/servers`, as the upstream spec names it (its other filters are refused). */
export const UpstreamQuery = z.strictObject({
  cursor: z.string().optional().describe("The nextCursor of the previous page"),
  limit: z.string().regex(/^\d{1,3}$/, `must be a whole number from 1 to ${MAX_PAGE_LIMIT}`).optional()
    .transform((v) => (v === undefined ? undefined : Number(v)))
    .refine((n) => n === undefined || (n >= 1 && n <= MAX_PAGE_LIMIT), {
      message: `must be from 1 to ${MAX_PAGE_LIMIT}`,
    })
    .describe(`Items per page (default ${DEFAULT_PAGE_LIMIT}, at most ${MAX_PAGE_LIMIT})`),
  search: z.string().optional().describe("Only servers whose name contains this (ignoring case)"),
});
