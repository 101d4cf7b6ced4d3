/**
 * `thv runtime check`: shows which runtime thv would use and why, and whether its engine answers.
 * @module
 */
import { Command, Option } from "@commander-js/extra-typings";
import { type RuntimeReport, runtimeReport } from "../../lib/runtime/mod.ts";
import type { CliContext } from "./context.ts";

/** Formats a report as aligned `key: value` lines. */
export function formatRuntimeReport(report: RuntimeReport): string[] {
  const rows: Array<[string, string | undefined]> = [
    ["runtime", report.runtime],
    ["engine", "engine" in report ? `${report.engine} ${report.engineVersion ?? ""}`.trim() : undefined],
    ["api", report.apiVersion],
    ["socket", "socketPath" in report ? report.socketPath : undefined],
    ["reason", report.reason],
  ];
  return rows.filter(([, v]) => v !== undefined).map(([k, v]) => `${`${k}:`.padEnd(9)}${v}`);
}

/** Builds the `runtime` command group. */
export function runtimeCommand(context: () => CliContext): Command {
  const runtime = new Command("runtime").description("inspect the runtime thv runs workloads on");
  runtime.command("check")
    .description("show the detected runtime and check that its engine answers")
    .addOption(new Option("--format <format>", "output format").choices(["text", "json"] as const).default("text"))
    .option("--timeout <ms>", "how long to wait for the engine, in milliseconds", "5000")
    .action(async (opts) => {
      const { runtime, print } = context();
      const timeoutMs = Number(opts.timeout);
      if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) {
        throw new RangeError(`--timeout ${opts.timeout} is not a positive whole number of milliseconds`);
      }
      const report = await runtimeReport(runtime(), { timeoutMs });
      if (opts.format === "json") print(JSON.stringify(report));
      else formatRuntimeReport(report).forEach((line) => print(line));
    });
  return runtime;
}
