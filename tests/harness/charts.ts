/**
 * The repository's Helm charts installed into a test cluster with the cached helm binary, the way
 * docs/operator.md tells users to: the CRDs chart, then the operator chart (for the e2e tier and the
 * cluster bench alike).
 * @module
 */
import { fileURLToPath } from "node:url";
import type { NodeCluster } from "./cluster.ts";
import { helm } from "./helm.ts";

/** The namespace the operator chart is installed into. */
export const OPERATOR_NAMESPACE = "thv-system";

const chart = (name: string) => fileURLToPath(new URL(`../../chart/${name}`, import.meta.url));

/** Runs helm against the cluster as cluster-admin; throws with helm's message when it fails. */
export async function helmIn(cluster: NodeCluster, args: readonly string[]): Promise<string> {
  const r = await helm([...args, "--kubeconfig", cluster.kubeconfigPath]);
  if (r.code !== 0) throw new Error(`helm ${args.join(" ")} failed: ${r.stderr.trim()}`);
  return r.stdout;
}

/** `helm install` of thv-operator-crds; `--wait` returns once the CRDs are established. */
export async function installCrdsChart(cluster: NodeCluster): Promise<void> {
  await helmIn(cluster, ["install", "thv-operator-crds", chart("thv-operator-crds"), "--wait", "--timeout=4m"]);
}

/**
 * `helm install` of thv-operator into {@linkcode OPERATOR_NAMESPACE} (which must exist) with `values` as `--set`
 * pairs; `--wait` returns once the operator's Deployment is available.
 */
export async function installOperatorChart(
  cluster: NodeCluster,
  values: Readonly<Record<string, string>> = {},
): Promise<void> {
  const sets = Object.entries(values).flatMap(([k, v]) => ["--set", `${k}=${v}`]);
  await helmIn(cluster, [
    "install",
    "thv-operator",
    chart("thv-operator"),
    "--namespace",
    OPERATOR_NAMESPACE,
    "--wait",
    "--timeout=5m",
    ...sets,
  ]);
}

/** `helm uninstall` of the operator release (`crds`: the CRDs release too, after it). */
export async function uninstallCharts(cluster: NodeCluster, options: { readonly crds: boolean }): Promise<void> {
  await helmIn(cluster, ["uninstall", "thv-operator", "--namespace", OPERATOR_NAMESPACE, "--wait", "--timeout=4m"]);
  if (options.crds) await helmIn(cluster, ["uninstall", "thv-operator-crds", "--wait", "--timeout=4m"]);
}
