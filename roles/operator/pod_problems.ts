/**
 * What keeps a pod from running, in words a user can act on: an image that cannot be pulled (naming the image
 * and carrying the kubelet's pull error), a crash-looping container (naming it and its last termination), a
 * container that cannot be created or exited with an error, a failed pod. Pure: read from the pod's status.
 * @module
 */
import type { V1ContainerStatus, V1Pod } from "@kubernetes/client-node";

/** The reasons a pod problem is reported under (condition reasons). */
export type PodProblemReason = "ImagePullFailed" | "CrashLoopBackOff" | "PodFailed";

/** A problem of one pod. */
export interface PodProblem {
  /** CamelCase reason. */
  readonly reason: PodProblemReason;
  /** One line: what is wrong and what to do. */
  readonly message: string;
}

/** Whose pod it is: the MCP server's (StatefulSet) or the proxy's (Deployment). */
export type PodRole = "mcp" | "proxy";

/** The kubelet's waiting reasons for an image it cannot get. */
const IMAGE_PULL_REASONS = new Set(["ErrImagePull", "ImagePullBackOff", "ErrImageNeverPull", "InvalidImageName"]);
/** Waiting reasons of a container that cannot be created. */
const CREATE_REASONS = new Set(["CreateContainerError", "CreateContainerConfigError", "RunContainerError"]);

const IMAGE_FIX: Record<PodRole, string> = {
  mcp: "check spec.image and imagePullSecrets",
  proxy: "check the operator's TOOLHIVE_RUNNER_IMAGE and the proxy's imagePullSecrets",
};
const WHOSE: Record<PodRole, string> = { mcp: "MCP server", proxy: "Proxy" };

/** The problem of one container, or undefined when it has none. */
function containerProblem(pod: string, c: V1ContainerStatus, role: PodRole): PodProblem | undefined {
  const waiting = c.state?.waiting;
  const reason = waiting?.reason;
  if (reason && IMAGE_PULL_REASONS.has(reason)) {
    const detail = waiting.message ? `${reason}: ${waiting.message}` : reason;
    return {
      reason: "ImagePullFailed",
      message: `${WHOSE[role]} image "${c.image}" cannot be pulled: ${detail}: ${IMAGE_FIX[role]}`,
    };
  }
  const logs = `kubectl logs ${pod} -c ${c.name} --previous`;
  if (reason === "CrashLoopBackOff") {
    const last = c.lastState?.terminated;
    const ended = last
      ? `last exit code ${last.exitCode}${last.reason ? ` (${last.reason})` : ""}${
        last.message ? `: ${oneLine(last.message)}` : ""
      }`
      : "no termination recorded";
    return {
      reason: "CrashLoopBackOff",
      message: `${WHOSE[role]} container "${c.name}" of pod ${pod} is crash-looping, ${ended}: see ${logs}`,
    };
  }
  if (reason && CREATE_REASONS.has(reason)) {
    const detail = waiting.message ? `${reason}: ${oneLine(waiting.message)}` : reason;
    return {
      reason: "PodFailed",
      message: `${WHOSE[role]} container "${c.name}" of pod ${pod} cannot start: ${detail}`,
    };
  }
  const terminated = c.state?.terminated;
  if (terminated && terminated.exitCode !== 0) {
    return {
      reason: "PodFailed",
      message: `${WHOSE[role]} container "${c.name}" of pod ${pod} exited with code ${terminated.exitCode}${
        terminated.reason ? ` (${terminated.reason})` : ""
      }: see ${logs}`,
    };
  }
  return undefined;
}

/** Messages (a Go panic, a stack) can span lines: a condition message is one line. */
function oneLine(text: string): string {
  const line = text.trim().split("\n")[0]!.trim();
  return line.length > 200 ? `${line.slice(0, 200)}...` : line;
}

/** What keeps `pod` from running, or undefined; image pulls first (init containers too), then the rest. */
export function podProblem(pod: V1Pod, role: PodRole): PodProblem | undefined {
  const name = pod.metadata?.name ?? "(unnamed)";
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  const problems = statuses.map((c) => containerProblem(name, c, role)).filter((p) => p !== undefined);
  const first = problems.find((p) => p.reason === "ImagePullFailed") ?? problems[0];
  if (first) return first;
  if (pod.status?.phase === "Failed") {
    return {
      reason: "PodFailed",
      message: `${WHOSE[role]} pod ${name} failed${pod.status.reason ? `: ${pod.status.reason}` : ""}${
        pod.status.message ? `: ${oneLine(pod.status.message)}` : ""
      }`,
    };
  }
  return undefined;
}

/** True when the pod runs and its Ready condition is True (for a proxy pod: its /health answers 200). */
export function isPodReady(pod: V1Pod): boolean {
  return pod.status?.phase === "Running" &&
    (pod.status.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True");
}
