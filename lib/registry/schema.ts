/**
 * The wire format of a registry file: the upstream MCP registry format (`{$schema, version, meta, data.servers}`),
 * where each server is an upstream `server.json`, plus the extras ToolHive keeps under
 * `_meta["io.modelcontextprotocol.registry/publisher-provided"]["io.github.stacklok"][<image ref or run reference>]`.
 * Unknown keys are dropped, so files written for newer schemas (icons, titles, tool definitions) still read.
 * @module
 */
import { z } from "zod";
import { TRANSPORTS } from "../run_config.ts";

/** The `_meta` key under which publishers put their own data. */
export const PUBLISHER_PROVIDED = "io.modelcontextprotocol.registry/publisher-provided";

/** ToolHive's namespace inside the publisher-provided data; thv reads and writes the same one. */
export const STACKLOK_NAMESPACE = "io.github.stacklok";

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const RANGE = /^[\^~<>=*]|(^|\.)(x|X|\*)(\.|$)|\s-\s|\|\|/;

/** A package version: exact, never `latest` or a range (as upstream requires). */
const ExactVersion = z.string().min(1).refine((v) => v !== "latest" && !RANGE.test(v), {
  message: "must be an exact version, not latest or a range",
});

/** What every input (argument, environment variable) may say about itself. */
const InputFields = {
  description: z.string().optional(),
  isRequired: z.boolean().optional(),
  isSecret: z.boolean().optional(),
  format: z.enum(["string", "number", "boolean", "filepath"]).optional(),
  value: z.string().optional(),
  default: z.string().optional(),
  placeholder: z.string().optional(),
  choices: z.array(z.string()).optional(),
};

/** An input without a name, as used in an argument's `variables`. */
const Input = z.object(InputFields);

/** An environment variable (upstream `KeyValueInput`). */
export const EnvironmentVariable = z.object({
  ...InputFields,
  name: z.string().regex(ENV_NAME, "must be letters, digits and _, not starting with a digit"),
  variables: z.record(z.string(), Input).optional(),
});

/** A command-line argument: a positional value or a named `--flag value`. */
export const Argument = z.discriminatedUnion("type", [
  z.object({
    ...InputFields,
    type: z.literal("positional"),
    valueHint: z.string().optional(),
    isRepeated: z.boolean().optional(),
    variables: z.record(z.string(), Input).optional(),
  }),
  z.object({
    ...InputFields,
    type: z.literal("named"),
    name: z.string().min(1),
    isRepeated: z.boolean().optional(),
    variables: z.record(z.string(), Input).optional(),
  }),
]);

/** How a client reaches the package once it runs. */
const PackageTransport = z.object({
  type: z.enum(TRANSPORTS),
  url: z.string().optional(),
}).refine((t) => t.type === "stdio" || (t.url !== undefined && t.url !== ""), {
  message: "streamable-http and sse transports need a url, e.g. http://localhost:8080/mcp",
  path: ["url"],
});

/** One way to obtain and start the server (upstream `Package`). */
export const Package = z.object({
  registryType: z.string().min(1),
  registryBaseUrl: z.string().optional(),
  identifier: z.string().min(1),
  version: ExactVersion.optional(),
  runtimeHint: z.string().optional(),
  transport: PackageTransport,
  runtimeArguments: z.array(Argument).optional(),
  packageArguments: z.array(Argument).optional(),
  environmentVariables: z.array(EnvironmentVariable).optional(),
});

/** A mount declaration: ToolHive writes plain paths; its schema also allows `{path}`. */
const Mount = z.union([z.string().min(1), z.object({ path: z.string().min(1) })]).transform((m) =>
  typeof m === "string" ? m : m.path
);

/** A permission profile as ToolHive writes it in a registry entry. */
const WirePermissions = z.object({
  name: z.string().optional(),
  read: z.array(Mount).optional(),
  write: z.array(Mount).optional(),
  network: z.object({
    mode: z.string().optional(),
    outbound: z.object({
      insecure_allow_all: z.boolean().optional(),
      allow_host: z.array(z.string().min(1)).optional(),
      allow_port: z.array(z.int().min(1).max(65535)).optional(),
    }).optional(),
    inbound: z.object({ allow_host: z.array(z.string()).optional() }).optional(),
  }).optional(),
  privileged: z.boolean().optional(),
});

const caseless = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.string().transform((s) => s.toLowerCase()).pipe(z.enum(values));

/** ToolHive's extras for one server: tier, status, tags, tools, permissions, default args, proxy port. */
export const ServerExtensions = z.object({
  status: caseless(["active", "deprecated"]).optional(),
  tier: caseless(["official", "community"]).optional(),
  tools: z.array(z.string().min(1)).optional(),
  tags: z.array(z.string().min(1)).optional(),
  permissions: WirePermissions.optional(),
  args: z.array(z.string()).optional(),
  proxy_port: z.int().min(1).max(65535).optional(),
});

/** The extras of a server keyed by image reference (containers) or run reference (npm packages). */
export const StacklokExtensions = z.record(z.string(), ServerExtensions);

/** One upstream `server.json`. */
export const Server = z.object({
  $schema: z.string().optional(),
  name: z.string().min(3).max(200).regex(
    /^[a-zA-Z0-9.-]+\/[a-zA-Z0-9._-]+$/,
    "must be reverse-DNS with one slash, e.g. io.github.owner/server",
  ),
  title: z.string().optional(),
  description: z.string().min(1),
  version: z.string().min(1),
  repository: z.object({
    url: z.string().min(1),
    source: z.string().min(1),
    subfolder: z.string().optional(),
    id: z.string().optional(),
  }).optional(),
  websiteUrl: z.string().optional(),
  packages: z.array(Package).optional(),
  remotes: z.array(z.unknown()).optional(),
  _meta: z.record(z.string(), z.unknown()).optional(),
});

/** One upstream `server.json` after validation. */
export type Server = z.output<typeof Server>;

/** One package of a server after validation. */
export type Package = z.output<typeof Package>;

/** One argument after validation. */
export type Argument = z.output<typeof Argument>;

/** One environment variable after validation. */
export type EnvironmentVariable = z.output<typeof EnvironmentVariable>;

/** ToolHive's extras for one server after validation. */
export type ServerExtensions = z.output<typeof ServerExtensions>;

/** The envelope of a registry file; servers are checked one by one so errors can name them. */
export const RegistryFile = z.object({
  $schema: z.string().optional(),
  version: z.string().regex(/^\d+\.\d+\.\d+$/, "must be a version like 1.0.0"),
  meta: z.object({ last_updated: z.string().min(1) }),
  data: z.object({ servers: z.array(z.unknown()) }),
});
