/**
 * The status of an MCPServer, computed from what exists: its proxy pods and Deployment, the references it
 * could not resolve, and whether its podTemplateSpec is valid (design.md §3, toolhive-reference.md §2).
 * @module
 */
import type { V1Deployment, V1Pod } from "@kubernetes/client-node";
import type { McpServer, McpServerStatus } from "../../crds/mod.ts";
import { type Condition, setCondition } from "./conditions.ts";
import { serverUrl } from "./desired/mod.ts";
import { refusedMessage, type Unenforced, UNENFORCED_CONDITION_TYPES } from "./unenforced.ts";

/** What the reconciler observed, as input to {@linkcode computeStatus}. */
export interface Observed {
  /** Pods with the MCPServer's proxy labels. */
  readonly pods: readonly V1Pod[];
  /** The proxy Deployment, when it exists. */
  readonly deployment?: V1Deployment;
  /** The podTemplateSpec problem, when there is one. */
  readonly podTemplateError?: string;
  /** Referenced objects that do not exist, as `Secret "x"` or `ConfigMap "y"`. */
  readonly missing: readonly string[];
  /** Fields thv does not enforce (see {@linkcode unenforcedFields}); none when absent. */
  readonly unenforced?: Unenforced;
  /** The time to stamp on conditions that change. */
  readonly now: Date;
}

const FAILING_REASONS = new Set([
  "CrashLoopBackOff",
  "CreateContainerError",
  "InvalidImageName",
  "CreateContainerConfigError",
]);

/** Why a pod failed, or undefined when it has not. */
function failureOf(pod: V1Pod): string | undefined {
  for (const status of pod.status?.containerStatuses ?? []) {
    const waiting = status.state?.waiting?.reason;
    if (waiting && FAILING_REASONS.has(waiting)) return waiting;
    const terminated = status.state?.terminated;
    if (terminated && terminated.exitCode !== 0) return terminated.reason ?? `exit code ${terminated.exitCode}`;
  }
  return pod.status?.phase === "Failed" ? (pod.status.reason ?? "Failed") : undefined;
}

function isReady(pod: V1Pod): boolean {
  return pod.status?.phase === "Running" &&
    (pod.status.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True");
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

/** Computes the status; pure, so the same inputs give the same status, and an unchanged server no write. */
export function computeStatus(server: McpServer, observed: Observed): McpServerStatus {
  const generation = server.metadata.generation ?? 0;
  // A spec that parses again drops the Valid=False of an earlier one.
  let conditions = (server.status?.conditions ?? []).filter((c) => c.type !== VALID_CONDITION) as Condition[];
  const set = (
    c: Omit<Condition, "lastTransitionTime" | "observedGeneration">,
  ) => (conditions = setCondition(conditions, { ...c, observedGeneration: generation }, observed.now));

  const live = observed.pods.filter((p) => !p.metadata?.deletionTimestamp);
  const ready = live.filter(isReady).length;
  const failure = live.map(failureOf).find((f) => f !== undefined);

  // One condition per field thv does not enforce; the conditions of fields since removed go.
  const unenforced = [...(observed.unenforced?.refused ?? []), ...(observed.unenforced?.notApplied ?? [])];
  conditions = conditions.filter((c) =>
    !UNENFORCED_CONDITION_TYPES.has(c.type) || unenforced.some((u) => u.conditionType === c.type)
  );
  for (const u of unenforced) {
    set({ type: u.conditionType, status: u.conditionStatus, reason: u.reason, message: u.message });
  }
  const refused = observed.unenforced?.refused ?? [];

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

  let phase: NonNullable<McpServerStatus["phase"]>;
  let message: string;
  if (refused.length > 0) {
    phase = "Failed";
    message = refusedMessage(refused);
  } else if (observed.podTemplateError) {
    phase = "Failed";
    message = `Invalid podTemplateSpec: ${observed.podTemplateError}`;
  } else if (observed.missing.length > 0) {
    phase = "Pending";
    message = `Waiting for ${observed.missing.join(", ")} to exist`;
  } else if (observed.deployment?.spec?.replicas === 0) {
    phase = "Stopped";
    message = "MCP server is stopped (0 replicas)";
  } else if (ready > 0) {
    phase = "Ready";
    message = "MCP server is running";
  } else if (failure) {
    phase = "Failed";
    message = `MCP server pod failed: ${failure}`;
  } else if (live.length > 0) {
    phase = "Pending";
    message = "MCP server is starting";
  } else {
    phase = "Pending";
    message = "MCP server is being created";
  }
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
    conditions = conditions.filter((c) => c.type !== "StdioReplicaCapped");
  }
  set({
    type: "Ready",
    status: phase === "Ready" ? "True" : "False",
    reason: phase === "Ready" ? "Ready" : "NotReady",
    message,
  });

  return {
    ...server.status,
    phase,
    message,
    url: serverUrl(server),
    readyReplicas: ready,
    observedGeneration: generation,
    conditions,
  };
}
