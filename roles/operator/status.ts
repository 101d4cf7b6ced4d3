/**
 * The status of an MCPServer, computed from what exists: its proxy pods and Deployment, the StatefulSet the
 * proxy runner made and its pods, the references it could not resolve, whether its podTemplateSpec is valid
 * and its restart annotations readable (design.md §3, toolhive-reference.md §2, decision 017). `Ready` is
 * True only while a proxy pod is Ready, which its readiness probe (`/health`) makes mean: the MCP server
 * answers an MCP ping, and an MCP pod is Ready and not terminating.
 * @module
 */
import type { V1Deployment, V1Pod, V1StatefulSet } from "@kubernetes/client-node";
import type { McpServer, McpServerStatus } from "../../crds/mod.ts";
import { type Condition, setCondition } from "./conditions.ts";
import { serverUrl } from "./desired/mod.ts";
import { refusedMessage, type Unenforced, UNENFORCED_CONDITION_TYPES } from "./unenforced.ts";
import { isPodReady, podProblem } from "./pod_problems.ts";
import { RESTART_CONDITION } from "./restart.ts";
import type { ServerRefs } from "./server_refs.ts";
import { servingPods, WORKLOAD_CONDITION, type WorkloadState, workloadState } from "./workload.ts";

/** What the reconciler observed, as input to {@linkcode computeStatus}. */
export interface Observed {
  /** Pods with the MCPServer's proxy labels. */
  readonly pods: readonly V1Pod[];
  /** The proxy Deployment, when it exists. */
  readonly deployment?: V1Deployment;
  /** The MCP server's StatefulSet `<name>` (written by the proxy runner), when it exists. */
  readonly statefulSet?: V1StatefulSet;
  /** The StatefulSet's pods (workload.ts `isMcpPod`); none when absent. */
  readonly mcpPods?: readonly V1Pod[];
  /** The podTemplateSpec problem, when there is one. */
  readonly podTemplateError?: string;
  /** Referenced objects that do not exist, as `Secret "x"` or `ConfigMap "y"`. */
  readonly missing: readonly string[];
  /** Fields thv does not enforce (see {@linkcode unenforcedFields}); none when absent. */
  readonly unenforced?: Unenforced;
  /** Why the restart annotations cannot be acted on, when they cannot (restart.ts). */
  readonly restartProblem?: string;
  /** What the groups and shared configs it references contribute (server_refs.ts); none when absent. */
  readonly refs?: ServerRefs;
  /** The time to stamp on conditions that change. */
  readonly now: Date;
}

/** The condition type that reports a spec the operator cannot read. */
export const VALID_CONDITION = "Valid";

/** The first problem zod found in a spec, naming the field: `spec.port: Invalid input: expected number`. */
export function specProblem(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  const issue = issues[0];
  if (!issue) return "spec: invalid";
  return `${["spec", ...issue.path.map(String)].join(".")}: ${issue.message}`;
}

/**
 * The status of a server whose spec does not parse (only with a CRD older than the operator, since the API
 * server validates the same schema): phase Failed and `Valid=False` with reason InvalidSpec and the field.
 */
export function invalidSpecStatus(
  server: { readonly metadata: { readonly generation?: number }; readonly status?: McpServerStatus },
  problem: string,
  now: Date,
): McpServerStatus {
  const generation = server.metadata.generation ?? 0;
  const message = `Invalid spec: ${problem}`;
  let conditions = [...(server.status?.conditions ?? [])] as Condition[];
  conditions = setCondition(conditions, {
    type: VALID_CONDITION,
    status: "False",
    reason: "InvalidSpec",
    message,
    observedGeneration: generation,
  }, now);
  conditions = setCondition(conditions, {
    type: "Ready",
    status: "False",
    reason: "NotReady",
    message,
    observedGeneration: generation,
  }, now);
  return { ...server.status, phase: "Failed", message, observedGeneration: generation, conditions };
}

/** The phase, the reason of `Ready` and the message, in the order of what matters most. */
interface Verdict {
  readonly phase: NonNullable<McpServerStatus["phase"]>;
  readonly reason: string;
  readonly message: string;
}

/** Why the server is (not) ready: a spec problem first, then the pods of the proxy and of the MCP server. */
function verdictOf(observed: Observed, workload: WorkloadState, ready: number): Verdict {
  const refused = observed.unenforced?.refused ?? [];
  if (refused.length > 0) return { phase: "Failed", reason: refused[0]!.reason, message: refusedMessage(refused) };
  const failure = observed.refs?.failures[0];
  if (failure) return { phase: "Failed", reason: failure.reason, message: failure.message };
  if (observed.podTemplateError) {
    return {
      phase: "Failed",
      reason: "InvalidPodTemplateSpec",
      message: `Invalid podTemplateSpec: ${observed.podTemplateError}`,
    };
  }
  if (observed.missing.length > 0) {
    return {
      phase: "Pending",
      reason: "ReferenceNotFound",
      message: `Waiting for ${observed.missing.join(", ")} to exist`,
    };
  }
  if (observed.deployment?.spec?.replicas === 0) {
    return { phase: "Stopped", reason: "Stopped", message: "MCP server is stopped (0 replicas)" };
  }
  if (ready > 0) {
    // A ready proxy answered its /health, so the backend answered a ping: the server serves, even while a
    // StatefulSet rollout is stuck (WorkloadReady tells), unless the StatefulSet went away.
    if (workload.reason === "StatefulSetMissing") {
      return { phase: "Pending", reason: "StatefulSetMissing", message: workload.message };
    }
    // Its MCP pod is going (deleted, evicted) or not yet back: the proxy still answers, but not for long.
    if (servingPods(observed.mcpPods ?? []) === 0) {
      return {
        phase: "Pending",
        reason: "WorkloadNotReady",
        message: `MCP server is being replaced: ${workload.message}`,
      };
    }
    return { phase: "Ready", reason: "Ready", message: "MCP server is running" };
  }
  // Not serving: a pod that cannot run is a failure users must act on, not an endless Pending.
  const live = observed.pods.filter((p) => !p.metadata?.deletionTimestamp);
  const problem = workload.problem ?? live.map((p) => podProblem(p, "proxy")).find((p) => p !== undefined);
  if (problem) return { phase: "Failed", reason: problem.reason, message: problem.message };
  if (live.length > 0) {
    const waitingFor = workload.ready
      ? "waiting for the proxy's /health: the MCP server has not answered a ping yet"
      : workload.message;
    return { phase: "Pending", reason: "Starting", message: `MCP server is starting: ${waitingFor}` };
  }
  return { phase: "Pending", reason: "Creating", message: "MCP server is being created" };
}

