/**
 * What authorization does with each MCP method (toolhive-crds.md §16): calls of a tool, prompt or resource
 * are decided; lists pass and their answers are filtered item by item with the same decision; the
 * protocol's plumbing passes; any other method is denied (default deny).
 * @module
 */
import type { Message } from "../transport/mod.ts";
import type { Authorizer, Feature } from "./authorizer.ts";
import type { Identity } from "../mcp_call/mod.ts";

/** The verdict on one method. */
export type MethodRule =
  | { readonly kind: "check"; readonly feature: Feature }
  | { readonly kind: "list"; readonly feature: Feature }
  | { readonly kind: "pass" }
  | { readonly kind: "deny" };

const CHECKED: Readonly<Record<string, Feature>> = {
  "tools/call": "tool",
  "prompts/get": "prompt",
  "resources/read": "resource",
  "resources/subscribe": "resource",
  "resources/unsubscribe": "resource",
};

/** List methods and what they list. */
export const LIST_METHODS: Readonly<Record<string, Feature>> = {
  "tools/list": "tool",
  "prompts/list": "prompt",
  "resources/list": "resource",
};

/**
 * Methods that use nothing a policy names. `resources/templates/list` passes unfiltered (as ToolHive): a
 * template names no resource, and reading one is decided on its URI.
 */
const PASSING = new Set([
  "initialize",
  "ping",
  "roots/list",
  "logging/setLevel",
  "completion/complete",
  "resources/templates/list",
  "server/discover",
  "subscriptions/listen",
]);

/** The rule for `method`. */
export function ruleOf(method: string): MethodRule {
  const checked = CHECKED[method];
  if (checked) return { kind: "check", feature: checked };
  const listed = LIST_METHODS[method];
  if (listed) return { kind: "list", feature: listed };
  if (PASSING.has(method) || method.startsWith("notifications/")) return { kind: "pass" };
  return { kind: "deny" };
}

/** The array of items each list answer carries, and the item field that names one. */
const ITEMS: Readonly<Record<Feature, { readonly field: string; readonly key: string }>> = {
  tool: { field: "tools", key: "name" },
  prompt: { field: "prompts", key: "name" },
  resource: { field: "resources", key: "uri" },
};

/** What a response carries, judged by its shape: the list it answers, if any (for streams not tied to a request). */
export function listedFeature(message: Message): Feature | undefined {
  const result = message.result as Record<string, unknown> | undefined;
  if (!result || typeof result !== "object") return undefined;
  for (const feature of ["tool", "prompt", "resource"] as const) {
    if (Array.isArray(result[ITEMS[feature].field])) return feature;
  }
  return undefined;
}

/** The strings whose presence in an answer's text means it may carry a list. */
export const LIST_MENTIONS: readonly string[] = ['"tools"', '"prompts"', '"resources"'];

/**
 * A list answer with only the items `identity` may use (each decided as a call of it, without arguments);
 * an item that names nothing is dropped. Tools' annotations are passed to the authorizer first.
 */
export async function filterList(
  message: Message,
  feature: Feature,
  identity: Identity,
  authorizer: Authorizer,
): Promise<Message> {
  const result = message.result as Record<string, unknown> | undefined;
  const { field, key } = ITEMS[feature];
  const items = result?.[field];
  if (!result || !Array.isArray(items)) return message;
  const verdicts = items.map((item) => {
    const target = item && typeof item === "object" ? (item as Record<string, unknown>)[key] : undefined;
    if (typeof target !== "string") return false;
    if (feature === "tool") {
      authorizer.learnTool?.(target, (item as { annotations?: Record<string, unknown> }).annotations);
    }
    return authorizer.authorize({ identity, feature, target });
  });
  const decided = verdicts.some((v) => typeof v !== "boolean") ? await Promise.all(verdicts) : verdicts as boolean[];
  const kept = items.filter((_, i) => decided[i] === true);
  if (kept.length === items.length) return message;
  return { ...message, result: { ...result, [field]: kept } };
}
