/**
 * `thv registry list`, `thv registry info <name>` and `thv search <words...>`: the servers thv knows by
 * name, from the built-in registry.
 * @module
 */
import { Command, type CommandUnknownOpts, Option } from "@commander-js/extra-typings";
import type { CliContext } from "./context.ts";
import { formatServerInfo, formatServerTable } from "./registry_format.ts";

const formatOption = () =>
  new Option("--format <format>", "output format").choices(["text", "json"] as const).default("text" as const);

/** The registry module, loaded when a registry command runs rather than at every start of thv. */
const registryModule = () => import("../../lib/registry/mod.ts");

/** Builds the `registry` command group. */
export function registryCommand(context: () => CliContext): Command {
  const registry = new Command("registry").description("browse the MCP servers thv can run by name");
  registry.command("list")
    .description("list the servers in the registry")
    .addOption(formatOption())
    .action(async (opts) => {
      const { print } = context();
      const { builtinRegistry, displayName } = await registryModule();
      const { entries } = builtinRegistry();
      if (opts.format === "json") print(JSON.stringify(entries, null, 2));
      else formatServerTable(entries, (e) => displayName(e, entries)).forEach((line) => print(line));
    });
  registry.command("info")
    .description("show one server: how it runs, its environment variables, permissions and tools")
    .argument("<name>", "full name (io.github.owner/server) or short name (everything)")
    .addOption(formatOption())
    .action(async (name, opts) => {
      const { print } = context();
      const { builtinRegistry, requireServer } = await registryModule();
      const entry = requireServer(builtinRegistry().entries, name);
      if (opts.format === "json") print(JSON.stringify(entry, null, 2));
      else formatServerInfo(entry).forEach((line) => print(line));
    });
  return registry;
}

/** Builds the `search` command. */
export function searchCommand(context: () => CliContext): CommandUnknownOpts {
  return new Command("search")
    .description("find registry servers by name, description, tag or tool; every word must match")
    .argument("<words...>", "what to look for, e.g. github issues")
    .addOption(formatOption())
    .action(async (words, opts) => {
      const { print } = context();
      const { builtinRegistry, displayName, searchServers } = await registryModule();
      const { entries } = builtinRegistry();
      const query = words.join(" ");
      const found = searchServers(entries, query);
      if (opts.format === "json") print(JSON.stringify(found, null, 2));
      else if (found.length === 0) print(`No servers match ${query}: see thv registry list for all of them`);
      else formatServerTable(found, (e) => displayName(e, entries)).forEach((line) => print(line));
    });
}
