/**
 * `thv group create|list|rm`: groups of workloads, as ToolHive's. `rm` of a group that holds workloads asks
 * first (y/N on standard input): they move to the `default` group, or with `--with-workloads` are removed.
 * @module
 */
import { Command, type CommandUnknownOpts, Option } from "@commander-js/extra-typings";
import type { CliContext } from "./context.ts";
import { openWorkloads } from "./workloads.ts";

/** The first line of standard input, or undefined at its end. */
async function readAnswer(): Promise<string | undefined> {
  const reader = Deno.stdin.readable.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  try {
    while (!text.includes("\n")) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
    }
  } finally {
    reader.releaseLock();
  }
  return text === "" ? undefined : text.split("\n")[0]!;
}

/** Builds the `group` command and its subcommands. */
export function groupCommand(context: () => CliContext): CommandUnknownOpts {
  const group = new Command("group").description("manage groups of workloads (every workload is in one; default)");
  group.command("create")
    .description("create an empty group (thv run --group <name> puts workloads in it)")
    .argument("<name>", "group name: lowercase letters, digits, '-', '_'")
    .action(async (name) => {
      const ctx = context();
      await (await openWorkloads(ctx)).groups.create(name);
      ctx.print(`Group ${name} created`);
    });
  group.command("list")
    .alias("ls")
    .description("list the groups")
    .addOption(new Option("--format <format>", "output format").choices(["text", "json"] as const).default("text"))
    .action(async (opts) => {
      const ctx = context();
      const groups = await (await openWorkloads(ctx)).groups.list();
      if (opts.format === "json") ctx.print(JSON.stringify(groups));
      else ["NAME", ...groups.map((g) => g.name)].forEach((line) => ctx.print(line));
    });
  group.command("rm")
    .description("remove a group; its workloads move to the default group (asks first)")
    .argument("<name>", "group name (see thv group list)")
    .option("--with-workloads", "remove the group's workloads too")
    .action(async (name, opts) => {
      const ctx = context();
      const workloads = await openWorkloads(ctx);
      const withWorkloads = opts.withWorkloads ?? false;
      if (name === "default") await workloads.groups.remove(name); // refused, saying why
      const members = await workloads.groups.members(name);
      if (members.length) {
        const fate = withWorkloads ? "be REMOVED" : "move to the default group";
        console.error(`thv: warning: removing group ${name}: ${members.length} workload(s) will ${fate}:`);
        for (const member of members) console.error(`  - ${member}`);
        console.error("Continue? [y/N]");
        const answer = (await readAnswer())?.trim().toLowerCase();
        if (answer !== "y" && answer !== "yes") {
          throw new Error(
            `Group ${name} not removed: answer y to remove it${
              answer === undefined ? " (standard input gave no answer)" : ""
            }`,
          );
        }
      }
      const done = await workloads.groups.remove(name, { withWorkloads });
      for (const moved of done.moved) ctx.print(`Moved ${moved} to group default`);
      for (const removed of done.removed) ctx.print(`Removed ${removed}`);
      ctx.print(`Group ${name} removed`);
    });
  return group;
}
