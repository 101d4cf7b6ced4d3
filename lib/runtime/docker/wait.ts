/**
 * Waiting for a container to exit without loading the engine. Podman 4 serves the Docker-compatible
 * `POST /containers/{id}/wait` by polling its state database in a tight loop (about one core for as long as
 * the wait is open, which for thv is the whole life of a workload); its own libpod endpoint polls every
 * 250 ms instead. Both answer at once for a container that has exited already, so a container that exits
 * before the wait is registered is still seen. Other engines (Docker) get the compatible endpoint, which
 * they serve from events.
 * @module
 */
import type Docker from "dockerode";

/** The part of docker-modem that a raw API call needs. */
interface Dialer {
  dial(
    options: Record<string, unknown>,
    callback: (err: Error | null, data?: unknown) => void,
  ): void;
}

/** Whether `version` (the engine's `/version` answer) is Podman's. */
export function isPodmanVersion(version: Docker.DockerVersion): boolean {
  const components = (version as { Components?: Array<{ Name?: string }> }).Components ?? [];
  return components.some((c) => /podman/i.test(c.Name ?? "")) ||
    /podman/i.test((version as { Platform?: { Name?: string } }).Platform?.Name ?? "");
}

/** Libpod's wait: resolves with the exit code once the container is stopped or exited. */
function libpodWait(docker: Docker, id: string): Promise<number> {
  const modem = docker.modem as unknown as Dialer;
  return new Promise((resolve, reject) => {
    modem.dial({
      // Podman accepts any version prefix; v4.0.0 is the oldest whose wait takes a condition.
      path: `/v4.0.0/libpod/containers/${encodeURIComponent(id)}/wait?`,
      method: "POST",
      options: { condition: "stopped" },
      statusCodes: { 200: true, 404: "no such container", 500: "server error" },
    }, (err, data) => {
      if (err) return reject(err);
      const code = typeof data === "number" ? data : Number(data);
      if (Number.isInteger(code)) resolve(code);
      else reject(new Error(`Unexpected answer to libpod wait: ${JSON.stringify(data)}`));
    });
  });
}

/** Waits for containers to exit on one engine; asks once which engine it is. */
export class ExitWaiter {
  readonly #docker: Docker;
  #podman: Promise<boolean> | undefined;

  /** Waits through `docker` (a dockerode client). */
  constructor(docker: Docker) {
    this.#docker = docker;
  }

  /** Resolves with the exit code of container `id` once it has stopped (at once when it has already). */
  async wait(id: string): Promise<number> {
    // A failed question is asked again next time; meanwhile the compatible endpoint is right, if costly.
    this.#podman ??= this.#docker.version().then(isPodmanVersion, () => {
      this.#podman = undefined;
      return false;
    });
    if (await this.#podman) return await libpodWait(this.#docker, id);
    const result = await this.#docker.getContainer(id).wait({ condition: "not-running" });
    return result.StatusCode as number;
  }
}
