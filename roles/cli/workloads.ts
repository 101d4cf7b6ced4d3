/**
 * The workload dependencies every lifecycle command builds from its context: the state folders, the backend
 * a RunConfig's server runs on (loaded lazily, so commands that need no engine never load dockerode), and how
 * to start the detached proxy.
 * @module
 */
import type Docker from "dockerode";
import type { RunConfig } from "../../lib/run_config.ts";
import type { WorkloadDeps } from "../../lib/workloads/mod.ts";
import type { CliContext } from "./context.ts";
import { pullProgress } from "./pull_progress.ts";

/** Builds the {@linkcode WorkloadDeps} of a command. */
export async function workloadDeps(ctx: CliContext): Promise<WorkloadDeps> {
  const [
    { statePaths },
    { containerBackend, parseLogMaxBytes, sandboxBackend, sandboxFiles },
    { dockerClient },
    { isSandboxImage },
  ] = await Promise
    .all([
      import("../../lib/state/mod.ts"),
      import("../../lib/workloads/mod.ts"),
      import("../../lib/runtime/docker/mod.ts"),
      import("../../lib/runtime/sandbox/mod.ts"),
    ]);
  const paths = statePaths(ctx.env);
  const env = Object.fromEntries(
    Object.entries(ctx.env).filter((e): e is [string, string] => e[1] !== undefined),
  );
  let docker: Docker | undefined;
  const engine = () => {
    const choice = ctx.runtime();
    if (!("socketPath" in choice)) return undefined;
    return docker ??= dockerClient(choice.socketPath);
  };
  const backendFor = (config: RunConfig) => {
    if (isSandboxImage(config.image)) {
      return sandboxBackend(config, {
        denoDir: `${paths.cache}/deno`,
        ...sandboxFiles(paths, config.name),
        logMaxBytes: parseLogMaxBytes(ctx.env.THV_SERVER_LOG_MAX_BYTES),
        // From source, thv runs on the Deno that runs the server; a compiled thv needs one on PATH (or THV_DENO).
        denoPath: ctx.env.THV_DENO ?? (ctx.self.length > 1 ? ctx.self[0]! : "deno"),
        hostEnv: env,
        onWarning: (message) => console.error(`thv: warning: ${message}`),
      });
    }
    const choice = ctx.runtime();
    if (!("socketPath" in choice)) {
      throw new Error(
        choice.runtime === "kubernetes"
          ? "thv runs workloads on Podman or Docker: inside a cluster, use an MCPServer resource"
          : "No container engine found: start Podman or Docker, or point TOOLHIVE_PODMAN_SOCKET at its socket",
      );
    }
    const write = (text: string) => void Deno.stderr.write(new TextEncoder().encode(text));
    return containerBackend(config, engine()!, {
      onPull: pullProgress(config.image, { terminal: ctx.stderrIsTerminal, write }),
    });
  };
  return {
    paths,
    backendFor,
    engine,
    self: ctx.self,
    flags: [...ctx.passFlags, "--log-format", "text"],
    env,
    log: ctx.log,
  };
}
