import assert from "node:assert/strict";
import { clientSpec, type ServerEntry } from "./clients.ts";
import { registerClient } from "./manage.ts";
import { clientSnippets } from "./snippet.ts";
import { GroupStore } from "../groups/mod.ts";

Deno.test("the snippet covers each installed client in its own format, except those registered for the workload's group", async () => {
  const home = await Deno.makeTempDir({ prefix: "thv-snippet-" });
  try {
    const ctx = {
      env: { home, os: "linux" as const },
      configDir: `${home}/.config/toolhive`,
      groupsDir: `${home}/.local/state/toolhive/groups`,
    };
    const server = { name: "probe", url: "http://127.0.0.1:5/mcp" };
    assert.deepEqual(await clientSnippets(server, ctx), [], "no client installed");
    await Deno.mkdir(`${home}/.cursor`);
    await Deno.mkdir(`${home}/.codeium/windsurf`, { recursive: true });
    await Deno.mkdir(`${home}/.config/Code/User`, { recursive: true });
    const names = async (s: ServerEntry = server) => (await clientSnippets(s, ctx)).map((c) => c.name);
    assert.deepEqual(await names(), ["cursor", "vscode", "windsurf"]);
    const [cursor, vscode] = await clientSnippets(server, ctx);
    assert.deepEqual(cursor!.snippet, { mcpServers: { probe: { url: server.url } } });
    assert.equal(cursor!.configPath, clientSpec("cursor").configPath(ctx.env));
    assert.deepEqual(vscode!.snippet, { servers: { probe: { type: "http", url: server.url } } });
    // Cursor registered for default already gets the workload; for another group, it does not.
    await new GroupStore(ctx.groupsDir).create("dev");
    await registerClient("cursor", { ctx, servers: [] });
    assert.deepEqual(await names(), ["vscode", "windsurf"]);
    assert.deepEqual(await names({ ...server, group: "dev" }), ["cursor", "vscode", "windsurf"]);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});
