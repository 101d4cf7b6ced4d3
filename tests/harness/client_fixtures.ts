/** The MCP clients' config files as users wrote them (tests/fixtures/clients/), one per client. */
import type { ClientName } from "../../lib/clients/mod.ts";

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
