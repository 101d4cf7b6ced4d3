/**
 * The in-memory registry entry thv works with, and the pure function that builds it from one validated
 * upstream server.json (its first npm or OCI package plus ToolHive's publisher-provided extras).
 * @module
 */
import type { z } from "zod";
import { PermissionProfile, type Transport } from "../run_config.ts";
import { FieldError } from "./_field_error.ts";
import {
  type Argument,
  type EnvironmentVariable,
  type Package,
  PUBLISHER_PROVIDED,
  type Server,
  type ServerExtensions,
  STACKLOK_NAMESPACE,
  StacklokExtensions,
} from "./schema.ts";

/** A permission profile in the RunConfig's shape (`lib/run_config.ts`). */
export type Permissions = z.output<typeof PermissionProfile>;

/** How thv obtains a server: an npm package (Deno sandbox or a Node image) or a container image. */
export type EntryKind = "npm" | "image";

/** An environment variable a server reads. */
export interface EnvVarSpec {
  /** Variable name. */
  readonly name: string;
  /** What it is for. */
  readonly description: string;
  /** The server does not work without it. */
  readonly required: boolean;
  /** Its value is a secret: never log or print it. */
  readonly secret: boolean;
  /** Value used when the user gives none. */
  readonly default?: string;
}

/** A command-line argument a server takes (upstream `packageArguments`). */
export interface ArgumentSpec {
  /** Positional value or named `--flag value`. */
  readonly type: "positional" | "named";
  /** The flag (named) or the value's label (positional). */
  readonly name: string;
  /** What it is for. */
  readonly description?: string;
  /** The server does not start without it. */
  readonly required: boolean;
  /** It may be given several times. */
  readonly repeated: boolean;
  /** Fixed or default value, when the registry gives one. */
  readonly value?: string;
  /** Value kind: `filepath` marks a path on the user's machine. */
  readonly format?: "string" | "number" | "boolean" | "filepath";
}

/** One server of the registry, normalized for thv. */
export interface RegistryEntry {
  /** Full reverse-DNS name, e.g. `io.github.modelcontextprotocol/server-everything`. */
  readonly name: string;
  /** Short name users type, e.g. `everything` (see `shortNameOf`). */
  readonly shortName: string;
  /** Human-readable title, when the registry gives one. */
  readonly title?: string;
  /** One-line description. */
  readonly description: string;
  /** Version of the server entry. */
  readonly version: string;
  /** `Official` (published by the service's owner) or `Community`; absent when the registry does not say. */
  readonly tier?: "Official" | "Community";
  /** `active`, or `deprecated` when it should no longer be used. */
  readonly status: "active" | "deprecated";
  /** What the server speaks. */
  readonly transport: Transport;
  /** npm package or container image. */
  readonly kind: EntryKind;
  /** npm package name or image reference, as the registry gives it. */
  readonly package: string;
  /** What `thv run` starts: `npx://<package>@<version>` or the image reference. */
  readonly reference: string;
  /** Port the server listens on inside its container or sandbox (HTTP transports). */
  readonly targetPort?: number;
  /** Host port the registry suggests for the proxy. */
  readonly proxyPort?: number;
  /** Arguments passed when the user gives none. */
  readonly args: readonly string[];
  /** The arguments the server documents. */
  readonly argumentSpecs: readonly ArgumentSpec[];
  /** Environment variables the server reads. */
  readonly env: readonly EnvVarSpec[];
  /** What the server may read, write and reach. */
  readonly permissions: Permissions;
  /** `registry` when the entry declares its permissions, `default` when thv applied the default profile. */
  readonly permissionSource: "registry" | "default";
  /** Tool names. */
  readonly tools: readonly string[];
  /** Search tags. */
  readonly tags: readonly string[];
  /** Source repository. */
  readonly repositoryUrl?: string;
}

/** Why a server of a registry file was left out. */
export interface SkippedServer {
  /** The server's name. */
  readonly name: string;
  /** Why thv cannot run it. */
  readonly reason: string;
}

/** The profile applied when an entry declares none: ToolHive's built-in `network` (all outbound allowed). */
export const DEFAULT_PERMISSIONS: Permissions = Object.freeze({
  name: "network",
  network: { outbound: { insecure_allow_all: true } },
});

const KINDS: Record<string, EntryKind> = { npm: "npm", oci: "image" };

/** The short name of a reverse-DNS name: its last segment without `server-`/`mcp-server-`/`-mcp(-server)`. */
export function shortNameOf(name: string): string {
  const last = name.slice(name.indexOf("/") + 1).toLowerCase();
  const bare = last.replace(/^(mcp-server-|server-)/, "").replace(/(-mcp-server|-mcp|-server)$/, "");
  return bare || last;
}

/** The last segment of a reverse-DNS name, lower-cased: `server-everything`. */
export function lastSegmentOf(name: string): string {
  return name.slice(name.indexOf("/") + 1).toLowerCase();
}

