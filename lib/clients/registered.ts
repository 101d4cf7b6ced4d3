/**
 * Which clients the user registered with thv, which entries thv wrote into each (so `remove` takes out
 * exactly thv's entries and nothing of the user's), and which groups each follows: `clients.json` in thv's
 * config folder, written atomically. A client with no groups recorded (a file from before groups) follows
 * every group, as it did then.
 * @module
 */
import { CLIENT_NAMES, type ClientName } from "./clients.ts";

/** Registered clients and the names of the entries thv keeps in each one's file. */
export type Registered = Readonly<Partial<Record<ClientName, readonly string[]>>>;

/** The groups each registered client follows; a registered client missing here follows every group. */
export type ClientGroups = Readonly<Partial<Record<ClientName, readonly string[]>>>;

/** Everything `clients.json` records. */
export interface Registrations {
  /** Registered clients and thv's entries in each. */
  readonly registered: Registered;
  /** The groups of the clients registered for some (not every) group. */
  readonly groups: ClientGroups;
}

/** The file that records registrations, in thv's config folder. */
export function registeredPath(configDir: string): string {
  return `${configDir}/clients.json`;
}

/** Reads the registered clients and their entries (none when the file is missing). */
export async function readRegistered(configDir: string): Promise<Registered> {
  return (await readRegistrations(configDir)).registered;
}

/** Reads the registrations; throws, naming the file, when it is not thv's format. */
export async function readRegistrations(configDir: string): Promise<Registrations> {
  const path = registeredPath(configDir);
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return { registered: {}, groups: {} };
    throw new Error(`Cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
  const bad = () => new SyntaxError(`Cannot read ${path}: not a thv clients file; fix or delete it`);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw Object.assign(bad(), { cause: error });
  }
  const record = data as { registered?: unknown; groups?: unknown } | null;
  const lists = (value: unknown, optional: boolean) => {
    if (value === undefined && optional) return {};
    if (typeof value !== "object" || value === null || Array.isArray(value)) throw bad();
    const out: Partial<Record<ClientName, readonly string[]>> = {};
    for (const [name, items] of Object.entries(value)) {
      if (!(CLIENT_NAMES as readonly string[]).includes(name)) continue; // a client a later thv knows
      if (!Array.isArray(items) || !items.every((e) => typeof e === "string")) throw bad();
      out[name as ClientName] = items;
    }
    return out;
  };
  const registered = lists(record?.registered, false);
  const groups = Object.fromEntries(Object.entries(lists(record?.groups, true)).filter(([c]) => c in registered));
  return { registered, groups };
}

/** Writes the registrations atomically. */
export async function writeRegistrations(configDir: string, registrations: Registrations): Promise<void> {
  await Deno.mkdir(configDir, { recursive: true });
  const path = registeredPath(configDir);
  const temp = `${path}.${crypto.randomUUID().slice(0, 8)}.tmp`;
  const { registered, groups } = registrations;
  const kept = Object.fromEntries(Object.entries(groups).filter(([c]) => c in registered));
  await Deno.writeTextFile(temp, JSON.stringify({ registered, groups: kept }, null, 2) + "\n", { mode: 0o600 });
  await Deno.rename(temp, path);
}

/** Whether a client that follows `groups` (undefined: every group) gets the workloads of `group`. */
export function followsGroup(groups: readonly string[] | undefined, group: string): boolean {
  return groups === undefined || groups.includes(group);
}
