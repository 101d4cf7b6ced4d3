/**
 * Workloads on a Docker-compatible engine: deploy a RunConfig as a container, and find, inspect, stop,
 * remove and read the logs of thv's containers (those labelled `toolhive=true`).
 * @module
 */
import { ConflictError } from "../../errors.ts";
import { Buffer } from "node:buffer";
import { PassThrough } from "node:stream";
import type Docker from "dockerode";
import type { RunConfig } from "../../run_config.ts";
import { type AttachedStdio, attachStdio } from "./attach.ts";
import { type ContainerOptions, containerSpec, LABELS } from "./container_spec.ts";
import { ExitWaiter } from "./wait.ts";

/** A workload container as the engine reports it. */
export interface WorkloadContainer {
  /** Workload name (label `toolhive-name`). */
  readonly name: string;
  /** Container id. */
  readonly id: string;
  /** Image reference. */
  readonly image: string;
  /** Engine state: created, running, exited, ... */
  readonly state: string;
  /** Transport (label `toolhive-transport`). */
  readonly transport: string;
  /** Every label. */
  readonly labels: Readonly<Record<string, string>>;
}

/** A freshly deployed workload: the container, and its stdio when it speaks stdio. */
export interface Deployed {
  /** Container id. */
  readonly id: string;
  /** The attached stdin/stdout, for stdio servers (attached before start, so no output is lost). */
  readonly stdio?: AttachedStdio;
}

/** A container of the workload's name exists already. */
export class WorkloadExistsError extends ConflictError {
  override name = "WorkloadExistsError";
}

function isStatus(e: unknown, code: number): boolean {
  return (e as { statusCode?: number })?.statusCode === code;
}

/** thv's workloads on one engine. */
export class DockerWorkloads {
  readonly #docker: Docker;
  readonly #exits: ExitWaiter;

  /** Manages workloads through `docker` (a dockerode client). */
  constructor(docker: Docker) {
    this.#docker = docker;
    this.#exits = new ExitWaiter(docker);
  }

  /** Creates and starts the container of `config`; a container of that name already there is an error. */
  async deploy(config: RunConfig, options: ContainerOptions = {}): Promise<Deployed> {
    const spec = containerSpec(config, options);
    let container: Docker.Container;
    try {
      container = await this.#docker.createContainer(spec);
    } catch (e) {
      // Docker answers a name conflict with 409; Podman 4 with 500 and "already in use".
      if (isStatus(e, 409) || /already in use/.test((e as Error).message)) {
        throw new WorkloadExistsError(
          `A container named ${config.name} exists already: remove it or choose another name`,
          { cause: e },
        );
      }
      if (isStatus(e, 404)) {
        throw new Error(`Image ${config.image} is not on the engine: pull or build it first`, { cause: e });
      }
      throw new Error(`Cannot create the container of ${config.name}: ${(e as Error).message}`, { cause: e });
    }
    try {
      const stdio = config.transport === "stdio" ? await attachStdio(this.#docker, container.id) : undefined;
      await container.start();
      return { id: container.id, ...(stdio ? { stdio } : {}) };
    } catch (e) {
      await container.remove({ force: true }).catch(() => {}); // leave no half-made workload behind
      throw new Error(`Cannot start the container of ${config.name}: ${(e as Error).message}`, { cause: e });
    }
  }

  /** Every thv workload container, running or not. */
  async list(): Promise<WorkloadContainer[]> {
    const containers = await this.#docker.listContainers({ all: true, filters: { label: [`${LABELS.managed}=true`] } });
    return containers.map((c) => ({
      name: c.Labels[LABELS.name] ?? c.Names[0]?.replace(/^\//, "") ?? c.Id,
      id: c.Id,
      image: c.Image,
      state: c.State,
      transport: c.Labels[LABELS.transport] ?? "",
      labels: c.Labels,
    })).sort((a, b) => a.name.localeCompare(b.name));
  }

  /** The workload named `name`, or undefined. */
  async find(name: string): Promise<WorkloadContainer | undefined> {
    return (await this.list()).find((w) => w.name === name);
  }

  /** The engine's full view of the workload's container, or undefined. */
  async inspect(name: string): Promise<Docker.ContainerInspectInfo | undefined> {
    const found = await this.find(name);
    return found ? await this.#docker.getContainer(found.id).inspect() : undefined;
  }

  /** Resolves with the exit code once the workload's container has stopped. */
  async wait(name: string): Promise<number> {
    const found = await this.find(name);
    if (!found) throw new Error(`No workload named ${name}: see thv list`);
    return await this.waitForExit(found.id);
  }

  /**
   * Resolves with the exit code once container `id` has stopped, at once when it has already: without the
   * busy loop Podman 4 runs for the Docker-compatible wait (see wait.ts).
   */
  waitForExit(id: string): Promise<number> {
    return this.#exits.wait(id);
  }

  /** Stops the workload (SIGTERM, then SIGKILL after `timeoutSeconds`); false when there is none. */
  async stop(name: string, timeoutSeconds = 10): Promise<boolean> {
    const found = await this.find(name);
    if (!found) return false;
    try {
      await this.#docker.getContainer(found.id).stop({ t: timeoutSeconds });
    } catch (e) {
      if (!isStatus(e, 304)) throw e; // 304: already stopped
    }
    return true;
  }

  /** Removes the workload's container, stopping it first; false when there is none. */
  async remove(name: string): Promise<boolean> {
    const found = await this.find(name);
    if (!found) return false;
    await this.#docker.getContainer(found.id).remove({ force: true });
    return true;
  }

  /**
   * The workload's output so far, in order: stdout and stderr, or stderr alone for a stdio server (its stdout
   * is the MCP traffic).
   */
  async logs(name: string): Promise<string> {
    const found = await this.find(name);
    if (!found) throw new Error(`No workload named ${name}: see thv list`);
    const stdout = found.transport !== "stdio";
    const raw = await this.#docker.getContainer(found.id).logs({ stdout, stderr: true, follow: false });
    // Without a TTY the engine frames the output (8-byte headers); demultiplex it into one text.
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on("data", (c: Buffer) => chunks.push(c));
    const stream = new PassThrough();
    const ended = new Promise((resolve) => stream.on("end", resolve));
    this.#docker.modem.demuxStream(stream, out, out);
    stream.end(raw);
    await ended;
    return Buffer.concat(chunks).toString("utf8");
  }
}
