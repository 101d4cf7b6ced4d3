/**
 * A client's config file on disk: read (a missing file reads as none), edited through a pure text function,
 * backed up once before thv's first edit (`<file>.thv-backup`; empty when thv created the file), and replaced atomically (a temporary file in
 * the same folder, with the original's mode, renamed over it), so the client never reads half a file.
 * @module
 */
import { EMPTY_CONFIG } from "./edit.ts";

/** The suffix of the copy thv keeps of a file before it first changes it. */
export const BACKUP_SUFFIX = ".thv-backup";

/** The file's text, or `undefined` when it does not exist. */
export async function readConfigText(path: string): Promise<string | undefined> {
  try {
    return await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw new Error(`Cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * Applies `change` to the file's text (`{}` when missing) and writes the result atomically; writes nothing when
 * the text is unchanged. Returns whether the file changed. `change` throws to refuse (the file is left as is).
 */
export async function editConfigFile(path: string, change: (text: string) => string): Promise<boolean> {
  const before = await readConfigText(path);
  const after = change(before ?? EMPTY_CONFIG);
  if (after === (before ?? EMPTY_CONFIG) && before !== undefined) return false;
  if (after === EMPTY_CONFIG && before === undefined) return false;
  const dir = path.slice(0, path.lastIndexOf("/")) || "/";
  await Deno.mkdir(dir, { recursive: true });
  const mode = before === undefined ? 0o600 : (await Deno.stat(path)).mode! & 0o777;
  // An empty backup records that the file did not exist before thv made it.
  await backupOnce(path, before ?? "", mode);
  const temp = `${path}.thv-${crypto.randomUUID().slice(0, 8)}.tmp`;
  try {
    await Deno.writeTextFile(temp, after, { mode, createNew: true });
    await Deno.chmod(temp, mode); // the umask may have narrowed it
    await Deno.rename(temp, path);
  } catch (error) {
    await Deno.remove(temp).catch(() => {});
    throw new Error(`Cannot write ${path}: ${(error as Error).message}`, { cause: error });
  }
  return true;
}

/** Keeps `text` as `<path>.thv-backup` unless a backup is already there (the first one is the user's own file). */
async function backupOnce(path: string, text: string, mode: number): Promise<void> {
  try {
    await Deno.writeTextFile(`${path}${BACKUP_SUFFIX}`, text, { mode, createNew: true });
  } catch (error) {
    if (!(error instanceof Deno.errors.AlreadyExists)) {
      throw new Error(`Cannot back up ${path}: ${(error as Error).message}`, { cause: error });
    }
  }
}

/** The copy of the user's file thv kept before its first edit (`""` when thv made the file; `undefined`: no edit yet). */
export function readBackup(path: string): Promise<string | undefined> {
  return readConfigText(`${path}${BACKUP_SUFFIX}`);
}

/** Deletes a file thv created when it holds nothing any more (`{}`, or only an empty servers object). */
export async function removeIfEmpty(path: string, emptyForms: readonly string[]): Promise<boolean> {
  const text = await readConfigText(path);
  if (text === undefined || !emptyForms.includes(text.replace(/\s/g, ""))) return false;
  await Deno.remove(path);
  return true;
}
