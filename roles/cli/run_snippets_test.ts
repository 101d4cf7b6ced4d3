import assert from "node:assert/strict";
import { snippetLines } from "./run_snippets.ts";

const CURSOR = {
  name: "cursor",
  displayName: "Cursor",
  configPath: "/h/.cursor/mcp.json",
  snippet: { mcpServers: { probe: { url: "http://127.0.0.1:5/mcp" } } },
} as const;

Deno.test("snippetLines shows each client's JSON under its file and one hint, naming a group other than default", () => {
  assert.deepEqual(snippetLines([], { name: "probe", group: "default", home: "/h" }), []);
  assert.deepEqual(snippetLines([CURSOR], { name: "probe", group: "default", home: "/h" }), [
    "thv: to use probe from the MCP clients on this machine, add to their config file:",
    "Cursor (~/.cursor/mcp.json):",
    JSON.stringify(CURSOR.snippet, null, 2),
    "thv: or let thv keep them in step: thv client setup (every installed client), or thv client register <client>",
  ]);
  assert.equal(
    snippetLines([CURSOR], { name: "probe", group: "my team", home: "/h" }).at(-1),
    "thv: or let thv keep them in step: thv client setup --group 'my team' (every installed client), " +
      "or thv client register <client> --group 'my team'",
  );
});
