/**
 * JSON compared by content: sorted keys, undefined fields dropped. Statuses the API server returns keep its
 * key order, not ours, so a status is compared this way before it is written (a write per pass otherwise).
 * @module
 */

/** `value` as JSON text with sorted keys and no undefined fields. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(canonical(value));
}

/** Whether `a` and `b` are the same JSON, key order and undefined fields aside. */
export function sameJson(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === "object") {
    const record = value as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(record).sort().filter((k) => record[k] !== undefined).map((k) => [k, canonical(record[k])]),
    );
  }
  return value;
}