/** Reasons of `Ready` under which there is no proxy to make the StatefulSet: `WorkloadReady` is moot. */
const NO_PROXY_REASONS = new Set(["InvalidPodTemplateSpec", "ReferenceNotFound", "Stopped"]);

/** Computes the status; pure, so the same inputs give the same status, and an unchanged server no write. */
export function computeStatus(server: McpServer, observed: Observed): McpServerStatus {
  const generation = server.metadata.generation ?? 0;
  // A spec that parses again drops the Valid=False of an earlier one.
  let conditions = (server.status?.conditions ?? []).filter((c) => c.type !== VALID_CONDITION) as Condition[];
  const set = (
    c: Omit<Condition, "lastTransitionTime" | "observedGeneration">,
  ) => (conditions = setCondition(conditions, { ...c, observedGeneration: generation }, observed.now));
  const drop = (type: string) => (conditions = conditions.filter((c) => c.type !== type));

  const live = observed.pods.filter((p) => !p.metadata?.deletionTimestamp);
  const ready = live.filter(isPodReady).length;
  const workload = workloadState(server.metadata.name, {
    statefulSet: observed.statefulSet,
    mcpPods: observed.mcpPods ?? [],
    proxyReady: ready > 0,
  });

  // One condition per field thv does not enforce; the conditions of fields since removed go, unless a
  // reference sets the same type (an enforced one): dropping it would move its lastTransitionTime every pass.
  const unenforced = [...(observed.unenforced?.refused ?? []), ...(observed.unenforced?.notApplied ?? [])];
  conditions = conditions.filter((c) =>
    !UNENFORCED_CONDITION_TYPES.has(c.type) || unenforced.some((u) => u.conditionType === c.type) ||
    (observed.refs?.conditions ?? []).some((r) => r.type === c.type)
  );
  // Each reference's condition; an unenforced field's condition of the same type (set below) wins.
  for (const type of observed.refs?.dropped ?? []) drop(type);
  // Skipped, not overwritten, so the condition's lastTransitionTime does not move on every pass.
  for (const c of observed.refs?.conditions ?? []) if (!unenforced.some((u) => u.conditionType === c.type)) set(c);
  for (const u of unenforced) {
    set({ type: u.conditionType, status: u.conditionStatus, reason: u.reason, message: u.message });
  }

  set(
    observed.podTemplateError
      ? {
        type: "PodTemplateValid",
        status: "False",
        reason: "InvalidPodTemplateSpec",
        message: observed.podTemplateError,
      }
      : {
        type: "PodTemplateValid",
        status: "True",
        reason: "ValidPodTemplateSpec",
        message: "podTemplateSpec is valid",
      },
  );

  const verdict = verdictOf(observed, workload, ready);
  set({
    type: "ReferencesResolved",
    status: observed.missing.length === 0 ? "True" : "False",
    reason: observed.missing.length === 0 ? "AllReferencesFound" : "ReferenceNotFound",
    message: observed.missing.length === 0
      ? "All referenced objects exist"
      : `Not found: ${observed.missing.join(", ")}`,
  });
  if (server.spec.transport === "stdio" && (server.spec.replicas ?? 0) > 1) {
    set({
      type: "StdioReplicaCapped",
      status: "True",
      reason: "StdioTransportCapAt1",
      message: "A stdio server is one process: the proxy runs 1 replica",
    });
  } else {
    drop("StdioReplicaCapped");
  }
  const refused = (observed.unenforced?.refused ?? []).length > 0;
  // Reported once there is a proxy to make the StatefulSet, or a StatefulSet: before, it is moot.
  if (refused || NO_PROXY_REASONS.has(verdict.reason) || (live.length === 0 && !observed.statefulSet)) {
    drop(WORKLOAD_CONDITION);
  } else {
    set({
      type: WORKLOAD_CONDITION,
      status: workload.ready ? "True" : "False",
      reason: workload.reason,
      message: workload.message,
    });
  }
  if (observed.restartProblem) {
    set({
      type: RESTART_CONDITION,
      status: "False",
      reason: "InvalidRestartAnnotation",
      message: observed.restartProblem,
    });
  } else {
    drop(RESTART_CONDITION);
  }
  set({
    type: "Ready",
    status: verdict.phase === "Ready" ? "True" : "False",
    reason: verdict.reason,
    message: verdict.message,
  });

  return {
    ...server.status,
    ...observed.refs?.hashes,
    phase: verdict.phase,
    message: verdict.message,
    url: serverUrl(server),
    readyReplicas: ready,
    observedGeneration: generation,
    conditions,
  };
}
