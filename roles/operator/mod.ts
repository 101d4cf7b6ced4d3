/**
 * The operator role: `thv operator` reconciles MCPServers into proxy Deployments, Services, RBAC and
 * RunConfigs (design.md §3–§4).
 * @module
 */
import { Command, Option } from "@commander-js/extra-typings";
import type { OperatorSettings } from "../../lib/config/mod.ts";
import type { Logger } from "../../lib/log.ts";

/** Default name of the leader Lease. */
const LEASE_NAME = "thv-operator-leader";

/** What `thv operator` receives from main.ts. */
export interface OperatorContext {
  /** Settings from the environment. */
  readonly settings: OperatorSettings;
  /** Logger. */
  readonly log: Logger;
  /** Aborts on SIGINT/SIGTERM: the one shutdown signal. */
  readonly shutdown: AbortSignal;
}

function positiveInt(flag: string) {
  return (value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`${flag} ${value} is not a whole number of 0 or more`);
    return n;
  };
}

/** The `operator` command. */
export function operatorCommand(context: () => OperatorContext): Command {
  return new Command("operator")
    .description("run the Kubernetes operator for MCPServer resources")
    .option("--kubeconfig <path>", "kubeconfig file (default: in-cluster, then KUBECONFIG, then ~/.kube/config)")
    .addOption(
      new Option("--health-port <port>", "port of /healthz, /readyz and /metrics").default(8081)
        .argParser(positiveInt("--health-port")),
    )
    .option("--health-host <host>", "address of the health listener", "0.0.0.0")
    .addOption(
      new Option("--resync-seconds <seconds>", "period of the full resync").default(600)
        .argParser(positiveInt("--resync-seconds")),
    )
    .option("--leader-elect", "run only while holding the leader Lease (for several replicas)")
    .option("--leader-elect-namespace <namespace>", "namespace of the Lease (default: POD_NAMESPACE, else default)")
    .option("--leader-elect-name <name>", "name of the Lease", LEASE_NAME)
    .action(async (opts) => {
      const { settings, log, shutdown } = context();
      // Loaded here, not at start: the controller framework and the CRD schemas serve no other command.
      const [{ loadKubeConfig }, { runController }] = await Promise.all([
        import("../../lib/k8s/mod.ts"),
        import("./controller.ts"),
      ]);
      const kubeConfig = loadKubeConfig({
        ...(opts.kubeconfig ? { kubeconfigPath: opts.kubeconfig } : {}),
        inCluster: settings.inCluster,
      });
      await runController({
        kubeConfig,
        namespaces: settings.namespaces,
        runnerImage: settings.runnerImage,
        resyncMs: Math.max(1, opts.resyncSeconds) * 1000,
        healthPort: opts.healthPort,
        healthHost: opts.healthHost,
        log: log.with({ role: "operator" }),
        signal: shutdown,
        onListening: (port) => log.info("Serving health and metrics", { port }),
        ...(opts.leaderElect
          ? {
            leaderElection: {
              namespace: opts.leaderElectNamespace ?? settings.podNamespace ?? "default",
              name: opts.leaderElectName,
              identity: settings.podName ?? `${Deno.hostname()}_${Deno.pid}`,
            },
          }
          : {}),
      });
    });
}
