/**
 * Helm for the chart tests and the e2e tier: the binary `scripts/build_helm.sh` builds from the Go module proxy
 * (or `THV_HELM_BIN`), run with its configuration and cache in a folder beside the binary, never the user's.
 * @module
 */
import { fileURLToPath } from "node:url";

const SCRIPT = fileURLToPath(new URL("../../scripts/build_helm.sh", import.meta.url));

/** What one helm command did. */
export interface HelmResult {
  /** Exit code. */
  readonly code: number;
  /** Standard output. */
  readonly stdout: string;
  /** Standard error. */
  readonly stderr: string;
}

/** The helm binary: `THV_HELM_BIN`, else the cached build; a missing one throws, saying how to build it. */
export async function helmBinary(env = Deno.env.toObject()): Promise<string> {
  let path = env.THV_HELM_BIN;
  if (!path) {
    const out = await new Deno.Command("bash", { args: [SCRIPT, "--where"], stdout: "piped" }).output();
    path = new TextDecoder().decode(out.stdout).trim();
  }
  const ok = await Deno.stat(path).then((s) => s.isFile && (s.mode ?? 0) & 0o111, () => false);
  if (!ok) {
    throw new Error(
      `helm is missing at ${path}: run bash scripts/build_helm.sh (builds it from the Go module proxy), or set THV_HELM_BIN`,
    );
  }
  return path;
}

/** Runs helm with `args` (and `stdin`); helm's config, cache and data live in `home/` beside the binary. */
export async function helm(args: readonly string[], options: { readonly stdin?: string } = {}): Promise<HelmResult> {
  const binary = await helmBinary();
  const dir = `${binary.slice(0, binary.lastIndexOf("/"))}/home`;
  const child = new Deno.Command(binary, {
    args: [...args],
    stdin: options.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
    env: { HELM_CONFIG_HOME: `${dir}/config`, HELM_CACHE_HOME: `${dir}/cache`, HELM_DATA_HOME: `${dir}/data` },
  }).spawn();
  if (options.stdin !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(options.stdin));
    await writer.close();
  }
  const out = await child.output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}
