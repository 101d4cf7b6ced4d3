/**
 * Reading what Deno and package.json say about a package (pure): the version `deno info` resolved and
 * where it cached it, and which `bin` runs it, chosen as `npx` chooses.
 * @module
 */

/** A package Deno resolved and cached. */
export interface ResolvedNpmPackage {
  /** The exact version. */
  readonly version: string;
  /** The package's folder in Deno's cache. */
  readonly dir: string;
  /** The registry it came from. */
  readonly registryUrl?: string;
}

interface DenoInfo {
  modules?: Array<{ specifier?: string; error?: string; npmPackage?: string }>;
  npmPackages?: Record<string, { name?: string; version?: string; localPath?: string; registryUrl?: string }>;
}

/**
 * Reads `deno info --json npm:<name>[@version]` output; a package or version that does not exist, or a
 * registry that cannot be reached, is a one-line error saying what to check.
 */
export function resolvedNpmPackage(infoJson: string, name: string, version?: string): ResolvedNpmPackage {
  const wanted = version === undefined ? name : `${name}@${version}`;
  let info: DenoInfo;
  try {
    info = JSON.parse(infoJson);
  } catch (e) {
    throw new Error(`Cannot fetch npm package ${wanted}: deno info did not answer JSON`, { cause: e });
  }
  const module = info.modules?.[0];
  const error = module?.error;
  if (error) {
    if (/does not exist/.test(error)) {
      throw new Error(`npm package ${wanted} not found: check the name with npm view ${name}`);
    }
    if (/Could not find npm package .* matching/.test(error)) {
      throw new Error(`npm package ${wanted} not found: check the versions with npm view ${name} versions`);
    }
    if (/^Failed loading|error sending request|dns error|connect/i.test(error)) {
      throw new Error(`Cannot reach the npm registry for ${wanted}: ${oneLine(error)}`);
    }
    throw new Error(`Cannot fetch npm package ${wanted}: ${oneLine(error)}`);
  }
  const cached = module?.npmPackage ? info.npmPackages?.[module.npmPackage] : undefined;
  if (!cached?.version || !cached.localPath || cached.name !== name) {
    throw new Error(`Cannot fetch npm package ${wanted}: deno info did not report where it cached it`);
  }
  return {
    version: cached.version,
    dir: cached.localPath,
    ...(cached.registryUrl ? { registryUrl: cached.registryUrl } : {}),
  };
}

function oneLine(text: string): string {
  return text.split("\n").map((l) => l.trim()).filter(Boolean).join("; ");
}

/** The bin a package runs: its name and its path inside the package. */
export interface PackageBin {
  /** The bin's name (the key in `bin`, or the unscoped package name for a `bin` string). */
  readonly name: string;
  /** Its path relative to the package folder. */
  readonly path: string;
}

/**
 * Chooses the bin that runs a package, as `npx <package>` does: the only one, or the one named like the
 * package (without its scope). `what` names the package in errors.
 */
export function packageBin(packageJson: unknown, what: string): PackageBin {
  const pkg = (packageJson ?? {}) as { name?: unknown; bin?: unknown };
  const unscoped = typeof pkg.name === "string" ? pkg.name.replace(/^@[^/]*\//, "") : undefined;
  let chosen: [string, unknown] | undefined;
  if (typeof pkg.bin === "string") {
    if (!unscoped) throw new Error(`Package ${what} has a bin but no name in its package.json: add the name`);
    chosen = [unscoped, pkg.bin];
  } else if (pkg.bin && typeof pkg.bin === "object") {
    const entries = Object.entries(pkg.bin);
    chosen = entries.length === 1 ? entries[0] : entries.find(([name]) => name === unscoped);
    if (!chosen && entries.length > 1) {
      throw new Error(
        `Package ${what} has several bins (${entries.map(([n]) => n).join(", ")}) and none named ${unscoped}: ` +
          "thv cannot tell which one runs the MCP server",
      );
    }
  }
  if (!chosen) throw new Error(`Package ${what} has no bin in its package.json: thv runs a package's bin, as npx does`);
  const [name, path] = chosen;
  if (typeof path !== "string" || path.startsWith("/") || path.split(/[\\/]/).includes("..")) {
    throw new Error(`Package ${what} has a bad bin ${name}: its path must stay inside the package`);
  }
  if (!/^[a-zA-Z0-9._~@-]+$/.test(name)) {
    throw new Error(`Package ${what} has a bin named ${JSON.stringify(name)} that thv cannot run`);
  }
  return { name, path: path.replace(/^\.\//, "") };
}
