/**
 * The registry of MCP servers thv knows by name: the built-in catalog in the upstream MCP registry format
 * (with ToolHive's extras), name lookup, search, and the environment and arguments a server starts with.
 * @example
 * import { builtinRegistry, findServer, resolveEnv } from "./lib/registry/mod.ts";
 * const entry = findServer(builtinRegistry().entries, "github");
 * if (entry) resolveEnv(entry, { GITHUB_PERSONAL_ACCESS_TOKEN: token });
 * @module
 */
export { resolveArgs } from "./args.ts";
export { BUILTIN_SOURCE, builtinRegistry } from "./builtin.ts";
export {
  type ArgumentSpec,
  DEFAULT_PERMISSIONS,
  type EntryKind,
  type EnvVarSpec,
  type Permissions,
  type RegistryEntry,
  shortNameOf,
  type SkippedServer,
} from "./entry.ts";
export { redactEnv, type ResolvedEnv, resolveEnv } from "./env.ts";
export {
  didYouMean,
  displayName,
  findServer,
  requireServer,
  searchServers,
  ServerNotFoundError,
  suggestServerNames,
} from "./lookup.ts";
export { parseRegistry, parseRegistryText, type Registry } from "./parse.ts";
export {
  DEFAULT_PAGE_LIMIT,
  MAX_PAGE_LIMIT,
  OFFICIAL_META,
  upstreamLatest,
  type UpstreamQuery,
  type UpstreamServerList,
  type UpstreamServerResponse,
  upstreamServers,
} from "./upstream_api.ts";