/** Builds the entry of a validated server, or says why thv cannot run it; throws `FieldError` on a bad field. */
export function toEntry(server: Server): RegistryEntry | SkippedServer {
  const packages = server.packages ?? [];
  const index = packages.findIndex((p) => p.registryType in KINDS);
  if (index < 0) {
    const types = packages.map((p) => p.registryType);
    return {
      name: server.name,
      reason: types.length
        ? `no npm or oci package (has ${types.join(", ")}): thv runs npm packages and container images`
        : "no packages: remote servers are not supported yet",
    };
  }
  const pkg = packages[index]!;
  const kind = KINDS[pkg.registryType]!;
  const reference = runReference(pkg, kind, index);
  const ext = extensionsOf(server, [reference, pkg.identifier]);
  const permissions = ext?.permissions ? PermissionProfile.parse(ext.permissions) : DEFAULT_PERMISSIONS;
  const argumentSpecs = (pkg.packageArguments ?? []).map(argumentSpec);
  const packageDefaults = defaultArgs(pkg.packageArguments ?? []);
  return {
    name: server.name,
    shortName: shortNameOf(server.name),
    ...(server.title ? { title: server.title } : {}),
    description: server.description,
    version: server.version,
    ...(ext?.tier ? { tier: ext.tier === "official" ? "Official" : "Community" } : {}),
    status: ext?.status ?? "active",
    transport: pkg.transport.type,
    kind,
    package: pkg.identifier,
    reference,
    ...optionalNumber("targetPort", portOf(pkg.transport.url)),
    ...optionalNumber("proxyPort", ext?.proxy_port),
    args: packageDefaults.length ? packageDefaults : ext?.args ?? [],
    argumentSpecs,
    env: envSpecs(pkg),
    permissions,
    permissionSource: ext?.permissions ? "registry" : "default",
    tools: ext?.tools ?? [],
    tags: ext?.tags ?? [],
    ...(server.repository ? { repositoryUrl: server.repository.url } : {}),
  };
}

function optionalNumber<K extends string>(key: K, value: number | undefined): { [P in K]?: number } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: number };
}

function runReference(pkg: Package, kind: EntryKind, index: number): string {
  if (kind === "npm") {
    if (!pkg.version) {
      throw new FieldError(["packages", index, "version"], "npm packages need an exact version, e.g. 1.2.3");
    }
    return `npx://${pkg.identifier}@${pkg.version}`;
  }
  const last = pkg.identifier.split("/").at(-1)!;
  const pinned = last.includes(":") || pkg.identifier.includes("@");
  return pinned || !pkg.version ? pkg.identifier : `${pkg.identifier}:${pkg.version}`;
}

/** ToolHive's extras for this server: under the run reference, the identifier, or the only key there is. */
function extensionsOf(server: Server, keys: readonly string[]): ServerExtensions | undefined {
  const provided = server._meta?.[PUBLISHER_PROVIDED];
  if (provided === undefined) return undefined;
  const base = ["_meta", PUBLISHER_PROVIDED];
  if (typeof provided !== "object" || provided === null || Array.isArray(provided)) {
    throw new FieldError(base, "must be an object keyed by publisher namespace");
  }
  const namespace = (provided as Record<string, unknown>)[STACKLOK_NAMESPACE];
  if (namespace === undefined) return undefined;
  const parsed = StacklokExtensions.safeParse(namespace);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new FieldError([...base, STACKLOK_NAMESPACE, ...issue.path], issue.message);
  }
  const byKey = parsed.data;
  for (const key of keys) if (byKey[key]) return byKey[key];
  const all = Object.values(byKey);
  return all.length === 1 ? all[0] : undefined;
}

function portOf(url: string | undefined): number | undefined {
  if (!url) return undefined;
  try {
    const port = new URL(url).port;
    return port ? Number(port) : undefined;
  } catch {
    return undefined; // a URL template such as http://localhost:{port}/mcp names no fixed port
  }
}

function argumentSpec(arg: Argument): ArgumentSpec {
  const value = arg.value ?? arg.default;
  return {
    type: arg.type,
    name: arg.type === "named" ? arg.name : arg.valueHint ?? arg.value ?? "value",
    ...(arg.description ? { description: arg.description } : {}),
    required: arg.isRequired ?? false,
    repeated: arg.isRepeated ?? false,
    ...(value !== undefined ? { value } : {}),
    ...(arg.format ? { format: arg.format } : {}),
  };
}

/** The arguments that have a fixed or default value, flattened onto a command line. */
function defaultArgs(args: readonly Argument[]): string[] {
  return args.flatMap((arg) => {
    const value = arg.value ?? arg.default;
    if (value === undefined) return [];
    return arg.type === "named" ? [arg.name, value] : [value];
  });
}

function envSpec(v: EnvironmentVariable): EnvVarSpec {
  return {
    name: v.name,
    description: v.description ?? "",
    required: v.isRequired ?? false,
    secret: v.isSecret ?? false,
    ...((v.value ?? v.default) !== undefined ? { default: v.value ?? v.default } : {}),
  };
}

/** Variables from `environmentVariables`, then from `-e NAME=...` runtime arguments (the Docker CLI pattern). */
function envSpecs(pkg: Package): EnvVarSpec[] {
  const specs = (pkg.environmentVariables ?? []).map(envSpec);
  for (const arg of pkg.runtimeArguments ?? []) {
    if (arg.type !== "named" || (arg.name !== "-e" && arg.name !== "--env") || !arg.value) continue;
    const eq = arg.value.indexOf("=");
    const name = arg.value.slice(0, eq);
    if (eq <= 0 || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || specs.some((s) => s.name === name)) continue;
    const rest = arg.value.slice(eq + 1);
    const variable = /^\{(\w+)\}$/.exec(rest)?.[1];
    const input = variable ? arg.variables?.[variable] : undefined;
    const fallback = variable ? input?.default : rest;
    specs.push({
      name,
      description: arg.description ?? input?.description ?? "",
      required: (arg.isRequired ?? false) || (input?.isRequired ?? false),
      secret: input?.isSecret ?? arg.isSecret ?? false,
      ...(fallback !== undefined ? { default: fallback } : {}),
    });
  }
  return specs;
}
