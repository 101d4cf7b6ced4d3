/**
 * After `thv run` prints the URL, standard error shows the MCP clients on this machine how to use the new
 * workload: each detected client's entry in its own file format, then one hint to let thv keep them in step.
 * Clients registered for the workload's group are left out (they already got the entry).
 * @module
 */
import type { ClientSnippet, ServerEntry } from "../../lib/clients/mod.ts";
import type { CliContext } from "./context.ts";
import { clientsContext } from "./client.ts";

/** `~/…` for paths under the home folder, for shorter lines. */
function short(path: string, home: string): string {
  return path.startsWith(`${home}/`) ? `~${path.slice(home.length)}` : path;
}

/** The lines shown for `snippets` of the workload `name` in `group` (none when no client was detected). */
export function snippetLines(
  snippets: readonly ClientSnippet[],
  options: { readonly name: string; readonly group: string; readonly home: string },
): string[] {
  if (!snippets.length) return [];
  const lines = [`thv: to use ${options.name} from the MCP clients on this machine, add to their config file:`];
  for (const s of snippets) {
    lines.push(`${s.displayName} (${short(s.configPath, options.home)}):`, JSON.stringify(s.snippet, null, 2));
  }
  const arg = options.group.includes(" ") ? `'${options.group}'` : options.group;
  const quoted = options.group === "default" ? "" : ` --group ${arg}`;
  lines.push(
    `thv: or let thv keep them in step: thv client setup${quoted} (every installed client), ` +
      `or thv client register <client>${quoted}`,
  );
  return lines;
}

/** Prints the snippets of a started workload to standard error; what fails is a warning, never a failed run. */
export async function printClientSnippets(ctx: CliContext, server: ServerEntry): Promise<void> {
  try {
    const { clientSnippets } = await import("../../lib/clients/mod.ts");
    const clients = clientsContext(ctx);
    const lines = snippetLines(await clientSnippets(server, clients), {
      name: server.name,
      group: server.group ?? "default",
      home: clients.env.home,
    });
    if (lines.length) console.error(lines.join("\n"));
  } catch (error) {
    console.error(`thv: warning: MCP client configuration not shown: ${(error as Error).message}`);
  }
}
