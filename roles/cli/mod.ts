/**
 * The laptop CLI role: flag parsing and output formatting over `lib/`. Each command's module loads only
 * when the command line needs it (see {@linkcode cliCommands}), so `thv --version` or `thv list` does not
 * pay for what `thv run` uses.
 * @module
 */
import { lazyImport } from "../../lib/lazy_import.ts";
import type { CliContext } from "./context.ts";
import type { LazyCommand } from "./lazy_commands.ts";

export type { CliContext } from "./context.ts";
export { addCommandsFor, type LazyCommand } from "./lazy_commands.ts";
export { oneLineParseErrors, UsageError } from "./usage_errors.ts";

/** The CLI's top-level commands, to be added to the `thv` program, in the order `thv --help` lists them. */
export function cliCommands(context: () => CliContext): LazyCommand[] {
  const run = () => load<typeof import("./run.ts")>("./run.ts");
  const list = () => load<typeof import("./list.ts")>("./list.ts");
  const lifecycle = () => load<typeof import("./lifecycle.ts")>("./lifecycle.ts");
  const logs = () => load<typeof import("./logs.ts")>("./logs.ts");
  const exporting = () => load<typeof import("./export.ts")>("./export.ts");
  const registry = () => load<typeof import("./registry.ts")>("./registry.ts");
  const runtime = () => load<typeof import("./runtime_check.ts")>("./runtime_check.ts");
  const proxy = () => load<typeof import("./proxy.ts")>("./proxy.ts");
  const group = () => load<typeof import("./group.ts")>("./group.ts");
  const client = () => load<typeof import("./client.ts")>("./client.ts");
  const secret = () => load<typeof import("./secret.ts")>("./secret.ts");
  return [
    { names: ["run"], build: async () => (await run()).runCommand(context) },
    { names: ["list", "ls"], build: async () => (await list()).listCommand(context) },
    { names: ["start"], build: async () => (await lifecycle()).startCommand(context) },
    { names: ["restart"], build: async () => (await lifecycle()).restartCommand(context) },
    { names: ["stop"], build: async () => (await lifecycle()).stopCommand(context) },
    { names: ["rm"], build: async () => (await lifecycle()).rmCommand(context) },
    { names: ["group"], build: async () => (await group()).groupCommand(context) },
    { names: ["logs"], build: async () => (await logs()).logsCommand(context) },
    { names: ["export"], build: async () => (await exporting()).exportCommand(context) },
    { names: ["registry"], build: async () => (await registry()).registryCommand(context) },
    { names: ["search"], build: async () => (await registry()).searchCommand(context) },
    { names: ["runtime"], build: async () => (await runtime()).runtimeCommand(context) },
    { names: ["proxy"], build: async () => (await proxy()).proxyCommand(context) },
    { names: ["client"], build: async () => (await client()).clientCommand(context) },
    { names: ["secret"], build: async () => (await secret()).secretCommand(context) },
  ];
}

/** A module of this folder, imported when called (not preloaded with thv's start-up graph). */
function load<M>(path: string): Promise<M> {
  return lazyImport<M>(new URL(path, import.meta.url));
}
