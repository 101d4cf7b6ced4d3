/**
 * `thv client list|status|register|remove|setup`: which MCP clients thv keeps configured, over `lib/clients`.
 * `register` writes an entry for every running workload into the client's own config file; from then on the
 * entries follow the workloads as they start and stop.
 * @module
 */
import { Command, type CommandUnknownOpts, Option } from "@commander-js/extra-typings";
import {
  CLIENT_NAMES,
  clientEnv,
  type ClientsContext,
  type ClientStatus,
  clientStatuses,
  registerClient,
  removeClient,
  type ServerEntry,
} from "../../lib/clients/mod.ts";
import { statePaths } from "../../lib/state/mod.ts";
import type { CliContext } from "./context.ts";
import { openWorkloads } from "./workloads.ts";

/** The clients context of a command: the user's folders from the environment read at start. */
export function clientsContext(ctx: CliContext): ClientsContext {
  return { env: clientEnv(ctx.env, Deno.build.os), configDir: statePaths(ctx.env).config };
}

/** The running workloads, as entries for a client's file. */
async function runningServers(ctx: CliContext): Promise<ServerEntry[]> {
  const list = await (await openWorkloads(ctx)).list();
  return list.filter((w) => w.state === "running").map((w) => ({ name: w.name, url: w.url }));
}

/** `~/…` for paths under the home folder, for shorter lines. */
function short(path: string, home: string): string {
  return path.startsWith(`${home}/`) ? `~${path.slice(home.length)}` : path;
}

/** Rows of an aligned table. */
function table(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join("  ").trimEnd());
}

/** The status table: one line per client. */
function statusLines(statuses: readonly ClientStatus[], home: string): string[] {
  return table([
    ["CLIENT", "INSTALLED", "REGISTERED", "SERVERS", "CONFIG"],
    ...statuses.map((s) => [
      s.name,
      s.installed ? "yes" : "no",
      s.registered ? "yes" : "no",
      s.entries.length ? s.entries.join(",") : "-",
      short(s.configPath, home),
    ]),
  ]);
}

/** Registers one client and prints what it wrote. */
async function register(ctx: CliContext, name: string, servers: readonly ServerEntry[]): Promise<void> {
  const clients = clientsContext(ctx);
  const path = await registerClient(name, { ctx: clients, servers });
  const what = servers.length ? servers.map((s) => s.name).join(", ") : "no running servers yet";
  ctx.print(`Registered ${name}: ${short(path, clients.env.home)} (${what})`);
}

/** Builds the `client` command. */
export function clientCommand(context: () => CliContext): CommandUnknownOpts {
  const format = () =>
    new Option("--format <format>", "output format").choices(["text", "json"] as const).default("text");
  const client = new Command("client").description(
    `configure MCP clients (${CLIENT_NAMES.join(", ")}) to use thv's servers`,
  );
  const show = async (opts: { format: "text" | "json" }) => {
    const ctx = context();
    const clients = clientsContext(ctx);
    const statuses = await clientStatuses(clients);
    if (opts.format === "json") ctx.print(JSON.stringify(statuses));
    else statusLines(statuses, clients.env.home).forEach((line) => ctx.print(line));
  };
  client.command("list").description("list the clients thv can configure and which are registered")
    .addOption(format()).action(show);
  client.command("status").description("show each client's config file, whether it is installed and registered")
    .addOption(format()).action(show);
  client.command("register").description("add thv's running servers to a client's config file and keep them in step")
    .argument("<client>", `one of ${CLIENT_NAMES.join(", ")}`)
    .action(async (name) => {
      const ctx = context();
      await register(ctx, name, await runningServers(ctx));
    });
  client.command("remove").description("take thv's entries out of a client's config file and stop updating it")
    .argument("<client>", `one of ${CLIENT_NAMES.join(", ")}`)
    .action(async (name) => {
      const ctx = context();
      const clients = clientsContext(ctx);
      const path = await removeClient(name, clients);
      ctx.print(`Removed ${name}: ${short(path, clients.env.home)}`);
    });
  client.command("setup").description("register every installed client that is not registered yet")
    .action(async () => {
      const ctx = context();
      const pending = (await clientStatuses(clientsContext(ctx))).filter((s) => s.installed && !s.registered);
      if (!pending.length) {
        ctx.print("No installed client to register: see thv client status");
        return;
      }
      const servers = await runningServers(ctx);
      for (const s of pending) await register(ctx, s.name, servers);
    });
  return client;
}
