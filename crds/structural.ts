/**
 * Turns the JSON Schema that `z.toJSONSchema` emits into a Kubernetes structural schema: no `$schema`, no
 * `propertyNames`, no `additionalProperties` next to `properties` or under preserved objects, and no int32
 * bounds that only restate the format.
 * @module
 */

/** A JSON Schema node, loosely typed. */
export type SchemaNode = { [key: string]: unknown };

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const SAFE = Number.MAX_SAFE_INTEGER;

/** Returns a structural copy of `node` (the input is not changed). */
export function toStructural(node: SchemaNode): SchemaNode {
  const out: SchemaNode = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === "$schema" || key === "propertyNames") continue;
    if (key === "properties" && value && typeof value === "object") {
      out.properties = Object.fromEntries(
        Object.entries(value as Record<string, SchemaNode>).map(([k, v]) => [k, toStructural(v)]),
      );
    } else if ((key === "items" || key === "additionalProperties") && value && typeof value === "object") {
      out[key] = toStructural(value as SchemaNode);
    } else {
      out[key] = value;
    }
  }
  const preserved = out["x-kubernetes-preserve-unknown-fields"] === true;
  const additional = out.additionalProperties;
  const emptyAdditional = additional !== undefined && typeof additional === "object" &&
    Object.keys(additional as object).length === 0;
  if (additional === false || preserved || emptyAdditional || out.properties) delete out.additionalProperties;
  if (out.type === "integer") {
    if (out.minimum === INT32_MIN || out.minimum === -SAFE) delete out.minimum;
    if (out.maximum === INT32_MAX || out.maximum === SAFE) delete out.maximum;
  }
  return out;
}
