/**
 * `thv start`, `thv restart`, `thv stop` and `thv rm`: the lifecycle of saved workloads.
 * @module
 */
import { Command, type CommandUnknownOpts } from "@commander-js/extra-typings";
import type { CliContext } from "./context.ts";
import { openWorkloads } from "./workloads.ts";
import { hasSecretRefs, withSecretsPassword } from "./secrets_password.ts";

/** Builds the `start` command (and, with `--foreground`, the detached proxy itself). */
export function startCommand(context: () => CliContext): CommandUnknownOpts {
  return new Command("start")
    .description("start a stopped workload and print its URL")
    .argument("<name>", "workload name (see thv list -a)")
    .option("-f, --foreground", "run the proxy in this process until Ctrl-C (what thv run starts detached)")
    .action(async (name, opts) => {
      const ctx = await withSecretsPassword(context(), await hasSecretRefs(context(), name));
      const workloads = await openWorkloads(ctx);
      if (opts.foreground) {
        const run = await workloads.start(name, { foreground: ctx.shutdown() });
        ctx.print(run.url);
        await run.finished;
        return;
      }
      const started = await workloads.start(name);
      ctx.print(started.started ? started.url : `${name} is running already: ${started.url}`);
      if (started.warning) console.error(`thv: ${started.warning} ${name}`);
    });
}

/** Builds the `restart` command. */
export function restartCommand(context: () => CliContext): CommandUnknownOpts {
  return new Command("restart")
    .description("stop a workload if it runs, start it again and print its URL")
    .argument("<name>", "workload name")
    .action(async (name) => {
      const ctx = await withSecretsPassword(context(), await hasSecretRefs(context(), name));
      const workloads = await openWorkloads(ctx);
      ctx.print((await workloads.restart(name)).url);
    });
}

/** Builds the `stop` command. */
export function stopCommand(context: () => CliContext): CommandUnknownOpts {
  return new Command("stop")
    .description("stop a workload's proxy and server; thv start brings it back")
    .argument("<names...>", "workload names")
    .action(async (names) => {
      const ctx = context();
      const workloads = await openWorkloads(ctx);
      for (const name of names) {
        ctx.print(await workloads.stop(name) ? `Stopped ${name}` : `${name} was not running`);
      }
    });
}

/** Builds the `rm` command. */
export function rmCommand(context: () => CliContext): CommandUnknownOpts {
  return new Command("rm")
    .description("stop a workload and delete it: its container, RunConfig, status and logs")
    .argument("<names...>", "workload names")
    .action(async (names) => {
      const ctx = context();
      const workloads = await openWorkloads(ctx);
      for (const name of names) {
        await workloads.remove(name);
        ctx.print(`Removed ${name}`);
      }
    });
}
