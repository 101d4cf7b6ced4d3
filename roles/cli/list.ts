/**
 * `thv list`: the workloads and their real state (a dead proxy or a missing container is not "running").
 * @module
 */
import { Command, type CommandUnknownOpts, Option } from "@commander-js/extra-typings";
import type { WorkloadSummary } from "../../lib/workloads/mod.ts";
import type { CliContext } from "./context.ts";
import { openWorkloads } from "./workloads.ts";

/** Formats workloads as an aligned table (or one line when there are none). */
function formatWorkloadTable(workloads: readonly WorkloadSummary[], all: boolean, group?: string): string[] {
  if (!workloads.length && group !== undefined) {
    return [
      all
        ? `No workloads in group ${group}: start one with thv run --group ${group} <image>`
        : `No running workloads in group ${group}: see thv list -a --group ${group}`,
    ];
  }
  if (!workloads.length) {
    return [all ? "No workloads: start one with thv run <image>" : "No running workloads: see thv list -a"];
  }
  const rows = [
    ["NAME", "IMAGE", "STATE", "TRANSPORT", "PORT", "GROUP", "URL"],
    ...workloads.map((w) => [
      w.name,
      w.image,
      w.reason ? `${w.state} (${w.reason})` : w.state,
      w.transport,
      String(w.port),
      w.group,
      w.url,
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) =>
    r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join("  ").trimEnd()
  );
}

/** Builds the `list` command. */
export function listCommand(context: () => CliContext): CommandUnknownOpts {
  return new Command("list")
    .alias("ls")
    .description("list workloads and their state (running, unhealthy, error; stopped ones with -a)")
    .option("-a, --all", "include stopped workloads")
    .option("-g, --group <group>", "only the workloads in this group")
    .addOption(new Option("--format <format>", "output format").choices(["text", "json"] as const).default("text"))
    .action(async (opts) => {
      const ctx = context();
      const list = await (await openWorkloads(ctx)).list({
        all: opts.all ?? false,
        ...(opts.group !== undefined ? { group: opts.group } : {}),
      });
      if (opts.format === "json") ctx.print(JSON.stringify(list));
      else formatWorkloadTable(list, opts.all ?? false, opts.group).forEach((line) => ctx.print(line));
    });
}
