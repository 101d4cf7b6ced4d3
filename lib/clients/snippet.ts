/**
 * What `thv run` shows for the MCP clients on this machine that will not get the new workload by themselves:
 * each installed client's entry for it, in that client's own file format. A client registered for the
 * workload's group already has it (entries follow workloads), so it is left out.
 * @module
 */
import { type ClientName, CLIENTS, type ServerEntry } from "./clients.ts";
import { type ClientsContext, clientStatuses } from "./manage.ts";
import { followsGroup } from "./registered.ts";
import { DEFAULT_GROUP } from "../groups/mod.ts";

/** One client's configuration for a server: the JSON it would hold in its file. */
export interface ClientSnippet {
  /** Name on the command line. */
  readonly name: ClientName;
  /** Product name. */
  readonly displayName: string;
  /** The client's MCP config file. */
  readonly configPath: string;
  /** The file's JSON with only this server in it (`{"mcpServers": {"<name>": {…}}}`). */
  readonly snippet: Readonly<Record<string, unknown>>;
}

/** The snippet of `server` for each installed client that is not registered for its group. */
export async function clientSnippets(server: ServerEntry, ctx: ClientsContext): Promise<ClientSnippet[]> {
  const statuses = await clientStatuses(ctx);
  const group = server.group ?? DEFAULT_GROUP;
  return statuses
    .filter((s) => s.installed && !(s.registered && followsGroup(s.groups, group)))
    .map((s) => {
      const spec = CLIENTS.find((c) => c.name === s.name)!;
      return {
        name: s.name,
        displayName: s.displayName,
        configPath: s.configPath,
        snippet: { [spec.serversKey]: { [server.name]: spec.entry(server) } },
      };
    });
}
