/**
 * The status of a shared config, as a pure function of its spec's validity, its hash and the workloads that
 * reference it (toolhive-crds.md §0.5): `Valid`, `configHash`, `referencingWorkloads`, `observedGeneration`,
 * and `DeletionBlocked` while it is being deleted and still referenced.
 * @module
 */
import { createHash } from "node:crypto";
import type { SharedConfigStatus, WorkloadReference } from "../../../crds/mod.ts";
import { type Condition, setCondition } from "../conditions.ts";
import { canonicalJson } from "../same_json.ts";

/** The condition type that says whether the spec passed the controller's checks. */
export const VALID = "Valid";
/** The condition type set while deletion waits for referrers. */
export const DELETION_BLOCKED = "DeletionBlocked";

/** What {@linkcode sharedConfigStatus} computes from. */
export interface ConfigObservation {
  /** The spec's problem, or undefined when it is valid. */
  readonly problem?: string;
  /** Hash of the spec ({@linkcode configHash}). */
  readonly hash: string;
  /** Workloads referencing the object, in any order. */
  readonly referrers: readonly WorkloadReference[];
  /** True while the object has a deletionTimestamp. */
  readonly deleting: boolean;
  /** Reasons of `Valid` True and False. */
  readonly reasons: { readonly valid: string; readonly invalid: string };
  /** Time stamped on conditions that change. */
  readonly now: Date;
}

/** Sorts by kind, then name, as referrers are listed everywhere. */
export function sortReferrers(referrers: readonly WorkloadReference[]): WorkloadReference[] {
  return [...referrers].sort((a, b) => a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name));
}

/** `MCPServer/a, MCPRemoteProxy/b`: referrers as a message names them. */
export function referrerList(referrers: readonly WorkloadReference[]): string {
  return sortReferrers(referrers).map((r) => `${r.kind}/${r.name}`).join(", ");
}

/** A stable hash of a spec: it changes exactly when the spec does (key order and formatting aside). */
export function configHash(spec: unknown): string {
  return createHash("sha256").update(canonicalJson(spec)).digest("hex").slice(0, 16);
}

/** The status of a shared config `object` given what was observed. */
export function sharedConfigStatus(
  object: { readonly metadata: { readonly generation?: number }; readonly status?: SharedConfigStatus },
  observed: ConfigObservation,
): SharedConfigStatus {
  const generation = object.metadata.generation ?? 0;
  let conditions: Condition[] = [...(object.status?.conditions ?? []) as Condition[]];
  conditions = setCondition(
    conditions,
    observed.problem === undefined
      ? { type: VALID, status: "True", reason: observed.reasons.valid, message: "Spec validation passed" }
      : { type: VALID, status: "False", reason: observed.reasons.invalid, message: observed.problem },
    observed.now,
  ).map((c) => c.type === VALID ? { ...c, observedGeneration: generation } : c);
  if (observed.deleting && observed.referrers.length > 0) {
    conditions = setCondition(conditions, {
      type: DELETION_BLOCKED,
      status: "True",
      reason: "ReferencedByWorkloads",
      message: `Cannot delete: referenced by workloads: ${referrerList(observed.referrers)}; ` +
        "remove their references to let the deletion finish",
      observedGeneration: generation,
    }, observed.now);
  } else {
    conditions = conditions.filter((c) => c.type !== DELETION_BLOCKED);
  }
  return {
    observedGeneration: generation,
    conditions,
    configHash: observed.hash,
    referencingWorkloads: sortReferrers(observed.referrers),
  };
}
