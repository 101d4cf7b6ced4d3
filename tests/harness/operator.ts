/**
 * Runs `thv operator`'s controller in-process against a test control plane, under the operator's own RBAC
 * from chart/ (a ClusterRole, or a Role per watched namespace) bound to a dedicated user, never as
 * cluster-admin, so missing or excessive rules show.
 * @module
 */
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { type LeaseOptions, loadKubeConfig } from "../../lib/k8s/mod.ts";
import { createLogger, type Logger } from "../../lib/log.ts";
import { runController } from "../../roles/operator/controller.ts";
import type { ControlPlane } from "./control_plane.ts";
import { kubectl } from "./kubectl.ts";

/** The operator's RBAC rules, as the chart ships them. */
export const OPERATOR_RULES_FILE = fileURLToPath(
  new URL("../../chart/thv-operator/files/operator-rules.yaml", import.meta.url),
);

/** A running in-process operator. */
export interface TestOperator extends AsyncDisposable {
  /** Base URL of /healthz, /readyz and /metrics. */
  readonly healthUrl: string;
  /** Stops the controller and waits for it. */
  stop(): Promise<void>;
  /** The value of a metric from /metrics (the first sample whose line starts with `name`). */
  metric(name: string): Promise<number>;
}

/**
 * Binds the chart's rules (or those of `rulesFile`, another tree's chart) to user `user`, cluster-wide or in
 * `namespaces`, and returns that user's kubeconfig.
 */
export async function operatorIdentity(
  cp: ControlPlane,
  user: string,
  options: { readonly namespaces?: readonly string[]; readonly rulesFile?: string } = {},
) {
  const namespaces = options.namespaces ?? [];
  const rules = parse(await Deno.readTextFile(options.rulesFile ?? OPERATOR_RULES_FILE));
  const docs = namespaces.length === 0
    ? [
      { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata: { name: user }, rules },
      {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "ClusterRoleBinding",
        metadata: { name: user },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: user },
        subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "User", name: user }],
      },
    ]
    : namespaces.flatMap((namespace) => [
      { apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role", metadata: { name: user, namespace }, rules },
      {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "RoleBinding",
        metadata: { name: user, namespace },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: user },
        subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "User", name: user }],
      },
    ]);
  const res = await kubectl(
    cp.kubeconfigPath,
    ["apply", "-f", "-"],
    JSON.stringify({ kind: "List", apiVersion: "v1", items: docs }),
  );
  if (res.code !== 0) throw new Error(`Cannot apply the operator's RBAC: ${res.stderr}`);
  return cp.userKubeconfig(user);
}

/** Starts the controller as `user` with the chart's rules; waits until /readyz answers 200. */
export async function startTestOperator(
  cp: ControlPlane,
  options: {
    user?: string;
    namespaces?: readonly string[];
    resyncMs?: number;
    log?: Logger;
    leaderElection?: LeaseOptions;
  } = {},
): Promise<TestOperator> {
  const identity = await operatorIdentity(cp, options.user ?? "thv-operator", { namespaces: options.namespaces ?? [] });
  const abort = new AbortController();
  const listening = Promise.withResolvers<number>();
  const running = runController({
    kubeConfig: loadKubeConfig({ kubeconfigPath: identity.path, inCluster: false }),
    namespaces: options.namespaces ?? [],
    runnerImage: "localhost/thv:test",
    resyncMs: options.resyncMs ?? 600_000,
    healthPort: 0,
    healthHost: "127.0.0.1",
    log: options.log ?? createLogger({ format: "text", level: "warn" }),
    signal: abort.signal,
    onListening: (port) => listening.resolve(port),
    ...(options.leaderElection ? { leaderElection: options.leaderElection } : {}),
  });
  running.catch((e) => listening.reject(e));
  const port = await listening.promise;
  const healthUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  while (true) {
    const res = await fetch(`${healthUrl}/readyz`).catch(() => undefined);
    await res?.body?.cancel();
    if (res?.ok) break;
    if (Date.now() > deadline) throw new Error("the operator's /readyz did not answer 200 within 30 s");
    await new Promise((r) => setTimeout(r, 100));
  }
  let stopped: Promise<void> | undefined;
  const stop = () => (stopped ??= (abort.abort(), running));
  const metric = async (name: string) => {
    const text = await (await fetch(`${healthUrl}/metrics`)).text();
    const line = text.split("\n").find((l) => l.startsWith(`${name} `));
    if (!line) throw new Error(`no metric ${name}`);
    return Number(line.slice(name.length + 1));
  };
  return { healthUrl, stop, metric, [Symbol.asyncDispose]: stop };
}
