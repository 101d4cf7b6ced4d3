/**
 * `npx://` image references: the packages the Deno sandbox runs. `npx://<package>[@version]` names an npm
 * package; `npx://./dir` and `npx:///abs/dir` name a local package directory, as `npx ./dir` does.
 * @module
 */
import { isAbsolute, resolve } from "node:path";

/** The scheme of images the Deno sandbox runs. */
export const SANDBOX_SCHEME = "npx://";

/** A package the sandbox runs: from npm (version as given: exact, range or tag), or a local directory. */
export type SandboxRef =
  | { readonly kind: "npm"; readonly name: string; readonly version?: string }
  | { readonly kind: "local"; readonly dir: string };

/** Whether an image is for the Deno sandbox (`npx://…`) rather than a container engine. */
export function isSandboxImage(image: string): boolean {
  return image.startsWith(SANDBOX_SCHEME);
}

// npm's rules for new package names: at most 214 characters, URL-safe, no leading dot or underscore; a
// scope is `@scope/`. Capitals are accepted because old packages (JSONStream) still have them.
const NAME = /^(?:@[a-zA-Z0-9~-][a-zA-Z0-9._~-]*\/)?[a-zA-Z0-9~-][a-zA-Z0-9._~-]*$/;
// An exact version, a dist-tag, or a range without spaces (1.2.3, latest, ^1.2, >=1.0.0-rc.1).
const VERSION = /^[a-zA-Z0-9.^~<>=*+_-]+$/;
const USAGE = "use npx://<package>[@version] (e.g. npx://@modelcontextprotocol/server-everything@2026.8.31) " +
  "or npx://./<package dir>";

/**
 * Parses an `npx://` image. A relative local directory (`npx://./dir`, `npx://../dir`) is resolved against
 * `cwd`, and refused without it.
 * @example
 * parseSandboxRef("npx://@modelcontextprotocol/server-memory@2026.8.31");
 * // { kind: "npm", name: "@modelcontextprotocol/server-memory", version: "2026.8.31" }
 */
export function parseSandboxRef(image: string, cwd?: string): SandboxRef {
  const bad = (reason: string) =>
    new RangeError(`Image ${JSON.stringify(image)} is not a valid npx reference: ${reason}; ${USAGE}`);
  if (!isSandboxImage(image)) throw bad(`it does not start with ${SANDBOX_SCHEME}`);
  const rest = image.slice(SANDBOX_SCHEME.length);
  if (rest.includes("\0")) throw bad("it contains a NUL character");
  if (rest.startsWith("/")) return { kind: "local", dir: resolve(rest) };
  if (rest.startsWith("./") || rest.startsWith("../") || rest === "." || rest === "..") {
    if (cwd === undefined || !isAbsolute(cwd)) throw bad("a relative package directory needs a working directory");
    return { kind: "local", dir: resolve(cwd, rest) };
  }
  const at = rest.indexOf("@", rest.startsWith("@") ? 1 : 0);
  const name = at < 0 ? rest : rest.slice(0, at);
  const version = at < 0 ? undefined : rest.slice(at + 1);
  if (!name) throw bad("the package name is empty");
  if (name.length > 214 || !NAME.test(name)) throw bad(`${JSON.stringify(name)} is not an npm package name`);
  if (version === undefined) return { kind: "npm", name };
  if (!VERSION.test(version)) throw bad(`${JSON.stringify(version)} is not a version, range or tag`);
  return { kind: "npm", name, version };
}

/**
 * The image with a relative local package directory (`npx://./dir`, `npx://../dir`) made absolute against
 * `cwd` (`npx:///abs/dir`), so the RunConfig names the same folder from wherever it is started later. Other
 * images are returned as they are.
 * @example
 * absoluteSandboxImage("npx://./my-server", "/home/me"); // "npx:///home/me/my-server"
 */
export function absoluteSandboxImage(image: string, cwd: string): string {
  if (!isSandboxImage(image)) return image;
  const rest = image.slice(SANDBOX_SCHEME.length);
  if (!(rest.startsWith("./") || rest.startsWith("../") || rest === "." || rest === "..")) return image;
  const ref = parseSandboxRef(image, cwd);
  return ref.kind === "local" ? `${SANDBOX_SCHEME}${ref.dir}` : image;
}

/** The `npm:` specifier of a package at a version (the one Deno resolves and caches). */
export function npmSpecifier(name: string, version?: string): string {
  return version === undefined ? `npm:${name}` : `npm:${name}@${version}`;
}
