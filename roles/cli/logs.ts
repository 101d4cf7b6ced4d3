/**
 * `thv logs <name> [-f] [--proxy]`: the server's output, or the proxy's log; `-f` keeps printing what comes.
 * @module
 */
import { Command, type CommandUnknownOpts } from "@commander-js/extra-typings";
import type { CliContext } from "./context.ts";
import { newOutput } from "./log_follow.ts";
import { workloadDeps } from "./workloads.ts";

const FOLLOW_INTERVAL_MS = 300;

/** Builds the `logs` command. */
export function logsCommand(context: () => CliContext): CommandUnknownOpts {
  return new Command("logs")
    .description("print a workload's server output (or its proxy's log with --proxy)")
    .argument("<name>", "workload name")
    .option("-f, --follow", "keep printing new output until Ctrl-C")
    .option("-p, --proxy", "the proxy's log instead of the server's output")
    .action(async (name, opts) => {
      const ctx = context();
      const [workloads, deps] = await Promise.all([import("../../lib/workloads/mod.ts"), workloadDeps(ctx)]);
      const read = () => workloads.workloadLogs(name, deps, { proxy: opts.proxy ?? false });
      const out = new TextEncoder();
      let text = await read();
      await Deno.stdout.write(out.encode(text));
      if (!opts.follow) return;
      const signal = ctx.shutdown();
      while (!signal.aborted) {
        await new Promise((r) => setTimeout(r, FOLLOW_INTERVAL_MS));
        const next = await read().catch(() => text);
        const fresh = newOutput(text, next);
        if (fresh) await Deno.stdout.write(out.encode(fresh));
        text = next;
      }
    });
}
