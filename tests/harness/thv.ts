/**
 * Runs the `thv` program from source as a separate process, the way a user runs it.
 * @module
 */
import { fileURLToPath } from "node:url";

/** The repository root. */
export const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** What a `thv` run printed and how it exited. */
export interface ThvResult {
  /** Exit code. */
  readonly code: number;
  /** Standard output, decoded. */
  readonly stdout: string;
  /** Standard error, decoded. */
  readonly stderr: string;
}

/** The Deno cache of the test process, passed on so a child with another HOME does not fetch again. */
const DENO_DIR = Deno.env.get("DENO_DIR") ?? `${Deno.env.get("HOME")}/.cache/deno`;

/** Runs `thv <args>` with only `env` (plus `NO_COLOR=1` and the Deno cache) in its environment. */
export async function runThv(args: readonly string[], env: Record<string, string> = {}): Promise<ThvResult> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-env", "--allow-read", "--allow-write", "--allow-net", "--allow-sys", "main.ts", ...args],
    cwd: REPO_ROOT,
    env: { NO_COLOR: "1", DENO_DIR, ...env },
    clearEnv: true,
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}
