/**
 * Planning a run: what a user asks for (a registry name, an `npx://` package or an image, a RunConfig to
 * start from, flags) resolved into the RunConfig to save and the secrets to keep apart, before anything is
 * started. Reads what the request names (the registry, a profile file) and picks the proxy port.
 * @module
 */
import { DEFAULT_GROUP, GroupStore } from "../groups/mod.ts";
import { builtinRegistry, didYouMean, findServer, type RegistryEntry, suggestServerNames } from "../registry/mod.ts";
import type { PermissionProfile, RunConfig } from "../run_config.ts";
import { parseImportedRunConfig } from "../run_config_import.ts";
import { bindOf } from "../runtime/docker/mod.ts";
import { absoluteSandboxImage } from "../runtime/sandbox/mod.ts";
import type { WorkloadDeps } from "./_deps.ts";
import { pickProxyPort } from "./ports.ts";
import { loadPermissionProfile } from "./profile.ts";
import { readToolsOverrideFile, toolFields, type ToolOverride } from "./tools.ts";
import { parseEnvFile, type PlannedRun, planRun } from "./run_request.ts";
import { lazyImport } from "../lazy_import.ts";

/** What a caller asks to run; every field is optional and falls back as `thv run` documents. */
export interface PlanRequest {
  /** A registry name (short or full), an `npx://` package, or a container image. */
  readonly server?: string;
  /** The path of a RunConfig file to start from (thv export writes one; ToolHive's are read too). */
  readonly fromConfig?: string;
  /** Server arguments. */
  readonly args?: readonly string[];
  /** Workload name. */
  readonly name?: string;
  /** Server transport. */
  readonly transport?: RunConfig["transport"];
  /** What the proxy offers clients of a stdio server. */
  readonly proxyMode?: RunConfig["proxy_mode"];
  /** Proxy port; when given, it must be free. */
  readonly proxyPort?: number;
  /** Port the server listens on (HTTP transports). */
  readonly targetPort?: number;
  /** Address the proxy listens on. */
  readonly host?: string;
  /** The path of a file of `KEY=VALUE` lines for the server's environment (under `env`). */
  readonly envFile?: string;
  /** `--secret NAME,target=ENV` references. */
  readonly secrets?: readonly string[];
  /** Environment for the server. */
  readonly env?: Readonly<Record<string, string>>;
  /** Mounts (`host[:container][:ro]`), or grants in the sandbox. */
  readonly volumes?: readonly string[];
  /** A permission profile: `none`, `network`, the path of a JSON profile file, or the profile itself (the API's). */
  readonly permissionProfile?: string | PermissionProfile;
  /** The group to put the workload in, which must exist (default: the RunConfig's, else `default`). */
  readonly group?: string;
  /** Tools clients may see and call, by the names they see (`--tools`); default: the RunConfig's, else all. */
  readonly tools?: readonly string[];
  /** Server tool name → what clients see instead, or the path of a `--tools-override` file. */
  readonly toolsOverride?: string | Readonly<Record<string, ToolOverride>>;
  /** The path of an authorization config file (`--authz-config`), checked and kept as `authz_config`. */
  readonly authzConfig?: string;
}

/** A planned workload: its RunConfig, its secrets, and what the caller should tell the user. */
export interface Plan extends PlannedRun {
  /** Keys of `fromConfig` that thv reads past without applying them. */
  readonly ignoredKeys: readonly string[];
  /** What reading an older `schema_version` of `fromConfig` changed, one line each. */
  readonly migrated: readonly string[];
}

/**
 * The registry entry `target` names, if any: a registry name (`everything`, or a full name) resolves to its
 * server; a bare word that names none is an error, since it is almost always a mistyped server name.
 */
