/**
 * The command-line arguments a registry server starts with.
 * @module
 */
import type { RegistryEntry } from "./entry.ts";

/**
 * The arguments a server starts with: the user's when given (they replace the registry's defaults, as in
 * ToolHive), else the defaults; throws a RangeError when a required argument has neither.
 */
export function resolveArgs(entry: RegistryEntry, given: readonly string[]): string[] {
  if (given.length > 0) return [...given];
  const missing = entry.argumentSpecs.find((a) => a.required && a.value === undefined);
  if (missing) {
    const shown = missing.type === "named" ? `${missing.name} <value>` : `<${missing.name}>`;
    throw new RangeError(
      `Server ${entry.shortName} needs the argument ${shown}: give it after --, as in thv run ${entry.shortName} -- ${shown}`,
    );
  }
  return [...entry.args];
}
