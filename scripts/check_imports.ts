/**
 * Checks that imports flow `main.ts → roles/* → lib/*` (style.md): `lib/` imports no role and not
 * `main.ts`; a role imports no other role and not `main.ts`; and a file reaches into another folder only
 * through that folder's `mod.ts`, when it has one. Run as `deno run --allow-read scripts/check_imports.ts`.
 * @module
 */
import { dirname, join, normalize, relative } from "node:path";
import { fileURLToPath } from "node:url";

/** One import that breaks a rule. */
export interface ImportViolation {
  /** The importing file, relative to the root. */
  readonly file: string;
  /** The imported file, relative to the root. */
  readonly target: string;
  /** Which rule, in words. */
  readonly rule: string;
}

const SPECIFIER =
  /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)|^import\s*["']([^"']+)["']/gm;

/** The relative specifiers a source file imports. */
export function relativeImports(source: string): string[] {
  return [...source.matchAll(SPECIFIER)].map((m) => m[1] ?? m[2] ?? m[3] ?? "").filter((s) => s.startsWith("."));
}

function roleOf(path: string): string | undefined {
  const m = /^roles\/([^/]+)\//.exec(path);
  return m?.[1];
}

/**
 * Finds the violations among `files` (path relative to the root → source); `hasMod(dir)` says whether a
 * folder has a `mod.ts`.
 */
export function importViolations(
  files: ReadonlyMap<string, string>,
  hasMod: (dir: string) => boolean,
): ImportViolation[] {
  const out: ImportViolation[] = [];
  for (const [file, source] of files) {
    for (const spec of relativeImports(source)) {
      const target = normalize(join(dirname(file), spec));
      if (target.endsWith(".json")) continue;
      const push = (rule: string) => out.push({ file, target, rule });
      if (target === "main.ts") push("only the entry point is main.ts: nothing imports it");
      else if (file.startsWith("lib/") && target.startsWith("roles/")) push("lib/ must not import roles/");
      else if (roleOf(file) && roleOf(target) && roleOf(file) !== roleOf(target)) {
        push("a role must not import another role: move shared code to lib/");
      } else {
        const targetDir = dirname(target);
        const fromInside = dirname(file) === targetDir || dirname(file).startsWith(`${targetDir}/`);
        if (!fromInside && !target.endsWith("/mod.ts") && hasMod(targetDir)) {
          push(`import ${targetDir}/mod.ts instead: other folders use a folder through its mod.ts`);
        }
      }
    }
  }
  return out;
}

async function sourceFiles(root: string, dir: string, into: Map<string, string>): Promise<void> {
  for await (const entry of Deno.readDir(join(root, dir))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) await sourceFiles(root, path, into);
    else if (entry.name.endsWith(".ts") && !entry.name.endsWith("_test.ts")) {
      into.set(path, await Deno.readTextFile(join(root, path)));
    }
  }
}

if (import.meta.main) {
  const root = relative(Deno.cwd(), fileURLToPath(new URL("..", import.meta.url))) || ".";
  const files = new Map<string, string>([["main.ts", await Deno.readTextFile(join(root, "main.ts"))]]);
  for (const dir of ["roles", "lib"]) {
    await sourceFiles(root, dir, files).catch((e) => {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    });
  }
  const hasMod = (dir: string) => {
    try {
      return Deno.statSync(join(root, dir, "mod.ts")).isFile;
    } catch {
      return false;
    }
  };
  const violations = importViolations(files, hasMod);
  for (const v of violations) console.error(`${v.file}: imports ${v.target}: ${v.rule}`);
  if (violations.length > 0) Deno.exit(1);
  console.log(`imports: ${files.size} files flow main.ts → roles → lib`);
}
