import assert from "node:assert/strict";
import { CLIENT_NAMES, clientSpec } from "./clients.ts";
import { BACKUP_SUFFIX } from "./config_file.ts";
import { memberValue } from "./edit.ts";
import {
  addServerToClients,
  type ClientsContext,
  clientStatuses,
  registerClient,
  removeClient,
  removeServerFromClients,
} from "./manage.ts";
import { readRegistered, readRegistrations, registeredPath } from "./registered.ts";
import { GroupStore } from "../groups/mod.ts";
import { CLIENT_FIXTURE, CLIENT_FIXTURES } from "../../tests/harness/client_fixtures.ts";

const SERVER = { name: "fetch-thv", url: "http://127.0.0.1:41234/mcp" };

/** A temporary home whose clients' files are the fixtures, on `os`. */
async function fixtureHome(os: "linux" | "darwin"): Promise<ClientsContext & AsyncDisposable> {
  const home = await Deno.makeTempDir({ prefix: "thv-clients-" });
  const ctx: ClientsContext = { env: { home, os }, configDir: `${home}/.config/toolhive` };
  for (const name of CLIENT_NAMES) {
    const path = clientSpec(name).configPath(ctx.env);
    await Deno.mkdir(path.slice(0, path.lastIndexOf("/")), { recursive: true });
    await Deno.copyFile(new URL(CLIENT_FIXTURE[name], CLIENT_FIXTURES), path);
  }
  return { ...ctx, [Symbol.asyncDispose]: () => Deno.remove(home, { recursive: true }) };
}

/** Asserts `after` is `before` with one contiguous insertion: every byte of `before` is kept, in order. */
function assertOnlyInserted(before: string, after: string): void {
  let prefix = 0;
  while (prefix < before.length && before[prefix] === after[prefix]) prefix++;
  let suffix = 0;
  while (
    suffix < before.length - prefix && before[before.length - 1 - suffix] === after[after.length - 1 - suffix]
  ) suffix++;
  assert.equal(prefix + suffix, before.length, `bytes of the user's file changed near offset ${prefix}`);
}

for (const os of ["linux", "darwin"] as const) {
  Deno.test(`register writes thv's entry into each client's real file on ${os}, keeping every other byte, and remove restores it`, async () => {
    await using home = await fixtureHome(os);
    for (const name of CLIENT_NAMES) {
      const spec = clientSpec(name);
      const path = spec.configPath(home.env);
      const before = await Deno.readTextFile(path);
      assert.equal(await registerClient(name, { ctx: home, servers: [SERVER] }), path);
      const after = await Deno.readTextFile(path);
      assertOnlyInserted(before, after);
      assert.deepEqual(memberValue(after, { key: spec.serversKey, name: SERVER.name }), spec.entry(SERVER), name);
      assert.equal(await Deno.readTextFile(`${path}${BACKUP_SUFFIX}`), before, `${name} backup`);
      await removeClient(name, home);
      assert.equal(await Deno.readTextFile(path), before, `${name}: remove restores the file`);
    }
    assert.deepEqual(await readRegistered(home.configDir), {});
  });
}

