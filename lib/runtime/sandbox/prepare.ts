/**
 * Fetching a package before its first start, as thv (with network): `deno info --json` resolves the
 * version, downloads the package and its dependencies into DENO_DIR and says where, so the sandboxed
 * process later runs from the cache alone (`--cached-only`).
 * @module
 */
import { delay, sleepUnlessAborted } from "../../async/mod.ts";
import { packageBin, resolvedNpmPackage } from "./package_info.ts";
import { npmSpecifier, type SandboxRef } from "./ref.ts";

/** A package ready to run in the sandbox. */
export interface PreparedPackage {
  /** What was asked for. */
  readonly ref: SandboxRef;
  /** What `deno run` runs: `npm:<name>@<exact version>/<bin>`, or the local bin file's absolute path. */
  readonly main: string;
  /** The package's own folder, which the server may read. */
  readonly dir: string;
  /** The exact version, for an npm package. */
  readonly version?: string;
  /** The registry it came from, for an npm package. */
  readonly registryUrl?: string;
}

/** Options of {@linkcode preparePackage}. */
export interface PrepareOptions {
  /** Deno's cache folder to fetch into. */
  readonly denoDir: string;
  /** The Deno binary; default `Deno.execPath()`. */
  readonly denoPath?: string;
  /** Environment of `deno info` (registry, proxy and TLS settings); default thv's own. */
  readonly env?: Readonly<Record<string, string>>;
  /** Cancels the fetch. */
  readonly signal?: AbortSignal;
}

/**
 * Fetches an npm package into `denoDir` (or checks a local package) and finds the bin that runs it. Fails
 * with one line when the package, the version or the registry is not there.
 */
export async function preparePackage(ref: SandboxRef, options: PrepareOptions): Promise<PreparedPackage> {
  if (ref.kind === "local") {
    const what = ref.dir;
    const bin = packageBin(await readPackageJson(`${ref.dir}/package.json`, what), what);
    const main = `${ref.dir}/${bin.path}`;
    const stat = await Deno.stat(main).catch(() => undefined);
    if (!stat?.isFile) throw new Error(`Package ${what} has no file ${bin.path} for its bin ${bin.name}`);
    return { ref, main, dir: ref.dir };
  }
  // The registry sometimes fails a request and answers the next: one more try before saying it is unreachable.
  try {
    return await fetchNpmPackage(ref, options);
  } catch (e) {
    if (!/^Cannot reach the npm registry/.test((e as Error).message) || options.signal?.aborted) throw e;
    // Shutdown during the pause ends it with the registry's error rather than a second try.
    const waited = options.signal ? await sleepUnlessAborted(1000, options.signal) : (await delay(1000), true);
    if (!waited) throw e;
    return await fetchNpmPackage(ref, options);
  }
}

async function fetchNpmPackage(
  ref: Extract<SandboxRef, { kind: "npm" }>,
  options: PrepareOptions,
): Promise<PreparedPackage> {
  const specifier = npmSpecifier(ref.name, ref.version);
  await Deno.mkdir(options.denoDir, { recursive: true });
  const output = await new Deno.Command(options.denoPath ?? Deno.execPath(), {
    args: ["info", "--json", "--no-config", "--no-lock", specifier],
    env: { ...options.env, DENO_DIR: options.denoDir, NO_COLOR: "1" },
    ...(options.env ? { clearEnv: true } : {}),
    cwd: options.denoDir,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    ...(options.signal ? { signal: options.signal } : {}),
  }).output().catch((e) => {
    throw new Error(`Cannot fetch npm package ${specifier.slice(4)}: cannot run deno: ${(e as Error).message}`, {
      cause: e,
    });
  });
  const stdout = new TextDecoder().decode(output.stdout);
  if (!output.success) {
    const stderr = new TextDecoder().decode(output.stderr).trim().split("\n").at(-1) ?? "";
    throw new Error(`Cannot fetch npm package ${specifier.slice(4)}: deno info failed: ${stderr}`);
  }
  const resolved = resolvedNpmPackage(stdout, ref.name, ref.version);
  const what = `${ref.name}@${resolved.version}`;
  const bin = packageBin(await readPackageJson(`${resolved.dir}/package.json`, what), what);
  return {
    ref,
    main: `${npmSpecifier(ref.name, resolved.version)}/${bin.name}`,
    dir: resolved.dir,
    version: resolved.version,
    ...(resolved.registryUrl ? { registryUrl: resolved.registryUrl } : {}),
  };
}

async function readPackageJson(path: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    throw new Error(`Package ${what} has no readable package.json: ${(e as Error).message}`, { cause: e });
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`Package ${what} has a package.json that is not JSON: ${(e as Error).message}`, { cause: e });
  }
}
