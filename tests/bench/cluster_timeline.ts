/**
 * Where the time from `kubectl apply` of an MCPServer to its first answered call goes: watches of the
 * namespace's Deployments and pods stamp, on the host's clock, when each step of the flow became visible
 * (the operator's proxy Deployment, the proxy pod and its container, the runner's MCP pod, Ready of each), and
 * the bench's own poll of the proxy's `/health` on the pod IP shows when the proxy could have turned Ready.
 * @module
 */
import type { ClusterApi, StampedEvent } from "./cluster_api.ts";

/** The steps, in the order the flow takes them. */
export const STEPS = [
  "proxy Deployment created (operator)",
  "proxy pod created",
  "proxy container running",
  "MCP pod created (runner applied the StatefulSet)",
  "MCP container running",
  "MCP pod Ready",
  "proxy /health 200 (polled on the pod IP every 100 ms)",
  "proxy pod Ready (kubelet's readiness probe on /health)",
] as const;

/** One step. */
export type Step = typeof STEPS[number];

// deno-lint-ignore no-explicit-any
const running = (pod: any, container?: string) =>
  // deno-lint-ignore no-explicit-any
  (pod.status?.containerStatuses ?? []).some((s: any) => (!container || s.name === container) && s.state?.running);
// deno-lint-ignore no-explicit-any
const ready = (pod: any) =>
  // deno-lint-ignore no-explicit-any
  (pod.status?.conditions ?? []).some((c: any) => c.type === "Ready" && c.status === "True");

/** Records, per MCPServer name, the first time each {@linkcode Step} was seen. */
export class Timeline {
  readonly #seen = new Map<string, Map<Step, number>>();
  readonly #proxyIps = new Map<string, string>();

  /** Records `step` of server `name` at `at` (`performance.now()`), unless it was seen before. */
  mark(name: string, step: Step, at: number): void {
    this.#mark(name, step, at);
  }

  /** The pod IP of server `name`'s proxy pod, once it has one. */
  proxyIp(name: string): string | undefined {
    return this.#proxyIps.get(name);
  }

  #mark(name: string, step: Step, at: number): void {
    const steps = this.#seen.get(name) ?? new Map<Step, number>();
    this.#seen.set(name, steps);
    if (!steps.has(step)) steps.set(step, at);
  }

  #onDeployment = (e: StampedEvent) => {
    const name = e.object?.metadata?.name;
    if (e.type !== "DELETED" && name) this.#mark(name, "proxy Deployment created (operator)", e.at);
  };

  #onPod = (e: StampedEvent) => {
    const pod = e.object;
    const server = pod?.metadata?.labels?.["toolhive-name"];
    if (e.type === "DELETED" || !server) return;
    if (pod.metadata.name === `${server}-0`) {
      this.#mark(server, "MCP pod created (runner applied the StatefulSet)", e.at);
      if (running(pod, "mcp")) this.#mark(server, "MCP container running", e.at);
      if (ready(pod)) this.#mark(server, "MCP pod Ready", e.at);
    } else {
      this.#mark(server, "proxy pod created", e.at);
      if (running(pod, "toolhive")) this.#mark(server, "proxy container running", e.at);
      if (pod.status?.podIP) this.#proxyIps.set(server, pod.status.podIP);
      if (ready(pod)) this.#mark(server, "proxy pod Ready (kubelet's readiness probe on /health)", e.at);
    }
  };

  /** Watches Deployments and pods of `namespace` until `signal` aborts. */
  watch(api: ClusterApi, namespace: string, signal: AbortSignal): Promise<unknown> {
    return Promise.all([
      api.watch(`/apis/apps/v1/namespaces/${namespace}/deployments`, this.#onDeployment, signal),
      api.watch(`/api/v1/namespaces/${namespace}/pods`, this.#onPod, signal),
    ]);
  }

  /** Milliseconds from `t0` to each step seen for server `name` (missing steps are absent). */
  since(name: string, t0: number): Partial<Record<Step, number>> {
    const out: Partial<Record<Step, number>> = {};
    for (const [step, at] of this.#seen.get(name) ?? []) out[step] = at - t0;
    return out;
  }
}
