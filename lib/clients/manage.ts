/**
 * `thv client` as operations the CLI and `thv serve` share: each client's status, register (add thv's
 * running servers of the client's groups to its file), remove (take thv's entries out again, for every group
 * or some), and keeping every registered client's file in step as a workload starts and stops.
 * @module
 */
import { type ClientEnv, type ClientName, CLIENTS, type ClientSpec, clientSpec, type ServerEntry } from "./clients.ts";
import { BACKUP_SUFFIX, editConfigFile, readBackup, removeIfEmpty } from "./config_file.ts";
import { checkConfig, hasKey, memberValue, withMember, withoutEmptyKey, withoutMember } from "./edit.ts";
import { followsGroup, readRegistrations, type Registrations, writeRegistrations } from "./registered.ts";
import { lockWorkload, type WorkloadLock } from "../state/mod.ts";
import { DEFAULT_GROUP, GroupStore } from "../groups/mod.ts";

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
  /**
   * The group files' folder (`statePaths().groups`): when given, the groups named to register and remove must
   * exist, and each group's `registered_clients` is kept as ToolHive keeps it.
   */
  readonly groupsDir?: string;
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
  /** The groups whose workloads it gets: absent when it is registered for every group, `[]` when unregistered. */
  readonly groups?: readonly string[];
}

/** Every client with its file, whether it is installed and whether it is registered. */
export async function clientStatuses(ctx: ClientsContext): Promise<ClientStatus[]> {
  const { registered, groups } = await readRegistrations(ctx.configDir);
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
      ...(entries && !groups[spec.name] ? {} : { groups: groups[spec.name] ?? [] }),
    };
  }));
}

/**
 * Registers `client` for `groups` (default: the `default` group; added to those it had) and writes an entry
 * for each of `servers` in those groups into its file; the entries thv wrote for `servers` in other groups go.
 * Returns the file's path.
 */
export async function registerClient(
  client: string,
  options: {
    readonly ctx: ClientsContext;
    readonly servers: readonly ServerEntry[];
    readonly groups?: readonly string[];
  },
): Promise<string> {
  const spec = clientSpec(client);
  const { ctx, servers } = options;
  const given = unique(options.groups?.length ? options.groups : [DEFAULT_GROUP]);
  const store = groupStore(ctx);
  for (const group of given) await store?.get(group); // an unknown group: one line naming it
  const path = spec.configPath(ctx.env);
  await using _lock = await lockClients(ctx);
  const { registered, groups } = await readRegistrations(ctx.configDir);
  // A client registered before groups followed every group; registering it for some makes it follow those.
  const follows = unique([...(groups[spec.name] ?? []), ...given]);
  const owned = registered[spec.name] ?? [];
  const wanted = servers.filter((s) => follows.includes(s.group ?? DEFAULT_GROUP));
  const dropped = servers.filter((s) => !wanted.includes(s) && owned.includes(s.name)).map((s) => s.name);
  const key = spec.serversKey;
  await editConfigFile(path, (text) => {
    checkConfig(text, { file: path, key }); // refused even when there is nothing to add yet
    const without = dropped.reduce((t, name) => withoutMember(t, { file: path, key, name }), text);
    return wanted.reduce((t, s) => addEntry(t, { spec, path, server: s, owned }), without);
  });
  const names = new Set([...owned.filter((n) => !dropped.includes(n)), ...wanted.map((s) => s.name)]);
  await writeRegistrations(ctx.configDir, {
    registered: { ...registered, [spec.name]: [...names].sort() },
    groups: { ...groups, [spec.name]: follows },
  });
  for (const group of given) await store?.updateClients(group, (c) => unique([...c, spec.name]));
  return path;
}

/**
 * Takes thv's entries out of `client`'s file and unregisters it; with `groups`, only from those groups: the
 * entries of `servers` in them go, and the client stays registered for its other groups (none left: it is
 * unregistered). Returns the file's path.
 */
