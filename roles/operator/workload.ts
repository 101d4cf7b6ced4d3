/**
 * The MCP server's own workload as the status reports it: the StatefulSet `<name>` the proxy runner writes
 * and its pods (label `app=<name>` with `toolhive-transport` set). Computed purely from what the cache holds,
 * as the condition `WorkloadReady` (decision 017).
 * @module
 */
import type { V1Pod, V1StatefulSet } from "@kubernetes/client-node";
import { PROXY_CONTAINER } from "./desired/mod.ts";
import { isPodReady, type PodProblem, podProblem } from "./pod_problems.ts";

/** The condition type that reports the StatefulSet and its pods. */
export const WORKLOAD_CONDITION = "WorkloadReady";

/** The reasons of `WorkloadReady`. */
export type WorkloadReason =
  | "StatefulSetReady"
  | "StatefulSetNotCreated"
  | "StatefulSetMissing"
  | "StatefulSetRolling"
  | "PodsNotReady"
  | PodProblem["reason"];

/** The state of the workload: the condition's status, reason and message, and the problem of a pod. */
export interface WorkloadState {
  /** True when every replica is updated and ready. */
  readonly ready: boolean;
  /** CamelCase reason. */
  readonly reason: WorkloadReason;
  /** One line a user can act on. */
  readonly message: string;
  /** The first MCP pod problem (image pull, crash loop, failure), when there is one. */
  readonly problem?: PodProblem;
}

/** The label the proxy runner puts on the MCP pods only (proxy pods never carry it). */
export const TRANSPORT_LABEL = "toolhive-transport";

/** True for a pod of the MCP server `name`'s StatefulSet (`app=<name>` and `toolhive-transport` set). */
export function isMcpPod(pod: V1Pod, name: string): boolean {
  const labels = pod.metadata?.labels ?? {};
  return labels.app === name && labels[TRANSPORT_LABEL] !== undefined;
}

/** Why the StatefulSet has not rolled out, or undefined when it has. */
function rolling(sts: V1StatefulSet): string | undefined {
  const want = sts.spec?.replicas ?? 1;
  const s = sts.status;
  const name = sts.metadata?.name;
  const generation = sts.metadata?.generation ?? 0;
  if ((s?.observedGeneration ?? 0) < generation) {
    return `StatefulSet ${name} is rolling out: its controller has not seen generation ${generation} yet`;
  }
  const revisionsDiffer = s?.updateRevision && s.currentRevision && s.updateRevision !== s.currentRevision;
  const updated = s?.updatedReplicas ?? 0;
  if (updated < want || revisionsDiffer) {
    return `StatefulSet ${name} is rolling out: ${updated} of ${want} pods updated, ${
      s?.readyReplicas ?? 0
    } ready (kubectl rollout status statefulset/${name})`;
  }
  return undefined;
}

/** How many of the MCP pods are Ready and not terminating: the ones that will go on answering. */
export function servingPods(mcpPods: readonly V1Pod[]): number {
  return mcpPods.filter((p) => !p.metadata?.deletionTimestamp && isPodReady(p)).length;
}

/**
 * The state of the workload of server `name`. `proxyReady` says whether a proxy pod is Ready: then a missing
 * StatefulSet was removed after the proxy runner made it (it makes it before serving), not yet to come.
 */
export function workloadState(
  name: string,
  observed: {
    readonly statefulSet?: V1StatefulSet | undefined;
    readonly mcpPods: readonly V1Pod[];
    readonly proxyReady: boolean;
  },
): WorkloadState {
  const sts = observed.statefulSet;
  const restart = `kubectl rollout restart deployment/${name}`;
  if (!sts) {
    return observed.proxyReady
      ? {
        ready: false,
        reason: "StatefulSetMissing",
        message:
          `StatefulSet ${name} of the MCP server is missing while its proxy runs: the operator replaces a proxy pod that ran a minute without it, whose runner recreates it (now: ${restart})`,
      }
      : {
        ready: false,
        reason: "StatefulSetNotCreated",
        message: `Waiting for the proxy runner to create StatefulSet ${name} (kubectl logs deployment/${name})`,
      };
  }
  const live = observed.mcpPods.filter((p) => !p.metadata?.deletionTimestamp);
  const problem = live.map((p) => podProblem(p, "mcp")).find((p) => p !== undefined);
  if (problem) return { ready: false, reason: problem.reason, message: problem.message, problem };
  const roll = rolling(sts);
  if (roll) return { ready: false, reason: "StatefulSetRolling", message: roll };
  const want = sts.spec?.replicas ?? 1;
  // The StatefulSet counts a terminating pod as ready until it is gone (ToolHive #4498): count the pods.
  const ready = Math.min(sts.status?.readyReplicas ?? 0, servingPods(observed.mcpPods));
  if (ready < want) {
    return {
      ready: false,
      reason: "PodsNotReady",
      message: `StatefulSet ${name} has ${ready} of ${want} pods ready (kubectl describe pod -l app=${name})`,
    };
  }
  return { ready: true, reason: "StatefulSetReady", message: `StatefulSet ${name} has ${ready} of ${want} pods ready` };
}

/**
 * How long a proxy container runs without its StatefulSet before the operator deletes its pod. The proxy
 * runner applies the StatefulSet first thing at start, so a proxy running longer without one will never make
 * it (someone deleted it); its replacement does. A new pod is younger than this, so one bounce per minute at most.
 */
export const ORPHANED_PROXY_MS = 60_000;

/** The proxy pods to delete because their StatefulSet is missing, and when to look again for younger ones. */
export function orphanedProxyPods(
  pods: readonly V1Pod[],
  observed: { readonly statefulSetExists: boolean; readonly now: Date },
): { readonly orphaned: V1Pod[]; readonly recheckAfterMs?: number } {
  if (observed.statefulSetExists) return { orphaned: [] };
  const orphaned: V1Pod[] = [];
  let recheck: number | undefined;
  for (const pod of pods) {
    if (pod.metadata?.deletionTimestamp) continue;
    const started = pod.status?.containerStatuses?.find((c) => c.name === PROXY_CONTAINER)?.state?.running?.startedAt;
    if (!started) continue;
    const age = observed.now.getTime() - new Date(started).getTime();
    if (age >= ORPHANED_PROXY_MS) orphaned.push(pod);
    else recheck = Math.min(recheck ?? Infinity, ORPHANED_PROXY_MS - age);
  }
  return recheck === undefined ? { orphaned } : { orphaned, recheckAfterMs: recheck };
}
