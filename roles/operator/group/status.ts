/**
 * The status of an MCPGroup as a pure function of its members (toolhive-crds.md §1): the sorted names of
 * its MCPServers, MCPRemoteProxies and MCPServerEntries with their counts, phase Ready, and the
 * `MCPServersChecked` condition.
 * @module
 */
import type { McpGroupStatus, WorkloadReference } from "../../../crds/mod.ts";
import { type Condition, setCondition } from "../conditions.ts";

/** The condition type that says the members were found. */
export const MEMBERS_CHECKED = "MCPServersChecked";

/** The status list each member kind is counted in; other kinds (VirtualMCPServer) are not members. */
const BUCKETS: Readonly<Record<string, "servers" | "remoteProxies" | "entries">> = {
  MCPServer: "servers",
  MCPRemoteProxy: "remoteProxies",
  MCPServerEntry: "entries",
};

/** The members' names by status list, each sorted (empty, never absent). */
export function bucketMembers(
  members: readonly WorkloadReference[],
): { servers: string[]; remoteProxies: string[]; entries: string[] } {
  const out = { servers: [] as string[], remoteProxies: [] as string[], entries: [] as string[] };
  for (const m of members) {
    const bucket = BUCKETS[m.kind];
    if (bucket) out[bucket].push(m.name);
  }
  for (const list of Object.values(out)) list.sort();
  return out;
}

/** The status of a group whose members are `members`; conditions keep their transition times. */
export function groupStatus(
  object: { readonly metadata: { readonly generation?: number }; readonly status?: McpGroupStatus },
  members: readonly WorkloadReference[],
  now: Date,
): McpGroupStatus {
  const generation = object.metadata.generation ?? 0;
  const { servers, remoteProxies, entries } = bucketMembers(members);
  const conditions = setCondition((object.status?.conditions ?? []) as Condition[], {
    type: MEMBERS_CHECKED,
    status: "True",
    reason: "ListMCPServersCheckSucceeded",
    message: "Successfully listed MCPServers, MCPRemoteProxies, and MCPServerEntries in namespace",
    observedGeneration: generation,
  }, now);
  return {
    observedGeneration: generation,
    phase: "Ready",
    servers,
    serverCount: servers.length,
    remoteProxies,
    remoteProxyCount: remoteProxies.length,
    entries,
    entryCount: entries.length,
    conditions,
  };
}
