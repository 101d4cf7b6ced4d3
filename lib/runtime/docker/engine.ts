/**
 * Talking to a Docker-compatible engine (Podman, Docker, Colima) over its unix socket.
 * @module
 */
import Docker from "dockerode";

/** What an engine reports about itself. */
export interface EngineVersion {
  /** Product version, for example `4.3.1`. */
  readonly version: string;
  /** Docker API version the engine speaks, for example `1.41`. */
  readonly apiVersion: string;
  /** Name of the first component, for example `Podman Engine`; empty when not reported. */
  readonly product: string;
}

/** Opens a dockerode client on a unix socket; `timeoutMs` bounds each request. */
export function dockerClient(socketPath: string, options: { timeoutMs?: number } = {}): Docker {
  return new Docker({ socketPath, ...(options.timeoutMs ? { timeout: options.timeoutMs } : {}) });
}

/** Asks the engine for its version; rejects with a message naming the socket when it does not answer in time. */
export async function engineVersion(socketPath: string, options: { timeoutMs?: number } = {}): Promise<EngineVersion> {
  const timeoutMs = options.timeoutMs ?? 5000;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    // The client's own timeout also tears the request down, so nothing is left pending.
    const v = await Promise.race([dockerClient(socketPath, { timeoutMs }).version(), timeout]);
    return { version: v.Version, apiVersion: v.ApiVersion, product: v.Components?.[0]?.Name ?? "" };
  } catch (e) {
    throw new Error(
      `Cannot reach the engine at ${socketPath}: ${(e as Error).message}: start the engine, or point thv at ` +
        "another socket with TOOLHIVE_PODMAN_SOCKET or TOOLHIVE_DOCKER_SOCKET",
      { cause: e },
    );
  } finally {
    clearTimeout(timer);
  }
}
