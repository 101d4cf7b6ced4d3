/**
 * Status conditions as `metav1.Condition`: setting one keeps its lastTransitionTime while its status stays
 * the same, so an unchanged server produces an identical status (and no write).
 * @module
 */

/** A status condition. */
export interface Condition {
  /** Condition type, e.g. Ready. */
  readonly type: string;
  /** True, False or Unknown. */
  readonly status: "True" | "False" | "Unknown";
  /** CamelCase reason. */
  readonly reason: string;
  /** Human-readable detail. */
  readonly message: string;
  /** Generation the condition was computed from. */
  readonly observedGeneration?: number;
  /** When status last changed (RFC 3339). */
  readonly lastTransitionTime: string;
}

/** Returns `conditions` with `next` set: its transition time is kept when the status did not change. */
export function setCondition(
  conditions: readonly Condition[],
  next: Omit<Condition, "lastTransitionTime">,
  now: Date,
): Condition[] {
  const previous = conditions.find((c) => c.type === next.type);
  const lastTransitionTime = previous && previous.status === next.status
    ? previous.lastTransitionTime
    : now.toISOString().replace(/\.\d{3}Z$/, "Z");
  const updated: Condition = { ...next, lastTransitionTime };
  return [...conditions.filter((c) => c.type !== next.type), updated].sort((a, b) => a.type.localeCompare(b.type));
}
