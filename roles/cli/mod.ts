/**
 * The laptop CLI role: flag parsing and output formatting over `lib/`.
 * @module
 */
import type { Command } from "@commander-js/extra-typings";
import type { CliContext } from "./context.ts";
import { proxyCommand } from "./proxy.ts";
import { runtimeCommand } from "./runtime_check.ts";

export type { CliContext } from "./context.ts";

/** The CLI's top-level commands, to be added to the `thv` program. */
export function cliCommands(context: () => CliContext): Command[] {
  return [runtimeCommand(context), proxyCommand(context)];
}