export async function removeClient(
  client: string,
  ctx: ClientsContext,
  options: { readonly groups?: readonly string[]; readonly servers?: readonly ServerEntry[] } = {},
): Promise<string> {
  const spec = clientSpec(client);
  const path = spec.configPath(ctx.env);
  const store = groupStore(ctx);
  const only = options.groups?.length ? unique(options.groups) : undefined;
  for (const group of only ?? []) await store?.get(group);
  await using _lock = await lockClients(ctx);
  const regs = await readRegistrations(ctx.configDir);
  const { registered, groups } = regs;
  const had = groups[spec.name];
  if (only && registered[spec.name] && !had) {
    throw new RangeError(
      `Cannot remove ${spec.name} from group ${only[0]}: it gets every group's workloads (registered before groups); ` +
        `register it for the groups it should follow (thv client register ${spec.name} --group <group>) first`,
    );
  }
  const left = only && had ? had.filter((g) => !only.includes(g)) : [];
  if (only && left.length) {
    const names = (options.servers ?? []).filter((s) => only.includes(s.group ?? DEFAULT_GROUP)).map((s) => s.name);
    const owned = registered[spec.name] ?? [];
    const gone = owned.filter((n) => names.includes(n));
    const key = spec.serversKey;
    await editConfigFile(path, (text) => {
      checkConfig(text, { file: path, key });
      return gone.reduce((t, name) => withoutMember(t, { file: path, key, name }), text);
    });
    await writeRegistrations(ctx.configDir, {
      registered: { ...registered, [spec.name]: owned.filter((n) => !gone.includes(n)) },
      groups: { ...groups, [spec.name]: left },
    });
    for (const group of only) await store?.updateClients(group, (c) => c.filter((n) => n !== spec.name));
    return path;
  }
  await unregister(spec, { ctx, regs, path });
  const from = store ? (await store.list()).map((g) => g.name) : [];
  for (const group of from) await store!.updateClients(group, (c) => c.filter((n) => n !== spec.name));
  return path;
}

/** Takes every entry thv wrote out of the client's file (restoring the user's own) and forgets the client. */
async function unregister(
  spec: ClientSpec,
  options: { readonly ctx: ClientsContext; readonly regs: Registrations; readonly path: string },
): Promise<void> {
  const { ctx, path } = options;
  const { registered, groups } = options.regs;
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
  const { [spec.name]: _groups, ...restGroups } = groups;
  await writeRegistrations(ctx.configDir, { registered: rest, groups: restGroups });
}

/** The group store of `ctx`, when it names the groups' folder. */
function groupStore(ctx: ClientsContext): GroupStore | undefined {
  return ctx.groupsDir === undefined ? undefined : new GroupStore(ctx.groupsDir);
}

/** `items` without repeats, in first-seen order. */
function unique(items: readonly string[]): string[] {
  return [...new Set(items)];
}

/** What keeping the clients in step did: the files changed, and one line per client that failed. */
export interface SyncResult {
  /** Files that now name the server (or no longer do). */
  readonly changed: readonly string[];
  /** One line per client whose file could not be changed (the others are still done). */
  readonly failures: readonly string[];
}

/** Adds `server` to the file of every registered client that follows its group (a workload started). */
export function addServerToClients(server: ServerEntry, ctx: ClientsContext): Promise<SyncResult> {
  return eachRegistered(
    ctx,
    { name: server.name, present: true, group: server.group },
    (spec, path, owned) => (text) => addEntry(text, { spec, path, server, owned }),
  );
}

/** Takes the entry `name` out of the file of every registered client that has it (a workload stopped). */
export function removeServerFromClients(name: string, ctx: ClientsContext): Promise<SyncResult> {
  return eachRegistered(
    ctx,
    { name, present: false },
    (spec, path) => (text) => withoutMember(text, { file: path, key: spec.serversKey, name }),
  );
}

/** Applies an edit to each registered client's file and records whether `name` is now there. */
async function eachRegistered(
  ctx: ClientsContext,
  change: { readonly name: string; readonly present: boolean; readonly group?: string | undefined },
  edit: (spec: ClientSpec, path: string, owned: readonly string[]) => (text: string) => string,
): Promise<SyncResult> {
  const { name, present, group } = change;
  if (!Object.keys((await readRegistrations(ctx.configDir)).registered).length) return { changed: [], failures: [] };
  await using _lock = await lockClients(ctx);
  const { registered, groups } = await readRegistrations(ctx.configDir);
  const changed: string[] = [];
  const failures: string[] = [];
  const next: Partial<Record<ClientName, readonly string[]>> = { ...registered };
  for (const [client, names] of Object.entries(registered) as [ClientName, readonly string[]][]) {
    if (!present && !names.includes(name)) continue; // never take out an entry thv did not write
    if (present && !followsGroup(groups[client], group ?? DEFAULT_GROUP)) continue;
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
  await writeRegistrations(ctx.configDir, { registered: next, groups });
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
