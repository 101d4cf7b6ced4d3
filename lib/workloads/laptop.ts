/**
 * The laptop's {@linkcode Workloads}, as `thv` commands and `thv serve` open them: the state folders and
 * settings read from the environment once, and MCP client files that follow workloads as they start and
 * stop. Callers give the event sink (the CLI prints to standard error, `thv serve` streams to its clients).
 * @module
 */
import type { Logger } from "../log.ts";
import type { RuntimeChoice } from "../runtime/mod.ts";
import { RunConfigStore, statePaths } from "../state/mod.ts";
import { parseLogMaxBytes } from "./capped_log.ts";
import type { WorkloadChange, WorkloadEventSink } from "./config.ts";
import { workloadsConfig } from "./config.ts";
import { createWorkloads, type Workloads } from "./facade.ts";

/** What {@linkcode openLaptopWorkloads} is built from; all read once at the edge. */
export interface LaptopSettings {
  /** The environment, read once at start. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The runtime, detected once on first use. */
  readonly runtime: () => RuntimeChoice;
  /** The process logger. */
  readonly log: Logger;
  /** The command line that runs this thv again (for the detached proxy). */
  readonly self: readonly string[];
  /** Global flags the detached proxy gets (`--debug`). */
  readonly passFlags: readonly string[];
  /** The folder relative `npx://./dir` references are resolved against. */
  readonly cwd: string;
  /** Where progress and warnings go unless an operation names its own sink. */
  readonly onEvent?: WorkloadEventSink;
}

/** The laptop workloads over `settings`, with MCP client entries following them. */
export function openLaptopWorkloads(settings: LaptopSettings): Workloads {
  const hostEnv = Object.fromEntries(
    Object.entries(settings.env).filter((e): e is [string, string] => e[1] !== undefined),
  );
  return createWorkloads(workloadsConfig({
    paths: statePaths(settings.env),
    runtime: settings.runtime,
    log: settings.log,
    hostEnv,
    self: settings.self,
    proxyFlags: [...settings.passFlags, "--log-format", "text"],
    // From source, thv runs on the Deno that runs the server; a compiled thv needs one on PATH (or THV_DENO).
    denoPath: settings.env.THV_DENO ?? (settings.self.length > 1 ? settings.self[0]! : "deno"),
    serverLogMaxBytes: () => parseLogMaxBytes(settings.env.THV_SERVER_LOG_MAX_BYTES),
    cwd: settings.cwd,
    ...(settings.onEvent ? { onEvent: settings.onEvent } : {}),
    onChange: (change) => followInClients(settings.env, change),
  }));
}

/**
 * Adds a started workload to the file of every MCP client registered for its group, or takes a stopped one
 * out; throws what failed.
 */
async function followInClients(
  env: Readonly<Record<string, string | undefined>>,
  change: WorkloadChange,
): Promise<void> {
  const { addServerToClients, clientEnv, readRegistered, removeServerFromClients } = await import(
    "../clients/mod.ts"
  );
  const paths = statePaths(env);
  const configDir = paths.config;
  if (!Object.keys(await readRegistered(configDir)).length) return; // no client registered: nothing to read
  const clients = { env: clientEnv(env, Deno.build.os), configDir };
  const group = async (name: string) => (await new RunConfigStore(paths.runConfigs).load(name))?.group;
  const result = change.kind === "started"
    ? await addServerToClients({ name: change.name, url: change.url, group: await group(change.name) }, clients)
    : await removeServerFromClients(change.name, clients);
  if (result.failures.length) throw new Error(`MCP client not updated: ${result.failures.join("; ")}`);
}
