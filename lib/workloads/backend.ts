/**
 * Where a workload's MCP server runs, behind one small interface the runner and the lifecycle commands share:
 * a container on a Docker-compatible engine, or (later in this file's life) a process in the Deno sandbox.
 * @module
 */
import type Docker from "dockerode";
import type { RunConfig } from "../run_config.ts";
import {
  containerConnector,
  DockerWorkloads,
  networkAccess,
  type PullEvent,
  pullImage,
} from "../runtime/docker/mod.ts";
import type { StdioConnector } from "../transport/mod.ts";

/** A started HTTP server: resolves `ended` with a reason when it stops by itself. */
export interface RunningServer {
  /** Resolves with a reason once the server has gone. */
  readonly ended: Promise<string>;
  /** Stops the server; resolves once it has gone. */
  stop(): Promise<void>;
}

/** How the runtime sees a workload's server: `n/a` where it lives and dies with the proxy process. */
export type ServerPresence = "running" | "stopped" | "missing" | "n/a";

/** One workload's server on its runtime. */
export interface WorkloadBackend {
  /** Where it runs, for messages: `container` or `sandbox`. */
  readonly kind: "container" | "sandbox";
  /**
   * Makes the server ready to start (image pulled when missing, package fetched); the error says what to do.
   * `signal` (Ctrl-C) ends a package fetch at once.
   */
  prepare(options?: { readonly signal?: AbortSignal }): Promise<void>;
  /** A connector to the server's stdio (stdio transport). */
  stdioConnector(): StdioConnector;
  /** Starts the server listening on 127.0.0.1:`hostPort` (HTTP transports). */
  startHttp(hostPort: number): Promise<RunningServer>;
  /** What the runtime sees of the server now. */
  presence(): Promise<ServerPresence>;
  /** Stops the server if it runs outside the proxy process (a container left running). */
  stop(): Promise<void>;
  /** Removes everything the runtime keeps for the workload (its container). */
  remove(): Promise<void>;
  /** The server's own output so far (not the proxy's). */
  logs(): Promise<string>;
}

/** What stop and rm need of a server: whether it is there, and how to stop and delete it. */
export type ServerHandle = Pick<WorkloadBackend, "presence" | "stop" | "remove">;

/** How long a first request may wait for the engine before thv says it does not answer. */
const ENGINE_TIMEOUT_MS = 5000;

async function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** A workload's server in a container on a Docker-compatible engine. */
export function containerBackend(
  config: RunConfig,
  docker: Docker,
  options: { readonly onPull?: (event: PullEvent) => void } = {},
): WorkloadBackend {
  const workloads = new DockerWorkloads(docker);
  return {
    kind: "container",
    async prepare() {
      networkAccess(config); // a profile the container cannot enforce is refused before anything is made
      try {
        await withTimeout(docker.ping(), ENGINE_TIMEOUT_MS, "the engine did not answer within 5 s");
        await docker.getImage(config.image).inspect();
      } catch (e) {
        const status = (e as { statusCode?: number }).statusCode;
        if (status === 404) {
          await pullImage(docker, config.image, options.onPull ?? (() => {}));
          return;
        }
        if (status !== undefined) {
          throw new Error(`Cannot use image ${config.image}: ${(e as Error).message.split("\n")[0]}`, { cause: e });
        }
        throw new Error(
          `Cannot reach the container engine: ${(e as Error).message}: start Podman or Docker (thv runtime check ` +
            "shows which socket thv uses)",
          { cause: e },
        );
      }
    },
    stdioConnector: () => containerConnector(workloads, config),
    async startHttp(hostPort) {
      await workloads.remove(config.name); // a container left from an earlier run or crash
      const deployed = await workloads.deploy(config, { hostPort });
      const ended = workloads.waitForExit(deployed.id).then(
        (code) => `container exited with code ${code}`,
        (e: Error) => `container gone: ${e.message}`,
      );
      return {
        ended,
        async stop() {
          await workloads.stop(config.name, 5).catch(() => {});
          await ended;
        },
      };
    },
    async presence() {
      const found = await withTimeout(workloads.find(config.name), ENGINE_TIMEOUT_MS, "the engine did not answer");
      if (!found) return "missing";
      return found.state === "running" ? "running" : "stopped";
    },
    async stop() {
      await workloads.stop(config.name, 5);
    },
    async remove() {
      await workloads.remove(config.name);
    },
    async logs() {
      return (await workloads.find(config.name)) ? await workloads.logs(config.name) : "";
    },
  };
}

/**
 * The container of workload `name` found by its thv labels alone, for a workload whose RunConfig cannot be
 * read: enough to see, stop and remove it.
 */
export function labelledContainer(name: string, docker: Docker): ServerHandle {
  const workloads = new DockerWorkloads(docker);
  const engine = <T>(work: Promise<T>, ms = ENGINE_TIMEOUT_MS) =>
    withTimeout(work, ms, `the engine did not answer within ${ms / 1000} s`);
  return {
    async presence() {
      const found = await engine(workloads.find(name));
      if (!found) return "missing";
      return found.state === "running" ? "running" : "stopped";
    },
    async stop() {
      await engine(workloads.stop(name, 5), 15_000); // SIGKILL comes after 5 s
    },
    async remove() {
      await engine(workloads.remove(name));
    },
  };
}