function registryEntry(target: string): RegistryEntry | undefined {
  if (/^[a-z]+:\/\//.test(target)) return undefined; // npx://... and other schemes are references already
  const { entries } = builtinRegistry();
  const entry = findServer(entries, target);
  if (entry || /[/:@]/.test(target)) return entry;
  throw new RangeError(
    `No server named ${target} in the registry${didYouMean(suggestServerNames(entries, target))}: see thv ` +
      `registry list or thv search <word>; to run a local image, give its full reference ` +
      `(e.g. localhost/${target}:latest)`,
  );
}

async function readFlagFile(flag: string, path: string): Promise<string> {
  try {
    return await Deno.readTextFile(path);
  } catch (e) {
    throw new Error(`Cannot read ${flag} ${path}: ${(e as Error).message}`, { cause: e });
  }
}

/** Plans the workload `request` asks for; `cwd` anchors relative `npx://./dir` references. */
export async function planWorkload(
  request: PlanRequest,
  options: { readonly deps: WorkloadDeps; readonly cwd: string },
): Promise<Plan> {
  const { deps, cwd } = options;
  if (request.fromConfig && request.server) {
    throw new RangeError("Give either a server or --from-config, not both");
  }
  // npx://./dir is relative to where thv run runs; the RunConfig keeps it absolute for later starts.
  const target = request.server && absoluteSandboxImage(request.server, cwd);
  // A RunConfig from elsewhere (often ToolHive) may ask for what thv does not enforce: refused by key.
  const imported = request.fromConfig
    ? parseImportedRunConfig(await readFlagFile("--from-config", request.fromConfig), request.fromConfig)
    : undefined;
  const read: Partial<RunConfig> = imported?.config ?? {};
  const base = read.image ? { ...read, image: absoluteSandboxImage(read.image, cwd) } : read;
  const fileEnv = request.envFile
    ? parseEnvFile(await readFlagFile("--env-file", request.envFile), request.envFile)
    : {};
  for (const volume of request.volumes ?? []) {
    bindOf(volume.endsWith(":ro") ? volume.slice(0, -3) : volume, "ro"); // throws naming a bad one
  }
  const entry = target ? registryEntry(target) : undefined;
  const port = await pickProxyPort(deps, request.proxyPort ?? base.port, { required: request.proxyPort !== undefined });
  const profile = typeof request.permissionProfile === "object"
    ? { permission_profile: request.permissionProfile }
    : request.permissionProfile
    ? await loadPermissionProfile(request.permissionProfile)
    : undefined;
  const planned = planRun({
    ...(target ? { target } : {}),
    ...(entry ? { entry } : {}),
    base,
    args: request.args ?? [],
    ...(request.name ? { name: request.name } : {}),
    ...(request.transport ? { transport: request.transport } : {}),
    ...(request.proxyMode ? { proxyMode: request.proxyMode } : {}),
    port,
    ...(request.targetPort ? { targetPort: request.targetPort } : {}),
    ...(request.host ? { host: request.host } : {}),
    env: { ...fileEnv, ...request.env },
    volumes: request.volumes ?? [],
    ...(request.secrets?.length ? { secretRefs: request.secrets } : {}),
    ...(profile ? { profile } : {}),
    ...(request.group ? { group: request.group } : {}),
  });
  await new GroupStore(deps.paths.groups).get(planned.config.group ?? DEFAULT_GROUP); // as ToolHive: a group must exist
  const override = typeof request.toolsOverride === "string"
    ? await readToolsOverrideFile(request.toolsOverride)
    : request.toolsOverride;
  // The file is read now, so later starts do not depend on it; it replaces a RunConfig's own authorization.
  const authz = request.authzConfig
    ? await lazyImport<typeof import("../authz/mod.ts")>(new URL("../authz/mod.ts", import.meta.url))
      .then((m) => m.loadAuthzFile(request.authzConfig!))
    : undefined;
  const { tools_filter: _f, tools_override: _o, ...rest } = planned.config;
  const { authz_config: _a, authz_config_path: _p, ...kept } = rest;
  const config = {
    ...(authz ? kept : rest),
    ...toolFields(request.tools ?? planned.config.tools_filter, override ?? planned.config.tools_override),
    ...(authz ? { authz_config: authz as unknown as NonNullable<RunConfig["authz_config"]> } : {}),
  };
  return { ...planned, config, ignoredKeys: imported?.ignored ?? [], migrated: imported?.migrated ?? [] };
}
