/**
 * Searching the registry's servers: every word must appear in the short name, the last part of the full name
 * (not its namespace: `io.github.` is in nearly every name), the title, description, tags or tools.
 * @module
 */
import type { RegistryServer } from "./types.ts";

/** The servers of `servers` that match `query` (all of them for an empty query), in their order. */
export function searchServers(servers: readonly RegistryServer[], query: string): RegistryServer[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  return servers.filter((s) => {
    const text = [
      s.name.slice(s.name.lastIndexOf("/") + 1),
      s.short_name,
      s.title ?? "",
      s.description,
      ...s.tags,
      ...s.tools,
    ].join(" ").toLowerCase();
    return words.every((w) => text.includes(w));
  });
}
