/**
 * What `thv run` (and later `thv serve`'s create) asks for, turned into a RunConfig plus the secret values
 * kept apart from it. Pure: the callers read files, look the registry up and pick the port.
 * @module
 */
import { DEFAULT_GROUP } from "../groups/mod.ts";
import { type RegistryEntry, resolveArgs, resolveEnv } from "../registry/mod.ts";
import { RUN_CONFIG_SCHEMA_VERSION, RunConfig } from "../run_config.ts";
import { checkWorkloadName, parseSecretRef } from "../state/mod.ts";
import { checkSecretName } from "../secrets/mod.ts";

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A request to run a server; every field but the port is optional and falls back as `thv run` documents. */
export interface RunRequest {
  /** An image or `npx://` reference (the registry entry's reference wins when there is an entry). */
  readonly target?: string;
  /** The registry entry the target named. */
  readonly entry?: RegistryEntry;
  /** A RunConfig to start from (`--from-config`); the other fields override it. */
  readonly base?: Partial<RunConfig>;
  /** Server arguments. */
  readonly args?: readonly string[];
  /** Workload name. */
  readonly name?: string;
  /** Server transport. */
  readonly transport?: RunConfig["transport"];
  /** What the proxy offers clients of a stdio server. */
  readonly proxyMode?: RunConfig["proxy_mode"];
  /** Proxy port (the caller picks a free one when the user gave none). */
  readonly port: number;
  /** Port the server listens on (HTTP transports). */
  readonly targetPort?: number;
  /** Address the proxy listens on. */
  readonly host?: string;
  /** Environment the user gave (an env file under `-e` values). */
  readonly env?: Readonly<Record<string, string>>;
  /** Extra mounts or grants. */
  readonly volumes?: readonly string[];
  /** The group the workload is in (default: the base's, else `default`). */
  readonly group?: string;
  /** `--secret NAME,target=ENV` references, resolved from the secrets provider at each start. */
  readonly secretRefs?: readonly string[];
  /** The user's `--permission-profile`, read. */
  readonly profile?: Pick<RunConfig, "permission_profile_name_or_path" | "permission_profile">;
}

/** A RunConfig to save, and the secret values to keep apart from it (name → value). */
export interface PlannedRun {
  /** The RunConfig. */
  readonly config: RunConfig;
  /** Secret values its `secrets` references name. */
  readonly secrets: Readonly<Record<string, string>>;
}

/** Checks one `--secret` value; the error names it and the form it must take. */
export function checkSecretFlag(ref: string): string {
  try {
    const { name } = parseSecretRef(ref);
    checkSecretName(name);
  } catch {
    throw new RangeError(
      `--secret ${ref} is not NAME,target=ENV: give a secret name (see thv secret list), a comma, then target= and the variable`,
    );
  }
  return ref;
}

/** The workload name an image gets by default: its last path segment, without tag or digest. */
export function nameFromImage(image: string): string {
  const last = image.replace(/^[a-z]+:\/\//, "").replace(/\/+$/, "").split("/").at(-1) ?? image;
  const bare = last.replace(/^@/, "").split("@")[0]!.split(":")[0]!;
  return bare.toLowerCase().replace(/[^a-z0-9_.-]/g, "-").replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, "") || "mcp";
}

/** Parses `-e KEY=VALUE` entries; a malformed one is a RangeError naming it. */
export function parseEnv(entries: readonly string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const entry of entries) {
    const eq = entry.indexOf("=");
    if (eq <= 0 || !ENV_NAME.test(entry.slice(0, eq))) {
      throw new RangeError(`-e ${entry} is not KEY=VALUE: use a name of letters, digits and _, then =, then the value`);
    }
    env[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return env;
}

/** Parses an env file: `KEY=VALUE` lines, `#` comments and blank lines; a bad line is named by number. */
export function parseEnvFile(text: string, path: string): Record<string, string> {
  const env: Record<string, string> = {};
  text.split("\n").forEach((raw, i) => {
    const line = raw.replace(/\r$/, "").trim();
    if (!line || line.startsWith("#")) return;
    const body = line.replace(/^export\s+/, "");
    const eq = body.indexOf("=");
    if (eq <= 0 || !ENV_NAME.test(body.slice(0, eq))) {
      throw new RangeError(`--env-file ${path}: line ${i + 1} is not KEY=VALUE: fix or remove it`);
    }
    let value = body.slice(eq + 1);
    if (value.length >= 2 && /^(["']).*\1$/.test(value)) value = value.slice(1, -1);
    env[body.slice(0, eq)] = value;
  });
  return env;
}

/**
 * Builds the RunConfig of a request. Precedence: the request's fields, then the base RunConfig, then the
 * registry entry, then the defaults. Values the registry marks secret, and values for the base's secret
 * references, go to `secrets`, never into the RunConfig (design.md §3).
 */
export function planRun(request: RunRequest): PlannedRun {
  const { entry, base = {} } = request;
  const image = entry?.reference ?? request.target ?? base.image;
  if (!image) throw new RangeError("Name a server to run (thv run <server>), or give --from-config <file>");
  const name = checkWorkloadName(request.name ?? base.name ?? entry?.shortName ?? nameFromImage(image));
  const transport = request.transport ?? base.transport ?? entry?.transport ?? "stdio";
  const given = { ...base.env_vars, ...request.env };
  const resolved = entry ? resolveEnv(entry, given) : { env: given, secrets: new Set<string>() };
  const env: Record<string, string> = {};
  const secrets: Record<string, string> = {};
  const refs = new Set(base.secrets ?? []);
  for (const ref of request.secretRefs ?? []) refs.add(checkSecretFlag(ref));
  const baseTargets = new Map((base.secrets ?? []).map((ref) => [parseSecretRef(ref).target, parseSecretRef(ref)]));
  for (const [key, value] of Object.entries(resolved.env)) {
    const fromBase = baseTargets.get(key);
    if (fromBase) secrets[fromBase.name] = value;
    else if (resolved.secrets.has(key)) {
      secrets[key] = value;
      refs.add(`${key},target=${key}`);
    } else env[key] = value;
  }
  const profile = request.profile ??
    (base.permission_profile_name_or_path || base.permission_profile
      ? {}
      : entry?.permissionSource === "registry"
      ? { permission_profile: entry.permissions }
      : { permission_profile_name_or_path: "network" });
  const args = request.args ?? [];
  const config = RunConfig.parse({
    ...base,
    schema_version: RUN_CONFIG_SCHEMA_VERSION,
    name,
    image,
    transport,
    ...(request.proxyMode ? { proxy_mode: request.proxyMode } : {}),
    cmd_args: entry ? resolveArgs(entry, args) : args.length ? args : base.cmd_args ?? [],
    host: request.host ?? base.host ?? "127.0.0.1",
    port: request.port,
    ...(transport === "stdio"
      ? { target_port: undefined }
      : { target_port: request.targetPort ?? base.target_port ?? entry?.targetPort ?? 8080 }),
    env_vars: env,
    secrets: [...refs],
    volumes: [...(base.volumes ?? []), ...(request.volumes ?? [])],
    group: request.group ?? base.group ?? DEFAULT_GROUP,
    ...profile,
  });
  return { config, secrets };
}
