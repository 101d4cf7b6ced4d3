/**
 * `thv export <name> [--format json|k8s]`: a workload's RunConfig, or the MCPServer manifest that runs the
 * same server under the operator.
 * @module
 */
import { Command, type CommandUnknownOpts, Option } from "@commander-js/extra-typings";
import type { CliContext } from "./context.ts";
import { openWorkloads } from "./workloads.ts";

/** Builds the `export` command. */
export function exportCommand(context: () => CliContext): CommandUnknownOpts {
  return new Command("export")
    .description("print a workload's RunConfig (json) or an MCPServer manifest for the operator (k8s)")
    .argument("<name>", "workload name")
    .addOption(new Option("--format <format>", "output format").choices(["json", "k8s"] as const).default("json"))
    .action(async (name, opts) => {
      const ctx = context();
      const text = await (await openWorkloads(ctx)).export(name, { format: opts.format });
      await Deno.stdout.write(new TextEncoder().encode(text));
    });
}
