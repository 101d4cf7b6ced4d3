/**
 * What a member finds when it looks up its MCPGroup in the cache: nothing, a group being deleted, or a group
 * and its phase (`Pending` until its controller first writes the status).
 * @module
 */
import type { InformerCache, KubeObject } from "../../../lib/k8s/mod.ts";
import { MCP_GROUP } from "../kinds.ts";

/** A looked-up MCPGroup. */
export type GroupLookup =
  | { readonly state: "missing" }
  | { readonly state: "deleting" }
  | { readonly state: "found"; readonly phase: string };

/** The MCPGroup `name` in `namespace`, from the cache. */
export function lookupGroup(cache: InformerCache, namespace: string, name: string): GroupLookup {
  const group = cache.get<KubeObject & { status?: { phase?: string } }>(MCP_GROUP, namespace, name);
  if (!group) return { state: "missing" };
  if (group.metadata?.deletionTimestamp !== undefined) return { state: "deleting" };
  return { state: "found", phase: group.status?.phase ?? "Pending" };
}
