/**
 * The e2e tier's Helm steps: install the CRDs chart and the operator chart from chart/ into the cluster with the
 * cached helm binary, the way docs/operator.md tells users to.
 * @module
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { helm, type NodeCluster } from "../harness/mod.ts";

/** The namespace the operator chart is installed into. */
export const OPERATOR_NAMESPACE = "thv-system";

const chart = (name: string) => fileURLToPath(new URL(`../../chart/${name}`, import.meta.url));

/** Runs helm against the cluster as cluster-admin; fails the test with helm's message. */
export async function helmIn(cluster: NodeCluster, args: readonly string[]): Promise<string> {
  const r = await helm([...args, "--kubeconfig", cluster.kubeconfigPath]);
  assert.equal(r.code, 0, `helm ${args.join(" ")} failed: ${r.stderr}`);
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
