/**
 * `thv client` as operations the CLI and `thv serve` share: each client's status, register (add thv's
 * running servers to its file), remove (take thv's entries out again), and keeping every registered client's
 * file in step as a workload starts and stops.
 * @module
 */
import { type ClientEnv, type ClientName, CLIENTS, type ClientSpec, clientSpec, type ServerEntry } from "./clients.ts";
import { BACKUP_SUFFIX, editConfigFile, readBackup, removeIfEmpty } from "./config_file.ts";
import { checkConfig, hasKey, memberValue, withMember, withoutEmptyKey, withoutMember } from "./edit.ts";
import { readRegistered, writeRegistered } from "./registered.ts";
import { lockWorkload, type WorkloadLock } from "../state/mod.ts";

/** Holds thv's clients lock (`clients.lock` in thv's config folder), so two thv processes never interleave edits. */
function lockClients(ctx: ClientsContext): Promise<WorkloadLock> {
  return lockWorkload(ctx.configDir, "clients", { timeoutMs: 30_000 });
}

/** Where the clients' files are and where thv records registrations. */
export interface ClientsContext {
  /** The user's folders and platform. */
  readonly env: ClientEnv;
  /** thv's config folder (`$XDG_CONFIG_HOME/toolhive`). */
  readonly configDir: string;
}

/** One client as `thv client status` shows it. */
export interface ClientStatus {
  /** Name on the command line. */
  readonly name: ClientName;
  /** Product name. */
  readonly displayName: string;
  /** Its MCP config file. */
  readonly configPath: string;
  /** Whether the client looks installed (the file or its folder exists). */
  readonly installed: boolean;
  /** Whether thv keeps its entries in step with the workloads. */
  readonly registered: boolean;
  /** The entries thv wrote there. */
  readonly entries: readonly string[];
}

/** Every client with its file, whether it is installed and whether it is registered. */
export async function clientStatuses(ctx: ClientsContext): Promise<ClientStatus[]> {
  const registered = await readRegistered(ctx.configDir);
  return await Promise.all(CLIENTS.map(async (spec): Promise<ClientStatus> => {
    const configPath = spec.configPath(ctx.env);
    const folder = spec.installMarker?.(ctx.env) ?? configPath.slice(0, configPath.lastIndexOf("/"));
    const installed = await exists(configPath) || await exists(folder);
    const entries = registered[spec.name];
    return {
      name: spec.name,
      displayName: spec.displayName,
      configPath,
      installed,
      registered: !!entries,
      entries: entries ?? [],
    };
  }));
}

/** Registers `client` and writes an entry for each of `servers` into its file; returns the file's path. */
export async function registerClient(
  client: string,
  options: { readonly ctx: ClientsContext; readonly servers: readonly ServerEntry[] },
): Promise<string> {
  const spec = clientSpec(client);
  const { ctx, servers } = options;
  const path = spec.configPath(ctx.env);
  await using _lock = await lockClients(ctx);
  const registered = await readRegistered(ctx.configDir);
  await editConfigFile(path, (text) => {
    checkConfig(text, { file: path, key: spec.serversKey }); // refused even when there is nothing to add yet
    return servers.reduce(
      (t, s) => addEntry(t, { spec, path, server: s, owned: registered[spec.name] ?? [] }),
      text,
    );
  });
  const names = new Set([...(registered[spec.name] ?? []), ...servers.map((s) => s.name)]);
  await writeRegistered(ctx.configDir, { ...registered, [spec.name]: [...names].sort() });
  return path;
}