Deno.test("each client's entry has the keys that client reads", () => {
  const http = { name: "x", url: "http://127.0.0.1:1/mcp" };
  const sse = { name: "x", url: "http://127.0.0.1:1/sse#x" };
  assert.deepEqual(clientSpec("cursor").entry(http), { url: http.url });
  assert.deepEqual(clientSpec("windsurf").entry(http), { serverUrl: http.url });
  assert.deepEqual(clientSpec("vscode").entry(http), { type: "http", url: http.url });
  assert.deepEqual(clientSpec("vscode").entry(sse), { type: "sse", url: sse.url });
  assert.deepEqual(clientSpec("claude-code").entry(http), { type: "http", url: http.url });
  assert.deepEqual(clientSpec("cline").entry(http), { type: "streamableHttp", url: http.url });
  assert.deepEqual(clientSpec("cline").entry(sse), { type: "sse", url: sse.url });
  assert.deepEqual(clientSpec("claude-desktop").entry(http), { command: "npx", args: ["-y", "mcp-remote", http.url] });
  assert.equal(clientSpec("vscode").serversKey, "servers");
  const linux = { home: "/h", os: "linux" } as const;
  const mac = { home: "/h", os: "darwin" } as const;
  assert.equal(clientSpec("vscode").configPath(linux), "/h/.config/Code/User/mcp.json");
  assert.equal(clientSpec("vscode").configPath({ ...linux, xdgConfigHome: "/x" }), "/x/Code/User/mcp.json");
  assert.equal(clientSpec("vscode").configPath(mac), "/h/Library/Application Support/Code/User/mcp.json");
  assert.equal(
    clientSpec("claude-desktop").configPath(mac),
    "/h/Library/Application Support/Claude/claude_desktop_config.json",
  );
  assert.equal(clientSpec("claude-desktop").configPath(linux), "/h/.config/Claude/claude_desktop_config.json");
  assert.equal(clientSpec("cursor").configPath(mac), "/h/.cursor/mcp.json");
  assert.equal(clientSpec("windsurf").configPath(linux), "/h/.codeium/windsurf/mcp_config.json");
  assert.equal(clientSpec("claude-code").configPath(linux), "/h/.claude.json");
  assert.equal(
    clientSpec("cline").configPath(linux),
    "/h/.config/Code/User/globalStorage/saoudrizwan.claude-dev/settings/cline_mcp_settings.json",
  );
  assert.throws(() => clientSpec("emacs"), /^RangeError: Unknown MCP client "emacs": use one of claude-desktop, /);
});

Deno.test("a malformed config file is refused with its path and left untouched, and the client is not registered", async () => {
  await using home = await fixtureHome("linux");
  const path = clientSpec("cursor").configPath(home.env);
  const bad = await Deno.readTextFile(new URL("malformed.json", CLIENT_FIXTURES));
  await Deno.writeTextFile(path, bad);
  await assert.rejects(
    registerClient("cursor", { ctx: home, servers: [SERVER] }),
    (e: Error) =>
      e.message === `Cannot edit ${path}: CloseBraceExpected at line 6; fix the file (thv left it unchanged)`,
  );
  assert.equal(await Deno.readTextFile(path), bad);
  await assert.rejects(Deno.stat(`${path}${BACKUP_SUFFIX}`), Deno.errors.NotFound);
  assert.deepEqual(await readRegistered(home.configDir), {});
});

Deno.test("entries follow a workload into registered clients only, and out again; the user's entry of the same name stays", async () => {
  await using home = await fixtureHome("linux");
  await registerClient("vscode", { ctx: home, servers: [] });
  await registerClient("windsurf", { ctx: home, servers: [] });
  const cursor = clientSpec("cursor").configPath(home.env);
  const cursorBefore = await Deno.readTextFile(cursor);
  const vscode = clientSpec("vscode").configPath(home.env);
  const windsurf = clientSpec("windsurf").configPath(home.env);
  const vscodeBefore = await Deno.readTextFile(vscode);
  const started = await addServerToClients(SERVER, home);
  assert.deepEqual(started, { changed: [vscode, windsurf], failures: [] });
  assert.equal(await Deno.readTextFile(cursor), cursorBefore, "an unregistered client is not touched");
  assert.deepEqual(await readRegistered(home.configDir), { vscode: [SERVER.name], windsurf: [SERVER.name] });
  // The user's own "memory" server is not thv's: stopping a workload named memory leaves it.
  assert.deepEqual(await removeServerFromClients("memory", home), { changed: [], failures: [] });
  assert.deepEqual(await removeServerFromClients(SERVER.name, home), { changed: [vscode, windsurf], failures: [] });
  assert.equal(await Deno.readTextFile(vscode), vscodeBefore);
  const statuses = await clientStatuses(home);
  assert.deepEqual(statuses.filter((s) => s.registered).map((s) => s.name), ["vscode", "windsurf"]);
  assert.ok(statuses.every((s) => s.installed));
});

