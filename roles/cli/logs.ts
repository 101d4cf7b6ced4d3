/**
 * `thv logs <name> [-f] [--proxy]`: the server's output, or the proxy's log; `-f` keeps printing what comes.
 * @module
 */
import { Command, type CommandUnknownOpts } from "@commander-js/extra-typings";
import type { CliContext } from "./context.ts";
import { openWorkloads } from "./workloads.ts";

/** Builds the `logs` command. */
export function logsCommand(context: () => CliContext): CommandUnknownOpts {
  return new Command("logs")
    .description("print a workload's server output (or its proxy's log with --proxy)")
    .argument("<name>", "workload name")
    .option("-f, --follow", "keep printing new output until Ctrl-C")
    .option("-p, --proxy", "the proxy's log instead of the server's output")
    .action(async (name, opts) => {
      const ctx = context();
      const workloads = await openWorkloads(ctx);
      const out = new TextEncoder();
      const proxy = opts.proxy ?? false;
      if (!opts.follow) {
        await Deno.stdout.write(out.encode(await workloads.logs(name, { proxy })));
        return;
      }
      for await (const text of workloads.followLogs(name, { proxy, signal: ctx.shutdown() })) {
        await Deno.stdout.write(out.encode(text));
      }
    });
}
