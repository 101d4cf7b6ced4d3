/**
 * `thv client list|status|register|remove|setup`: which MCP clients thv keeps configured, over `lib/clients`.
 * `register` writes an entry for every running workload of the client's groups (`--group`, default `default`)
 * into the client's own config file; from then on the entries follow the workloads as they start and stop.
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
  const paths = statePaths(ctx.env);
  return { env: clientEnv(ctx.env, Deno.build.os), configDir: paths.config, groupsDir: paths.groups };
}

/** The running workloads (with their groups), as entries for a client's file. */
async function runningServers(ctx: CliContext): Promise<ServerEntry[]> {
  const list = await (await openWorkloads(ctx)).list();
  return list.filter((w) => w.state === "running").map((w) => ({ name: w.name, url: w.url, group: w.group }));
}

/** `--group <group>`, repeatable. */
function groupOption(description: string) {
  return new Option("--group <group>", description).argParser((v: string, p: string[] = []) => [...p, v]);
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
    ["CLIENT", "INSTALLED", "REGISTERED", "GROUPS", "SERVERS", "CONFIG"],
    ...statuses.map((s) => [
      s.name,
      s.installed ? "yes" : "no",
      s.registered ? "yes" : "no",
      !s.groups ? "(all)" : s.groups.length ? s.groups.join(",") : "-",
      s.entries.length ? s.entries.join(",") : "-",
      short(s.configPath, home),
    ]),
  ]);
}

/** Registers one client for `groups` and prints what it wrote. */
async function register(
  ctx: CliContext,
  name: string,
  options: { readonly servers: readonly ServerEntry[]; readonly groups?: readonly string[] | undefined },
): Promise<void> {
  const clients = clientsContext(ctx);
  const path = await registerClient(name, {
    ctx: clients,
    servers: options.servers,
    ...(options.groups ? { groups: options.groups } : {}),
  });
  const status = (await clientStatuses(clients)).find((s) => s.name === name)!;
  const groups = status.groups ?? [];
  const servers = options.servers.filter((s) => groups.includes(s.group ?? "default"));
  const what = servers.length ? servers.map((s) => s.name).join(", ") : "no running servers yet";
  const scope = groups.length === 1 && groups[0] === "default" ? "" : ` for ${groups.join(", ")}`;
  ctx.print(`Registered ${name}${scope}: ${short(path, clients.env.home)} (${what})`);
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
  client.command("register").description(
    "add thv's running servers of some groups to a client's config file and keep them in step",
  )
    .argument("<client>", `one of ${CLIENT_NAMES.join(", ")}`)
    .addOption(groupOption("a group whose workloads the client gets (repeatable; default: default)"))
    .action(async (name, opts) => {
      const ctx = context();
      await register(ctx, name, { servers: await runningServers(ctx), groups: opts.group });
    });
  client.command("remove").description(
    "take thv's entries out of a client's config file and stop updating it (or only for some groups)",
  )
    .argument("<client>", `one of ${CLIENT_NAMES.join(", ")}`)
    .addOption(groupOption("only stop giving the client this group's workloads (repeatable; default: every group)"))
    .action(async (name, opts) => {
      const ctx = context();
      const clients = clientsContext(ctx);
      const servers = opts.group ? await runningServers(ctx) : [];
      const path = await removeClient(name, clients, { ...(opts.group ? { groups: opts.group } : {}), servers });
      const scope = opts.group ? ` from ${opts.group.join(", ")}` : "";
      ctx.print(`Removed ${name}${scope}: ${short(path, clients.env.home)}`);
    });
  client.command("setup").description("register every installed client that is not registered yet")
    .addOption(groupOption("a group whose workloads the clients get (repeatable; default: default)"))
    .action(async (opts) => {
      const ctx = context();
      const pending = (await clientStatuses(clientsContext(ctx))).filter((s) => s.installed && !s.registered);
      if (!pending.length) {
        ctx.print("No installed client to register: see thv client status");
        return;
      }
      const servers = await runningServers(ctx);
      for (const s of pending) await register(ctx, s.name, { servers, groups: opts.group });
    });
  return client;
}
