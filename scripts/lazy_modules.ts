/**
 * The modules thv loads with `lazyImport` (lib/lazy_import.ts), which `deno compile` does not follow on its
 * own: in every source file that calls it, each `typeof import("…")` that names an existing file. Run as
 * `deno run --allow-read scripts/lazy_modules.ts` by scripts/compile.sh, which includes each line it prints.
 * @module
 */
import { dirname, join, normalize, relative } from "node:path";
import { fileURLToPath } from "node:url";

const TYPE_IMPORT = /typeof\s+import\(\s*["']([^"']+)["']\s*\)/g;

/** The lazily imported modules among `files` (path relative to the root → source) that `exists` finds. */
export function lazyModules(files: ReadonlyMap<string, string>, exists: (path: string) => boolean): string[] {
  const out = new Set<string>();
  for (const [file, source] of files) {
    if (!source.includes("lazyImport")) continue;
    for (const m of source.matchAll(TYPE_IMPORT)) {
      const target = normalize(join(dirname(file), m[1]!));
      if (m[1]!.startsWith(".") && exists(target)) out.add(target);
    }
  }
  return [...out].sort();
}

/** The non-test TypeScript sources of thv (main.ts, lib/, roles/), relative to `root`. */
export async function thvSources(root: string): Promise<Map<string, string>> {
  const files = new Map<string, string>([["main.ts", await Deno.readTextFile(join(root, "main.ts"))]]);
  const walk = async (dir: string) => {
    for await (const entry of Deno.readDir(join(root, dir))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory) await walk(path);
      else if (path.endsWith(".ts") && !path.endsWith("_test.ts")) {
        files.set(path, await Deno.readTextFile(join(root, path)));
      }
    }
  };
  await walk("lib");
  await walk("roles");
  return files;
}

if (import.meta.main) {
  const root = relative(Deno.cwd(), fileURLToPath(new URL("..", import.meta.url))) || ".";
  const exists = (path: string) => {
    try {
      return Deno.statSync(join(root, path)).isFile;
    } catch {
      return false;
    }
  };
  for (const path of lazyModules(await thvSources(root), exists)) console.log(join(root, path));
}
