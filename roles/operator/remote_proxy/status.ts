/**
 * The status of an MCPRemoteProxy (toolhive-crds.md §9): ConfigurationValid, the refusals of fields thv does
 * not enforce, Ready and the phase from the proxy pods, and `status.url`. Pure.
 * @module
 */
import type { V1Pod } from "@kubernetes/client-node";
import { type Condition, setCondition } from "../conditions.ts";
import { refusedMessage, REMOTE_UNENFORCED_CONDITION_TYPES, type Unenforced } from "../unenforced.ts";
import { type RemoteProxy, remoteProxyUrl } from "./names.ts";

/** A configuration problem: its ConfigurationValid reason and message. */
export interface ConfigProblem {
  /** ToolHive's reason, e.g. RemoteURLInvalid. */
  readonly reason: string;
  /** The problem, in ToolHive's words. */
  readonly message: string;
}

/** What the status is computed from. */
export interface RemoteStatusInputs {
  /** Problems of the spec and of what it references; the first one is reported. */
  readonly problems: readonly ConfigProblem[];
  /** Fields thv does not enforce. */
  readonly unenforced: Unenforced;
  /** The proxy pods. */
  readonly pods: readonly V1Pod[];
  /** Clock. */
  readonly now: Date;
}

/** The status an MCPRemoteProxy should have. */
export function computeRemoteStatus(proxy: RemoteProxy, inputs: RemoteStatusInputs): Record<string, unknown> {
  const { now } = inputs;
  const generation = proxy.metadata.generation;
  const og = generation === undefined ? {} : { observedGeneration: generation };
  const previous = ((proxy.status?.conditions ?? []) as Condition[])
    .filter((c) => !REMOTE_UNENFORCED_CONDITION_TYPES.has(c.type));
  let conditions = previous;
  const set = (c: Omit<Condition, "lastTransitionTime" | "observedGeneration">) => {
    conditions = setCondition(conditions, { ...c, ...og }, now);
  };
  const [problem] = inputs.problems;
  let phase: string;
  let message: string;
  if (problem) {
    set({ type: "ConfigurationValid", status: "False", reason: problem.reason, message: problem.message });
    set({ type: "Ready", status: "False", reason: "NotReady", message: `Validation failed: ${problem.message}` });
    phase = "Failed";
    message = `Validation failed: ${problem.message}`;
  } else {
    set({
      type: "ConfigurationValid",
      status: "True",
      reason: "ConfigurationValid",
      message: "All configuration validations passed",
    });
    ({ phase, message } = fromPods(inputs.pods, set));
  }
  for (const r of inputs.unenforced.refused) {
    set({ type: r.conditionType, status: r.conditionStatus, reason: r.reason, message: r.message });
  }
  for (const n of inputs.unenforced.notApplied) {
    set({ type: n.conditionType, status: n.conditionStatus, reason: n.reason, message: n.message });
  }
  if (!problem && inputs.unenforced.refused.length > 0) {
    phase = "Failed";
    message = refusedMessage(inputs.unenforced.refused);
    set({ type: "Ready", status: "False", reason: "NotReady", message });
  }
  return {
    phase,
    message,
    url: remoteProxyUrl(proxy),
    ...og,
    conditions,
    ...(typeof proxy.status?.externalUrl === "string" ? { externalUrl: proxy.status.externalUrl } : {}),
  };
}

/** Phase, message and Ready from the proxy pods, as ToolHive counts them. */
function fromPods(
  pods: readonly V1Pod[],
  set: (c: Omit<Condition, "lastTransitionTime" | "observedGeneration">) => void,
): { phase: string; message: string } {
  const count = (p: string) => pods.filter((pod) => pod.status?.phase === p).length;
  const ready = (message: string) => set({ type: "Ready", status: "True", reason: "DeploymentReady", message });
  const notReady = (message: string) => set({ type: "Ready", status: "False", reason: "DeploymentNotReady", message });
  if (count("Running") > 0) {
    ready("Deployment is ready and running");
    return { phase: "Ready", message: "Remote proxy is running" };
  }
  if (count("Pending") > 0 || pods.length > count("Failed")) {
    notReady("Deployment is not yet ready");
    return { phase: "Pending", message: "Remote proxy is starting" };
  }
  if (count("Failed") > 0) {
    notReady("Deployment failed");
    return { phase: "Failed", message: "Remote proxy failed to start" };
  }
  notReady("No pods found");
  return { phase: "Pending", message: "No pods found for remote proxy" };
}
