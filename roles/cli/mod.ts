/**
 * The laptop CLI role: flag parsing and output formatting over `lib/`.
 * @module
 */
import type { CommandUnknownOpts } from "@commander-js/extra-typings";
import type { CliContext } from "./context.ts";
import { exportCommand } from "./export.ts";
import { restartCommand, rmCommand, startCommand, stopCommand } from "./lifecycle.ts";
import { listCommand } from "./list.ts";
import { logsCommand } from "./logs.ts";
import { proxyCommand } from "./proxy.ts";
import { registryCommand, searchCommand } from "./registry.ts";
import { runCommand } from "./run.ts";
import { runtimeCommand } from "./runtime_check.ts";

export type { CliContext } from "./context.ts";
export { oneLineParseErrors, UsageError } from "./usage_errors.ts";

/** The CLI's top-level commands, to be added to the `thv` program. */
export function cliCommands(context: () => CliContext): CommandUnknownOpts[] {
  return [
    runCommand(context),
    listCommand(context),
    startCommand(context),
    restartCommand(context),
    stopCommand(context),
    rmCommand(context),
    logsCommand(context),
    exportCommand(context),
    registryCommand(context),
    searchCommand(context),
    runtimeCommand(context),
    proxyCommand(context),
  ];
}
