/**
 * The operator's settings from its environment, read once at the edge.
 * @module
 */

/** Settings of `thv operator` that come from the environment. */
export interface OperatorSettings {
  /** Namespaces to watch, from `WATCH_NAMESPACE` (comma list); empty means the whole cluster. */
  readonly namespaces: readonly string[];
  /** Image of the proxy runner, from `TOOLHIVE_RUNNER_IMAGE`. */
  readonly runnerImage: string;
  /** Whether thv runs inside a cluster (`KUBERNETES_SERVICE_HOST` is set). */
  readonly inCluster: boolean;
  /** Namespace of the operator's own pod (`POD_NAMESPACE`), where its leader Lease lives. */
  readonly podNamespace?: string;
  /** Name of the operator's own pod (`POD_NAME`, else `HOSTNAME`), its identity in leader election. */
  readonly podName?: string;
}

const NAMESPACE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Reads the settings; a malformed namespace is a RangeError naming it. */
export function operatorSettings(
  env: Readonly<Record<string, string | undefined>>,
  defaults: { runnerImage: string },
): OperatorSettings {
  const namespaces = (env.WATCH_NAMESPACE ?? "").split(",").map((s) => s.trim()).filter((s) => s.length > 0);
  for (const ns of namespaces) {
    if (!NAMESPACE.test(ns) || ns.length > 63) {
      throw new RangeError(`WATCH_NAMESPACE: "${ns}" is not a namespace name: use lowercase letters, digits and -`);
    }
  }
  return Object.freeze({
    namespaces: Object.freeze([...new Set(namespaces)]),
    runnerImage: env.TOOLHIVE_RUNNER_IMAGE?.trim() || defaults.runnerImage,
    inCluster: Boolean(env.KUBERNETES_SERVICE_HOST),
    ...(env.POD_NAMESPACE ? { podNamespace: env.POD_NAMESPACE } : {}),
    ...(env.POD_NAME || env.HOSTNAME ? { podName: env.POD_NAME || env.HOSTNAME } : {}),
  });
}
