/**
 * `thv start`, `thv restart`, `thv stop` and `thv rm`: the lifecycle of saved workloads, named one by one or
 * all those of a group (`--group`).
 * @module
 */
import { Command, type CommandUnknownOpts } from "@commander-js/extra-typings";
import type { Workloads } from "../../lib/workloads/mod.ts";
import type { CliContext } from "./context.ts";
import { openWorkloads } from "./workloads.ts";
import { hasSecretRefs, withSecretsPassword } from "./secrets_password.ts";

const GROUP_FLAG = "-g, --group <group>";

/** The workloads a command acts on: the names given, or those of `--group` (not both, not neither). */
async function targets(
  command: string,
  workloads: Workloads,
  given: { readonly names: readonly string[]; readonly group: string | undefined },
): Promise<readonly string[]> {
  if (given.group !== undefined && given.names.length) {
    throw new RangeError(
      `${command} takes workload names or --group ${given.group}, not both: see thv ${command} --help`,
    );
  }
  if (given.group !== undefined) {
    const members = await workloads.groups.members(given.group);
    if (!members.length) console.error(`thv: group ${given.group} has no workloads: nothing to ${command}`);
    return members;
  }
  if (!given.names.length) {
    throw new RangeError(`${command} needs <names> or --group <group>: see thv ${command} --help`);
  }
  return given.names;
}

/** Builds the `start` command (and, with `--foreground`, the detached proxy itself). */
export function startCommand(context: () => CliContext): CommandUnknownOpts {
  return new Command("start")
    .description("start a stopped workload (or a group's) and print its URL")
    .argument("[name]", "workload name (see thv list -a)")
    .option(GROUP_FLAG, "start every workload in this group")
    .option("-f, --foreground", "run the proxy in this process until Ctrl-C (what thv run starts detached)")
    .action(async (name, opts) => {
      const ctx = await withSecretsPassword(context(), await hasSecretRefs(context(), name));
      const workloads = await openWorkloads(ctx);
      if (opts.foreground) {
        if (opts.group !== undefined || !name) {
          throw new RangeError("start --foreground needs one <name>: see thv start --help");
        }
        const run = await workloads.start(name, { foreground: ctx.shutdown() });
        ctx.print(run.url);
        await run.finished;
        return;
      }
      const names = await targets("start", workloads, { names: name ? [name] : [], group: opts.group });
      for (const each of names) {
        const started = await workloads.start(each);
        const prefix = opts.group !== undefined ? `${each}: ` : "";
        ctx.print(started.started ? `${prefix}${started.url}` : `${each} is running already: ${started.url}`);
        if (started.warning) console.error(`thv: ${started.warning} ${each}`);
      }
    });
}

/** Builds the `restart` command. */
export function restartCommand(context: () => CliContext): CommandUnknownOpts {
  return new Command("restart")
    .description("stop a workload (or a group's) if it runs, start it again and print its URL")
    .argument("[name]", "workload name")
    .option(GROUP_FLAG, "restart every workload in this group")
    .action(async (name, opts) => {
      const ctx = await withSecretsPassword(context(), await hasSecretRefs(context(), name));
      const workloads = await openWorkloads(ctx);
      const names = await targets("restart", workloads, { names: name ? [name] : [], group: opts.group });
      for (const each of names) {
        const url = (await workloads.restart(each)).url;
        ctx.print(opts.group !== undefined ? `${each}: ${url}` : url);
      }
    });
}

/** Builds the `stop` command. */
export function stopCommand(context: () => CliContext): CommandUnknownOpts {
  return new Command("stop")
    .description("stop a workload's proxy and server; thv start brings it back")
    .argument("[names...]", "workload names")
    .option(GROUP_FLAG, "stop every workload in this group")
    .action(async (names, opts) => {
      const ctx = context();
      const workloads = await openWorkloads(ctx);
      for (const name of await targets("stop", workloads, { names, group: opts.group })) {
        ctx.print(await workloads.stop(name) ? `Stopped ${name}` : `${name} was not running`);
      }
    });
}

/** Builds the `rm` command. */
export function rmCommand(context: () => CliContext): CommandUnknownOpts {
  return new Command("rm")
    .description("stop a workload and delete it: its container, RunConfig, status and logs")
    .argument("[names...]", "workload names")
    .option(GROUP_FLAG, "remove every workload in this group (the group stays: thv group rm removes it)")
    .action(async (names, opts) => {
      const ctx = context();
      const workloads = await openWorkloads(ctx);
      for (const name of await targets("rm", workloads, { names, group: opts.group })) {
        await workloads.remove(name);
        ctx.print(`Removed ${name}`);
      }
    });
}
