/**
 * zod helpers for Kubernetes structural schemas: the OpenAPI extensions (`x-kubernetes-*`), CEL rules and
 * int32 fields travel as zod metadata, so the zod schema stays the single source of a CRD.
 * @module
 */
import { z } from "zod";

/** A CEL validation rule as Kubernetes states it in `x-kubernetes-validations`. */
export interface CelRule {
  /** The CEL expression; `self` is the object the rule sits on. */
  readonly rule: string;
  /** The message the API server returns when the rule fails. */
  readonly message: string;
  /** The field the error is reported at, relative to `self`, e.g. `.address`. */
  readonly fieldPath?: string;
}

/** A 32-bit integer, as Kubernetes' `int32` format; `min`/`max` narrow the range. */
export function int32(range: { min?: number; max?: number } = {}) {
  let schema = z.int32();
  if (range.min !== undefined) schema = schema.min(range.min);
  if (range.max !== undefined) schema = schema.max(range.max);
  return schema.meta({ format: "int32" });
}

/** A TCP port number, 1–65535. */
export function port() {
  return int32({ min: 1, max: 65535 });
}

/** A list whose items are keyed by `keys` (server-side apply merges such lists item by item). */
export function listMap<T extends z.ZodType>(item: T, keys: readonly string[]) {
  return z.array(item).meta({ "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": [...keys] });
}

/** A list of unique scalars, merged item by item on apply. */
export function listSet<T extends z.ZodType>(item: T) {
  return z.array(item).meta({ "x-kubernetes-list-type": "set" });
}

/** A list replaced as a whole on apply. */
export function atomicList<T extends z.ZodType>(item: T) {
  return z.array(item).meta({ "x-kubernetes-list-type": "atomic" });
}

/** A map of strings, such as labels or annotations. */
export function stringMap() {
  return z.record(z.string(), z.string());
}

/** An object kept as written, unknown fields and all (for embedded Kubernetes types such as a PodTemplateSpec). */
export function preservedObject() {
  return z.record(z.string(), z.unknown()).meta({
    type: "object",
    "x-kubernetes-preserve-unknown-fields": true,
  });
}

/** Attaches CEL rules to an object schema. */
export function withRules<T extends z.ZodType>(schema: T, rules: readonly CelRule[]): T {
  return schema.meta({ "x-kubernetes-validations": rules.map((r) => ({ ...r })) }) as T;
}
