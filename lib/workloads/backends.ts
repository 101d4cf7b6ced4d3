/**
 * Which backend runs a workload's server: an `npx://` reference runs in the Deno sandbox, anything else in a
 * container on the detected engine (design.md §1). The engine's client is made once, on first use, so
 * commands that need no engine never open its socket.
 * @module
 */
import type Docker from "dockerode";
import type { RunConfig } from "../run_config.ts";
import { dockerClient } from "../runtime/docker/mod.ts";
import { isSandboxImage } from "../runtime/sandbox/mod.ts";
import { sandboxFiles } from "./_deps.ts";
import { containerBackend, type WorkloadBackend } from "./backend.ts";
import type { WorkloadEventSink, WorkloadsConfig } from "./config.ts";
import { sandboxBackend } from "./sandbox_backend.ts";

/** Where the facade gets backends from: the real runtimes, or (in tests) a fake. */
export interface BackendSource {
  /** The backend that runs `config`'s server; throws (saying what to do) when its runtime is not there. */
  backendFor(config: RunConfig, onEvent: WorkloadEventSink): WorkloadBackend;
  /** The container engine's client when the runtime has one (finds containers by label), else undefined. */
  engine(): Docker | undefined;
}

/** The backends of the detected runtime: the Deno sandbox for `npx://` references, the engine for images. */
export function runtimeBackends(config: WorkloadsConfig): BackendSource {
  let docker: Docker | undefined;
  const engine = () => {
    const choice = config.runtime();
    if (!("socketPath" in choice)) return undefined;
    return docker ??= dockerClient(choice.socketPath);
  };
  return {
    engine,
    backendFor(run, onEvent) {
      if (isSandboxImage(run.image)) {
        return sandboxBackend(run, {
          denoDir: `${config.paths.cache}/deno`,
          ...sandboxFiles(config.paths, run.name),
          logMaxBytes: config.serverLogMaxBytes(),
          denoPath: config.denoPath,
          hostEnv: config.hostEnv,
          onWarning: (message) => onEvent({ kind: "warning", message }),
        });
      }
      const choice = config.runtime();
      if (!("socketPath" in choice)) {
        throw new Error(
          choice.runtime === "kubernetes"
            ? "thv runs workloads on Podman or Docker: inside a cluster, use an MCPServer resource"
            : "No container engine found: start Podman or Docker, or point TOOLHIVE_PODMAN_SOCKET at its socket",
        );
      }
      return containerBackend(run, engine()!, {
        onPull: (progress) => onEvent({ kind: "pull", image: run.image, progress }),
      });
    },
  };
}
