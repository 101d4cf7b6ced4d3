/**
 * Proxy ports of laptop workloads: free ones on loopback, never one that a saved workload holds.
 * @module
 */
import { stores, type WorkloadDeps } from "./_deps.ts";

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freeLoopbackPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/**
 * The proxy port of a new workload: `wanted` when given and free (with `required`, an error when it is
 * taken), else a free loopback port that no saved workload has claimed.
 */
export async function pickProxyPort(
  deps: WorkloadDeps,
  wanted: number | undefined,
  options: { required?: boolean } = {},
): Promise<number> {
  const { configs } = stores(deps);
  const claimed = new Set<number>();
  for (const name of await configs.names()) {
    const saved = await configs.load(name).catch(() => undefined);
    if (saved) claimed.add(saved.port);
  }
  if (wanted !== undefined) {
    if (!claimed.has(wanted) && portFree(wanted)) return wanted;
    if (options.required) {
      throw new RangeError(
        `--proxy-port ${wanted} is taken${claimed.has(wanted) ? " by a saved workload" : ""}: choose another`,
      );
    }
  }
  for (let i = 0; i < 20; i++) {
    const port = freeLoopbackPort();
    if (!claimed.has(port)) return port;
  }
  throw new Error("Cannot find a free port for the proxy: give one with --proxy-port");
}

function portFree(port: number): boolean {
  try {
    Deno.listen({ hostname: "127.0.0.1", port }).close();
    return true;
  } catch {
    return false;
  }
}