/** Takes thv's entries out of `client`'s file and unregisters it; returns the file's path. */
export async function removeClient(client: string, ctx: ClientsContext): Promise<string> {
  const spec = clientSpec(client);
  const path = spec.configPath(ctx.env);
  await using _lock = await lockClients(ctx);
  const registered = await readRegistered(ctx.configDir);
  const names = registered[spec.name] ?? [];
  const backup = await readBackup(path);
  const key = spec.serversKey;
  await editConfigFile(path, (text) => {
    checkConfig(text, { file: path, key });
    const without = names.reduce((t, name) => withoutMember(t, { file: path, key, name }), text);
    // The servers object thv added to a file that had none goes again, so the file is the user's own once more.
    return backup !== undefined && !hasKey(backup, key) ? withoutEmptyKey(without, { file: path, key }) : without;
  });
  // A file only thv wrote goes, with its empty backup, so the next register starts afresh.
  if (backup === "" && await removeIfEmpty(path, ["{}", `{"${key}":{}}`])) await Deno.remove(`${path}${BACKUP_SUFFIX}`);
  const { [spec.name]: _gone, ...rest } = registered;
  await writeRegistered(ctx.configDir, rest);
  return path;
}

/** What keeping the clients in step did: the files changed, and one line per client that failed. */
export interface SyncResult {
  /** Files that now name the server (or no longer do). */
  readonly changed: readonly string[];
  /** One line per client whose file could not be changed (the others are still done). */
  readonly failures: readonly string[];
}

/** Adds `server` to the file of every registered client (a workload started). */
export function addServerToClients(server: ServerEntry, ctx: ClientsContext): Promise<SyncResult> {
  return eachRegistered(
    ctx,
    server.name,
    (spec, path, owned) => (text) => addEntry(text, { spec, path, server, owned }),
    true,
  );
}

/** Takes the entry `name` out of the file of every registered client that has it (a workload stopped). */
export function removeServerFromClients(name: string, ctx: ClientsContext): Promise<SyncResult> {
  return eachRegistered(
    ctx,
    name,
    (spec, path) => (text) => withoutMember(text, { file: path, key: spec.serversKey, name }),
    false,
  );
}

/** Applies an edit to each registered client's file and records whether `name` is now there. */
async function eachRegistered(
  ctx: ClientsContext,
  name: string,
  edit: (spec: ClientSpec, path: string, owned: readonly string[]) => (text: string) => string,
  present: boolean,
): Promise<SyncResult> {
  if (!Object.keys(await readRegistered(ctx.configDir)).length) return { changed: [], failures: [] };
  await using _lock = await lockClients(ctx);
  const registered = await readRegistered(ctx.configDir);
  const changed: string[] = [];
  const failures: string[] = [];
  const next: Partial<Record<ClientName, readonly string[]>> = { ...registered };
  for (const [client, names] of Object.entries(registered) as [ClientName, readonly string[]][]) {
    if (!present && !names.includes(name)) continue; // never take out an entry thv did not write
    const spec = clientSpec(client);
    const path = spec.configPath(ctx.env);
    try {
      if (await editConfigFile(path, edit(spec, path, names))) changed.push(path);
      const set = new Set(names);
      if (present) set.add(name);
      else set.delete(name);
      next[client] = [...set].sort();
    } catch (error) {
      failures.push(`${spec.displayName}: ${(error as Error).message}`);
    }
  }
  await writeRegistered(ctx.configDir, next);
  return { changed, failures };
}

/** `text` with thv's entry for `server`; refuses to replace an entry of that name that thv did not write. */
function addEntry(
  text: string,
  options: {
    readonly spec: ClientSpec;
    readonly path: string;
    readonly server: ServerEntry;
    readonly owned: readonly string[];
  },
): string {
  const { spec, path, server } = options;
  const key = spec.serversKey;
  if (!options.owned.includes(server.name) && memberValue(text, { key, name: server.name }) !== undefined) {
    throw new Error(
      `Cannot add ${server.name} to ${path}: it has a server of that name thv did not write; rename the workload (thv run --name) or that entry`,
    );
  }
  return withMember(text, { file: path, key, name: server.name, value: spec.entry(server) });
}

/** Whether `path` exists. */
async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}
