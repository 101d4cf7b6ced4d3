/**
 * Where the Kubernetes credentials come from: an explicit kubeconfig, the in-cluster service account, or
 * the usual kubeconfig lookup (KUBECONFIG, then ~/.kube/config).
 * @module
 */
import { KubeConfig } from "@kubernetes/client-node";

/** Loads credentials: `kubeconfigPath` first, else in-cluster when `inCluster`, else the default lookup. */
export function loadKubeConfig(options: { kubeconfigPath?: string; inCluster: boolean }): KubeConfig {
  const config = new KubeConfig();
  try {
    if (options.kubeconfigPath) config.loadFromFile(options.kubeconfigPath);
    else if (options.inCluster) config.loadFromCluster();
    else config.loadFromDefault();
  } catch (e) {
    const source = options.kubeconfigPath ?? (options.inCluster ? "the in-cluster service account" : "KUBECONFIG");
    throw new Error(`Cannot load Kubernetes credentials from ${source}: ${(e as Error).message}`, { cause: e });
  }
  if (!config.getCurrentCluster()) {
    throw new Error("No Kubernetes cluster configured: pass --kubeconfig, set KUBECONFIG, or run inside a cluster");
  }
  return config;
}
