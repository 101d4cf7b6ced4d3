/**
 * What the workload operations share: their dependencies, the stores over the state folders, the saved
 * RunConfig of a name, and the errors callers act on.
 * @module
 */
import { NotFoundError } from "../errors.ts";
import type Docker from "dockerode";
import type { Logger } from "../log.ts";
import type { RunConfig } from "../run_config.ts";
import { RunConfigStore, SecretStore, type StatePaths, StatusStore } from "../state/mod.ts";
import type { WorkloadBackend } from "./backend.ts";
import { resolveSecretRefs } from "../secrets/mod.ts";

/** What the lifecycle operations need from the edge. */
export interface WorkloadDeps {
  /** Where state lives. */
  readonly paths: StatePaths;
  /** The backend a RunConfig's server runs on; throws (saying what to do) when it cannot be had. */
  readonly backendFor: (config: RunConfig) => WorkloadBackend;
  /** The command line that runs thv itself, for the detached proxy. */
  readonly self: readonly string[];
  /** Global flags the detached proxy gets (e.g. `--debug`). */
  readonly flags?: readonly string[];
  /** Environment of the detached proxy. */
  readonly env?: Readonly<Record<string, string>>;
  /** Asks for the secrets password when the environment has none (a terminal is attached). */
  readonly secretsPrompt?: () => Promise<string | undefined>;
  /** Logger. */
  readonly log: Logger;
  /**
   * The container engine's client, when one is configured: finds a workload's container by its thv labels
   * alone (its RunConfig unreadable). Undefined, or returning undefined, where there is none.
   */
  readonly engine?: () => Docker | undefined;
}

/** How long a proxy gets to stop before SIGKILL. */
export const STOP_TIMEOUT_MS = 30_000;

/** The log file of a workload's proxy. */
export function proxyLogFile(paths: StatePaths, name: string): string {
  return `${paths.logs}/${name}.log`;
}

/** Where a sandboxed workload's server keeps its files: its private folder and its own log. */
export function sandboxFiles(paths: StatePaths, name: string): { workDir: string; logFile: string } {
  return { workDir: `${paths.sandboxes}/${name}`, logFile: `${paths.logs}/${name}-server.log` };
}

/** The stores over the state folders of `deps`. */
export function stores(deps: WorkloadDeps) {
  return {
    configs: new RunConfigStore(deps.paths.runConfigs),
    statuses: new StatusStore(deps.paths),
    secrets: new SecretStore(deps.paths.secrets),
  };
}

/** The RunConfig with its secret references resolved into its environment: for the backend, never saved. */
export async function withSecrets(deps: WorkloadDeps, config: RunConfig): Promise<RunConfig> {
  if (!config.secrets.length) return config;
  const own = await stores(deps).secrets.values(config.name);
  const env = await resolveSecretRefs(config.name, config.secrets, own, {
    paths: deps.paths,
    env: deps.env ?? {},
    ...(deps.secretsPrompt ? { prompt: deps.secretsPrompt } : {}),
  });
  return Object.keys(env).length ? { ...config, env_vars: { ...config.env_vars, ...env } } : config;
}

/** What to do about a RunConfig that cannot be read. */
function brokenAdvice(name: string): string {
  return `fix the file, or remove the workload with thv rm ${name}`;
}

/** The saved RunConfig of `name`; the error says how to find the names, or what to do about a broken file. */
export async function loadConfig(deps: WorkloadDeps, name: string): Promise<RunConfig> {
  const saved = await loadSaved(deps, name);
  if ("broken" in saved) throw new Error(saved.broken);
  return saved.config;
}

/**
 * The saved RunConfig of `name`, or why it cannot be read (one line: the file, what is wrong, what to do),
 * for the commands that work without it (list, stop, rm). Throws when there is no RunConfig at all.
 */
export async function loadSaved(
  deps: WorkloadDeps,
  name: string,
): Promise<{ readonly config: RunConfig } | { readonly broken: string }> {
  let config: RunConfig | undefined;
  try {
    config = await stores(deps).configs.load(name);
  } catch (e) {
    if (!(e instanceof SyntaxError || e instanceof TypeError)) throw e;
    return { broken: `${(e as Error).message.split("\n")[0]}: ${brokenAdvice(name)}` };
  }
  if (!config) throw new NotFoundError(`No workload named ${name}: see thv list -a`);
  return { config };
}
