/**
 * A private Podman service for one test run: `podman system service` on its own unix socket, with the
 * repository's containers.conf, and a dockerode client on it.
 * @module
 */
import { fileURLToPath } from "node:url";
import type Docker from "dockerode";
import { dockerClient } from "../../lib/runtime/docker/mod.ts";
import { type ServerProcess, startProcess, waitUntilReady } from "./process.ts";

/** A running Podman API service. */
export interface PodmanService extends AsyncDisposable {
  /** The service's unix socket. */
  readonly socketPath: string;
  /** The PID of the `podman system service` process. */
  readonly pid: number;
  /** A dockerode client on the socket. */
  readonly docker: Docker;
  /** Stops the service and removes its folder; containers and images stay in Podman's storage. */
  stop(): Promise<void>;
}

/** The containers.conf the tests run Podman with. */
export const CONTAINERS_CONF = fileURLToPath(new URL("../podman/containers.conf", import.meta.url));

/** Starts the service (trusting the given plain-HTTP registries) and waits until it answers a ping. */
export async function startPodman(options: { insecureRegistries?: readonly string[] } = {}): Promise<PodmanService> {
  const dir = await Deno.makeTempDir({ prefix: "thv-podman-" });
  const socketPath = `${dir}/podman.sock`;
  let process: ServerProcess;
  try {
    // Registries a test runs over plain HTTP are declared insecure for this service only.
    const registries = (options.insecureRegistries ?? []).map((r) =>
      `[[registry]]\nlocation = "${r}"\ninsecure = true\n`
    );
    if (registries.length) await Deno.writeTextFile(`${dir}/registries.conf`, registries.join("\n"));
    // Podman 4.3 leaves each API image load's temporary copy behind (api_load.tar*): keep them in our folder.
    await Deno.mkdir(`${dir}/tmp`);
    process = await startProcess("podman", "podman", {
      args: ["system", "service", "--time=0", `unix://${socketPath}`],
      logPath: `${dir}/podman.log`,
      env: {
        CONTAINERS_CONF,
        TMPDIR: `${dir}/tmp`,
        ...(registries.length ? { CONTAINERS_REGISTRIES_CONF: `${dir}/registries.conf` } : {}),
      },
    });
  } catch (e) {
    await Deno.remove(dir, { recursive: true });
    throw new Error(`${(e as Error).message}: install podman and runc (apt-get install podman runc)`, { cause: e });
  }
  // Each request is bounded, so a service that accepts but never answers cannot outlive the deadline.
  const docker = dockerClient(socketPath, { timeoutMs: 60_000 });
  const probe = dockerClient(socketPath, { timeoutMs: 2000 });
  const stop = async () => {
    await process.stop();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  };
  try {
    await waitUntilReady(process, async () => (await probe.ping()).toString() === "OK", {
      deadlineMs: 30_000,
      what: "reachable",
    });
  } catch (e) {
    await stop();
    throw e;
  }
  return { socketPath, pid: process.pid, docker, stop, [Symbol.asyncDispose]: stop };
}