Deno.test("a client without a file gets one holding only thv's entry, and remove deletes it again", async () => {
  const home = await Deno.makeTempDir({ prefix: "thv-clients-" });
  try {
    const ctx: ClientsContext = { env: { home, os: "linux" }, configDir: `${home}/.config/toolhive` };
    const path = await registerClient("cursor", { ctx, servers: [SERVER] });
    assert.deepEqual(JSON.parse(await Deno.readTextFile(path)), { mcpServers: { [SERVER.name]: { url: SERVER.url } } });
    assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
    await removeClient("cursor", ctx);
    await assert.rejects(Deno.stat(path), Deno.errors.NotFound);
    await assert.rejects(Deno.stat(`${path}${BACKUP_SUFFIX}`), Deno.errors.NotFound);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

Deno.test("a servers key thv added to a file without one is taken out again by remove", async () => {
  await using home = await fixtureHome("linux");
  const path = clientSpec("windsurf").configPath(home.env);
  const before = '{\n  "theme": "light" // mine\n}\n';
  await Deno.writeTextFile(path, before);
  await registerClient("windsurf", { ctx: home, servers: [SERVER] });
  assert.match(await Deno.readTextFile(path), /"mcpServers": \{\n {4}"fetch-thv": \{\n {6}"serverUrl"/);
  await removeClient("windsurf", home);
  assert.equal(await Deno.readTextFile(path), before);
});

Deno.test("workloads starting at once all reach a registered client's file (edits never interleave)", async () => {
  await using home = await fixtureHome("linux");
  await registerClient("cursor", { ctx: home, servers: [] });
  const names = Array.from({ length: 8 }, (_, i) => `w${i}`);
  await Promise.all(names.map((name) => addServerToClients({ name, url: `http://127.0.0.1:1/${name}/mcp` }, home)));
  const text = await Deno.readTextFile(clientSpec("cursor").configPath(home.env));
  for (const name of names) assert.ok(memberValue(text, { key: "mcpServers", name }), name);
  assert.deepEqual(await readRegistered(home.configDir), { cursor: names });
});

Deno.test("a workload named like one of the user's own servers never replaces it: that client is skipped with a line", async () => {
  await using home = await fixtureHome("linux");
  await registerClient("vscode", { ctx: home, servers: [] });
  await registerClient("cursor", { ctx: home, servers: [] });
  const vscode = clientSpec("vscode").configPath(home.env);
  const before = await Deno.readTextFile(vscode);
  const memory = { name: "memory", url: "http://127.0.0.1:1/mcp" };
  const result = await addServerToClients(memory, home);
  assert.deepEqual(result.failures, [
    `VS Code (Copilot): Cannot add memory to ${vscode}: it has a server of that name thv did not write; ` +
    "rename the workload (thv run --name) or that entry",
  ]);
  assert.equal(await Deno.readTextFile(vscode), before);
  assert.deepEqual(await readRegistered(home.configDir), { vscode: [], cursor: ["memory"] });
  await assert.rejects(registerClient("vscode", { ctx: home, servers: [memory] }), /Cannot add memory to /);
  assert.equal(await Deno.readTextFile(vscode), before);
});

/** `fixtureHome` with the group files' folder, and groups `dev` and `ops`. */
async function homeWithGroups() {
  const home = await fixtureHome("linux");
  const groupsDir = `${home.env.home}/.local/state/toolhive/groups`;
  const store = new GroupStore(groupsDir);
  await store.create("dev");
  await store.create("ops");
  return { ...home, groupsDir, store };
}

Deno.test("a client registered for groups gets only their workloads, as they start and stop; ToolHive's group files name it", async () => {
  await using home = await homeWithGroups();
  const path = clientSpec("cursor").configPath(home.env);
  const before = await Deno.readTextFile(path);
  const dev = { name: "dev-one", url: "http://127.0.0.1:2/mcp", group: "dev" };
  const plain = { name: "plain", url: "http://127.0.0.1:3/mcp" }; // no group: default
  await registerClient("cursor", { ctx: home, servers: [dev, plain], groups: ["dev"] });
  const entries = async () => {
    const text = await Deno.readTextFile(path);
    return ["dev-one", "plain", "ops-one"].filter((name) => memberValue(text, { key: "mcpServers", name }));
  };
  assert.deepEqual(await entries(), ["dev-one"]);
  assert.deepEqual((await home.store.get("dev")).registered_clients, ["cursor"]);
  assert.deepEqual((await home.store.get("default")).registered_clients, []);
  const ops = { name: "ops-one", url: "http://127.0.0.1:4/mcp", group: "ops" };
  assert.deepEqual(await addServerToClients(ops, home), { changed: [], failures: [] });
  assert.deepEqual(await entries(), ["dev-one"]);

  // Registering again adds groups; status shows them.
  await registerClient("cursor", { ctx: home, servers: [dev, plain, ops], groups: ["ops"] });
  assert.deepEqual(await entries(), ["dev-one", "ops-one"]);
  const status = (await clientStatuses(home)).find((s) => s.name === "cursor")!;
  assert.deepEqual([status.groups, status.entries], [["dev", "ops"], ["dev-one", "ops-one"]]);
  assert.deepEqual((await clientStatuses(home)).find((s) => s.name === "vscode")!.groups, []);

  // Removing one group takes its workloads' entries out and keeps the client for the others.
  await removeClient("cursor", home, { groups: ["dev"], servers: [dev, plain, ops] });
  assert.deepEqual(await entries(), ["ops-one"]);
  assert.deepEqual((await home.store.get("dev")).registered_clients, []);
  assert.deepEqual((await home.store.get("ops")).registered_clients, ["cursor"]);
  assert.deepEqual((await readRegistrations(home.configDir)).groups, { cursor: ["ops"] });
  // The last group: the client is unregistered and its file is the user's again.
  await removeClient("cursor", home, { groups: ["ops"], servers: [dev, plain, ops] });
  assert.equal(await Deno.readTextFile(path), before);
  assert.deepEqual(await readRegistrations(home.configDir), { registered: {}, groups: {} });
  assert.deepEqual((await home.store.get("ops")).registered_clients, []);
});

Deno.test("register and remove refuse an unknown group with one line naming it, before any file changes", async () => {
  await using home = await homeWithGroups();
  const path = clientSpec("cursor").configPath(home.env);
  const before = await Deno.readTextFile(path);
  const says = /^NotFoundError: No group named nope: create it with thv group create nope \(see thv group list\)$/;
  await assert.rejects(registerClient("cursor", { ctx: home, servers: [SERVER], groups: ["dev", "nope"] }), says);
  assert.equal(await Deno.readTextFile(path), before);
  assert.deepEqual(await readRegistered(home.configDir), {});
  assert.deepEqual((await home.store.get("dev")).registered_clients, []);
  await registerClient("cursor", { ctx: home, servers: [] });
  await assert.rejects(removeClient("cursor", home, { groups: ["nope"] }), says);
  assert.deepEqual(await readRegistered(home.configDir), { cursor: [] });
});

Deno.test("a clients.json from before groups still loads: its clients get every group until registered for some", async () => {
  await using home = await homeWithGroups();
  await Deno.mkdir(home.configDir, { recursive: true });
  await Deno.writeTextFile(registeredPath(home.configDir), JSON.stringify({ registered: { cursor: [] } }));
  const ops = { name: "ops-one", url: "http://127.0.0.1:4/mcp", group: "ops" };
  const path = clientSpec("cursor").configPath(home.env);
  assert.deepEqual(await addServerToClients(ops, home), { changed: [path], failures: [] });
  const status = (await clientStatuses(home)).find((s) => s.name === "cursor")!;
  assert.equal(status.groups, undefined, "every group");
  await assert.rejects(
    removeClient("cursor", home, { groups: ["ops"] }),
    /^RangeError: Cannot remove cursor from group ops: it gets every group's workloads \(registered before groups\); /,
  );
  // Registering it for a group makes it follow that group only: the other groups' entries go.
  await registerClient("cursor", { ctx: home, servers: [ops], groups: ["dev"] });
  assert.equal(memberValue(await Deno.readTextFile(path), { key: "mcpServers", name: "ops-one" }), undefined);
  assert.deepEqual(await readRegistrations(home.configDir), {
    registered: { cursor: [] },
    groups: { cursor: ["dev"] },
  });
});
