/**
 * Writing state files so that a crash or a concurrent reader never sees half a file: write a temporary
 * file beside the target, then rename it over the target (atomic on one file system).
 * @module
 */

/** Writes `text` to `path` atomically, creating the folder (mode 0700) when needed. */
export async function writeFileAtomic(path: string, text: string, options: { mode?: number } = {}): Promise<void> {
  const dir = path.slice(0, path.lastIndexOf("/"));
  await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
  const tmp = `${path}.tmp-${crypto.randomUUID().slice(0, 8)}`;
  try {
    await Deno.writeTextFile(tmp, text, { mode: options.mode ?? 0o600 });
    await Deno.rename(tmp, path);
  } catch (e) {
    await Deno.remove(tmp).catch(() => {});
    throw new Error(`Cannot write ${path}: ${(e as Error).message}`, { cause: e });
  }
}

/**
 * Writes `text` to `path` only if no file is there: the whole file appears at once (a hard link of a
 * complete temporary file), and of two concurrent writers exactly one wins. False when `path` exists.
 */
export async function createFileExclusive(
  path: string,
  text: string,
  options: { mode?: number } = {},
): Promise<boolean> {
  const dir = path.slice(0, path.lastIndexOf("/"));
  await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
  const tmp = `${path}.tmp-${crypto.randomUUID().slice(0, 8)}`;
  try {
    await Deno.writeTextFile(tmp, text, { mode: options.mode ?? 0o600 });
    await Deno.link(tmp, path);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.AlreadyExists) return false;
    throw new Error(`Cannot write ${path}: ${(e as Error).message}`, { cause: e });
  } finally {
    await Deno.remove(tmp).catch(() => {});
  }
}

/** Deletes a file; false when it was not there. */
export async function removeFileIfExists(path: string): Promise<boolean> {
  try {
    await Deno.remove(path);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}

/** Reads a text file; undefined when it does not exist. */
export async function readFileIfExists(path: string): Promise<string | undefined> {
  try {
    return await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw e;
  }
}
