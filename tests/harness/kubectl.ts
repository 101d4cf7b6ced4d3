/**
 * The machine's kubectl, driven the way a user drives it.
 * @module
 */

/** What a kubectl run printed and how it exited. */
export interface KubectlResult {
  /** Exit code. */
  readonly code: number;
  /** Standard output. */
  readonly stdout: string;
  /** Standard error (warnings, errors). */
  readonly stderr: string;
}

/** Runs `kubectl --kubeconfig <kubeconfig> <args>`, with `stdin` piped in when given. */
export async function kubectl(kubeconfig: string, args: readonly string[], stdin?: string): Promise<KubectlResult> {
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command("kubectl", {
      args: ["--kubeconfig", kubeconfig, ...args],
      stdin: stdin === undefined ? "null" : "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
  } catch (e) {
    throw new Error("Cannot run kubectl: install kubectl 1.32 or newer", { cause: e });
  }
  if (stdin !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(stdin));
    await writer.close();
  }
  const out = await child.output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}
