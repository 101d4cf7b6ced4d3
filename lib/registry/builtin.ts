/**
 * The catalog shipped with thv (`builtin.json`, in the upstream MCP registry format).
 * @module
 */
import catalog from "./builtin.json" with { type: "json" };
import { parseRegistry, type Registry } from "./parse.ts";

/** Where the built-in catalog says it comes from, in messages. */
export const BUILTIN_SOURCE = "built-in";

/** The built-in registry, parsed afresh on each call (it is small: a few milliseconds). */
export function builtinRegistry(): Registry {
  return parseRegistry(catalog, BUILTIN_SOURCE);
}
