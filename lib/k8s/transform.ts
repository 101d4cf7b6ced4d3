/**
 * What a cache keeps of an object: never `metadata.managedFields` nor the kubectl last-applied annotation
 * (often the larger part of an object, read by no controller), and of the rest only the top-level fields a
 * caller names. Fewer bytes per cached object is most of an operator's memory at scale.
 * @module
 */
import type { KubeObject, ObjectMeta } from "./object.ts";

/** The annotation `kubectl apply` keeps a copy of the whole object in. */
export const LAST_APPLIED_ANNOTATION = "kubectl.kubernetes.io/last-applied-configuration";

/** The metadata fields a cache keeps. */
const KEPT_METADATA = [
  "name",
  "namespace",
  "uid",
  "resourceVersion",
  "generation",
  "creationTimestamp",
  "deletionTimestamp",
  "labels",
  "annotations",
  "ownerReferences",
  "finalizers",
] as const;

/** `metadata` without managedFields, the last-applied annotation and other fields no controller reads. */
export function strippedMetadata(metadata: ObjectMeta | undefined): ObjectMeta {
  const out: ObjectMeta = {};
  for (const field of KEPT_METADATA) {
    if (metadata?.[field] !== undefined) (out as Record<string, unknown>)[field] = metadata[field];
  }
  if (out.annotations && LAST_APPLIED_ANNOTATION in out.annotations) {
    const { [LAST_APPLIED_ANNOTATION]: _, ...rest } = out.annotations;
    if (Object.keys(rest).length > 0) out.annotations = rest;
    else delete out.annotations;
  }
  return out;
}

/**
 * A transform for an informer: apiVersion, kind, stripped metadata, and the top-level fields in `keep`
 * (each narrowed further by its function when one is given).
 * @example
 * ```ts
 * const pods = stripForCache({ status: (s) => ({ phase: s.phase, conditions: s.conditions }) });
 * ```
 */
export function stripForCache(
  keep: Readonly<Record<string, true | ((value: Record<string, unknown>) => unknown)>> = {},
): (object: KubeObject) => KubeObject {
  return (object) => {
    const out: KubeObject = {
      apiVersion: object.apiVersion,
      kind: object.kind,
      metadata: strippedMetadata(object.metadata),
    };
    for (const [field, narrow] of Object.entries(keep)) {
      const value = object[field];
      if (value === undefined) continue;
      out[field] = narrow === true ? value : narrow(value as Record<string, unknown>);
    }
    return out;
  };
}
