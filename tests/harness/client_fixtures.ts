/** The MCP clients' config files as users wrote them (tests/fixtures/clients/), one per client. */
import { CLIENT_NAMES, type ClientName, clientSpec } from "../../lib/clients/mod.ts";
import { type PrivateHome, privateHome } from "./thv.ts";

/** The folder of the fixtures, with `malformed.json` beside the clients' files. */
export const CLIENT_FIXTURES = new URL("../fixtures/clients/", import.meta.url);

/** Each client's fixture: a file the user wrote, with other entries (and comments where the client allows them). */
export const CLIENT_FIXTURE: Record<ClientName, string> = {
  "claude-desktop": "claude_desktop.json",
  "claude-code": "claude_code.json",
  cursor: "cursor.json",
  vscode: "vscode.json",
  windsurf: "windsurf.json",
  cline: "cline.json",
};

/**
 * A private home (no container engine; sandbox packages cached in `cache`) where every client has its fixture
 * file and Claude Code's folder; returns the files' paths too.
 */
export async function homeWithClients(cache: string): Promise<PrivateHome & { paths: Record<ClientName, string> }> {
  const user = await privateHome({ XDG_CACHE_HOME: cache, TOOLHIVE_RUNTIME: "deno" });
  const paths = {} as Record<ClientName, string>;
  for (const name of CLIENT_NAMES) {
    const path = clientSpec(name).configPath({ home: user.home, os: "linux" });
    await Deno.mkdir(path.slice(0, path.lastIndexOf("/")), { recursive: true });
    await Deno.copyFile(new URL(CLIENT_FIXTURE[name], CLIENT_FIXTURES), path);
    paths[name] = path;
  }
  await Deno.mkdir(`${user.home}/.claude`); // Claude Code is installed when its folder is there
  return Object.assign(user, { paths });
}
