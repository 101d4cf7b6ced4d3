/**
 * What a test left on disk, for "nothing left behind" checks.
 * @module
 */

/** Every file below `dir` (recursively), relative to it and sorted; none when `dir` does not exist. */
export async function filesUnder(dir: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (d: string) => {
    for await (const e of Deno.readDir(d)) {
      if (e.isDirectory) await walk(`${d}/${e.name}`);
      else found.push(`${d}/${e.name}`.slice(dir.length + 1));
    }
  };
  await walk(dir).catch(() => {});
  return found.sort();
}
