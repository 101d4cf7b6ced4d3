/**
 * Importing a module only when it is used. `deno run` loads (reads, resolves and prepares) every module
 * that a literal `import("./x.ts")` names before the program starts, used or not; a specifier it cannot
 * read ahead is loaded at the call only (docs/decisions/014-start-up.md). `deno compile` likewise leaves
 * such modules out unless `--include`d (scripts/compile.sh includes them).
 * @module
 */

/**
 * Imports `url` when called, out of sight of the module graph that is loaded at start-up. Give the
 * module's type as `typeof import("./x.ts")`, so that type-checking and the import rules still see it.
 * @example
 * ```ts
 * const { runCommand } = await lazyImport<typeof import("./run.ts")>(new URL("./run.ts", import.meta.url));
 * ```
 */
export function lazyImport<T>(url: URL): Promise<T> {
  return import(url.href);
}
