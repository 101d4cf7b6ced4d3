/**
 * JSON values (token claims, call arguments) as Cedar values (toolhive-crds.md §16): booleans and strings as
 * they are, integers as Long, other numbers as `decimal`, arrays as Sets, objects as Records (up to 10 deep).
 * Cedar has no null, and a JSON object with a `__entity` or `__extn` key would be read as an entity or
 * extension value: such values are left out rather than misread.
 * @module
 */
import type { CedarValueJson } from "@cedar-policy/cedar-wasm/nodejs";

const MAX_DEPTH = 10;
const LONG_MAX = 2 ** 63;
/** Cedar's decimal: at most 4 digits after the point, within ±922337203685477. */
const DECIMAL_MAX = 922337203685477;

/** `value` as a Cedar value, or undefined when Cedar cannot hold it (null, a too deep or ambiguous object). */
export function cedarValue(value: unknown, depth = 0): CedarValueJson | undefined {
  switch (typeof value) {
    case "boolean":
    case "string":
      return value;
    case "number":
      if (!Number.isFinite(value)) return undefined;
      if (Number.isInteger(value)) return Math.abs(value) < LONG_MAX ? value : undefined;
      if (Math.abs(value) >= DECIMAL_MAX) return undefined;
      return { __extn: { fn: "decimal", arg: decimalText(value) } };
    case "object": {
      if (value === null || depth >= MAX_DEPTH) return undefined;
      if (Array.isArray(value)) {
        const out: CedarValueJson[] = [];
        for (const v of value) {
          const c = cedarValue(v, depth + 1);
          if (c !== undefined) out.push(c);
        }
        return out;
      }
      const record = value as Record<string, unknown>;
      if ("__entity" in record || "__extn" in record) return undefined;
      const out: Record<string, CedarValueJson> = {};
      for (const k in record) {
        const c = cedarValue(record[k], depth + 1);
        if (c !== undefined) out[k] = c;
      }
      return out;
    }
    default:
      return undefined;
  }
}

/** A float as Cedar decimal text: rounded to 4 places, always with a point. */
function decimalText(value: number): string {
  const text = value.toFixed(4).replace(/0+$/, "");
  return text.endsWith(".") ? text + "0" : text;
}

/**
 * The `claim_<name>` attributes of a token's claims; a claim named in `multiValued` also gets
 * `claimset_<name>` (a Set) while `claim_<name>` holds its values joined by spaces.
 */
export function claimAttributes(
  claims: Readonly<Record<string, unknown>>,
  multiValued: ReadonlySet<string> = new Set(),
): Record<string, CedarValueJson> {
  const out: Record<string, CedarValueJson> = {};
  for (const name in claims) {
    const raw = claims[name];
    if (multiValued.has(name)) {
      const values = Array.isArray(raw) ? raw : typeof raw === "string" ? raw.split(" ").filter(Boolean) : [];
      const strings = values.filter((v): v is string => typeof v === "string");
      out[`claim_${name}`] = strings.join(" ");
      out[`claimset_${name}`] = strings;
      continue;
    }
    const value = cedarValue(raw);
    if (value !== undefined) out[`claim_${name}`] = value;
  }
  return out;
}

/**
 * The `arg_<name>` attributes of a call's arguments: strings, booleans and numbers as `arg_<name>`; any other
 * argument as `arg_<name>_present` = true (ToolHive's mapping: a policy can require or forbid it).
 */
export function argumentAttributes(
  args: Readonly<Record<string, unknown>> | undefined,
): Record<string, CedarValueJson> {
  const out: Record<string, CedarValueJson> = {};
  if (!args) return out;
  for (const name in args) {
    const raw = args[name];
    const scalar = typeof raw === "string" || typeof raw === "boolean" || typeof raw === "number"
      ? cedarValue(raw)
      : undefined;
    if (scalar !== undefined) out[`arg_${name}`] = scalar;
    else if (raw !== undefined) out[`arg_${name}_present`] = true;
  }
  return out;
}
