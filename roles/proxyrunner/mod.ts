/**
 * The proxy runner role (design.md §1): inside the proxy pod the operator creates, `thv run [--k8s-pod-patch=<json>]
 * <image>` (runtime `kubernetes`) or `thv proxyrunner run …` reads the RunConfig, applies the MCP server's
 * StatefulSet and Services, and proxies MCP traffic to it.
 * @module
 */
import { Command } from "@commander-js/extra-typings";
import { kubeClient, loadKubeConfig } from "../../lib/k8s/mod.ts";
import type { Logger } from "../../lib/log.ts";
import { kubernetesStdioAttach, refuseUnsupported, runProxyRunner, type StdioAttach } from "./run.ts";
import { loadRunnerInput, readTextIfExists } from "./run_config_source.ts";

export {
  type GivingUpConnector,
  kubernetesStdioAttach,
  type ProxyRunnerDeps,
  runProxyRunner,
  type StdioAttach,
  type StdioTarget,
} from "./run.ts";
export { type Deployed, type DeployOptions, deployWorkload, FIELD_MANAGER } from "./deploy.ts";
export { loadRunnerInput, parsePodPatch, RUNCONFIG_PATHS } from "./run_config_source.ts";
export { desiredStatefulSet } from "./desired.ts";

/** What the role needs from main.ts. */
export interface ProxyRunnerContext {
  /** The logger. */
  readonly log: Logger;
  /** The environment snapshot (`THV_MCPSERVER_GENERATION`). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The shutdown signal (SIGINT/SIGTERM). */
  readonly shutdown: () => AbortSignal;
  /** How stdio servers are attached to (tests); absent: through the attach API of the pod's cluster. */
  readonly stdio?: StdioAttach;
}

/** The addresses of this pod's interfaces (the kubelet probes the pod IP). */
function podAddresses(): string[] {
  try {
    return Deno.networkInterfaces().map((i) => i.address);
  } catch {
    return [];
  }
}

/** The `run` command of the proxy runner, as `thv run` in a pod and as `thv proxyrunner run`. */
export function runnerRunCommand(context: () => ProxyRunnerContext) {
  return new Command("run")
    .description("run the MCP server of the mounted RunConfig in this cluster and proxy it (in a pod)")
    .argument("[image]", "the MCP server's image (overrides the RunConfig's)")
    .option("--k8s-pod-patch <json>", "pod template spec merged into the MCP server's pod")
    // ToolHive's MCPRemoteProxy Deployments pass it; the runner always runs in the foreground.
    .option(
      "--foreground [value]",
      "accepted for ToolHive's remote proxy pods; the runner always stays in the foreground",
    )
    .allowUnknownOption()
    .action(async (image, opts) => {
      const ctx = context();
      const input = loadRunnerInput({
        ...(image ? { image } : {}),
        ...(opts.k8sPodPatch !== undefined ? { podPatch: opts.k8sPodPatch } : {}),
        ...(ctx.env.THV_MCPSERVER_GENERATION !== undefined ? { generation: ctx.env.THV_MCPSERVER_GENERATION } : {}),
      }, { readText: readTextIfExists });
      ctx.log.info("Read RunConfig", {
        source: input.source,
        name: input.config.name,
        transport: input.config.transport,
      });
      const cluster = loadKubeConfig({ inCluster: true });
      const stdio = ctx.stdio ?? kubernetesStdioAttach(cluster);
      refuseUnsupported(input.config, { stdio });
      await runProxyRunner(input, {
        cluster,
        client: kubeClient(cluster),
        log: ctx.log,
        signal: ctx.shutdown(),
        podAddresses: podAddresses(),
        stdio,
        env: ctx.env,
      });
    });
}

/** `thv proxyrunner run …`. */
export function proxyRunnerCommand(context: () => ProxyRunnerContext) {
  return new Command("proxyrunner")
    .description("the proxy runner of the Kubernetes operator's proxy pods")
    .addCommand(runnerRunCommand(context));
}
