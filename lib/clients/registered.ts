/**
 * Which clients the user registered with thv, and which entries thv wrote into each (so `remove` takes out
 * exactly thv's entries and nothing of the user's): `clients.json` in thv's config folder, written atomically.
 * @module
 */
import { CLIENT_NAMES, type ClientName } from "./clients.ts";

/** Registered clients and the names of the entries thv keeps in each one's file. */
export type Registered = Readonly<Partial<Record<ClientName, readonly string[]>>>;

/** The file that records registrations, in thv's config folder. */
export function registeredPath(configDir: string): string {
  return `${configDir}/clients.json`;
}

/** Reads the registrations (none when the file is missing); throws, naming the file, when it is not thv's format. */
export async function readRegistered(configDir: string): Promise<Registered> {
  const path = registeredPath(configDir);
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return {};
    throw new Error(`Cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
  const bad = () => new SyntaxError(`Cannot read ${path}: not a thv clients file; fix or delete it`);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw Object.assign(bad(), { cause: error });
  }
  const registered = (data as { registered?: unknown } | null)?.registered;
  if (typeof registered !== "object" || registered === null || Array.isArray(registered)) throw bad();
  const out: Partial<Record<ClientName, readonly string[]>> = {};
  for (const [name, entries] of Object.entries(registered)) {
    if (!(CLIENT_NAMES as readonly string[]).includes(name)) continue; // a client a later thv knows
    if (!Array.isArray(entries) || !entries.every((e) => typeof e === "string")) throw bad();
    out[name as ClientName] = entries;
  }
  return out;
}

/** Writes the registrations atomically. */
export async function writeRegistered(configDir: string, registered: Registered): Promise<void> {
  await Deno.mkdir(configDir, { recursive: true });
  const path = registeredPath(configDir);
  const temp = `${path}.${crypto.randomUUID().slice(0, 8)}.tmp`;
  await Deno.writeTextFile(temp, JSON.stringify({ registered }, null, 2) + "\n", { mode: 0o600 });
  await Deno.rename(temp, path);
}
