/**
 * `thv client` as a user runs it, in a private home whose MCP clients already have config files with their own
 * entries and comments: status, register, remove, one-line errors for an unknown client and a malformed file
 * (left as it was), and entries that follow a real workload (the Deno sandbox, no engine) as it starts and stops.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { CLIENT_NAMES, type ClientName, clientSpec, memberValue } from "../lib/clients/mod.ts";
import { privateHome, runThv } from "./harness/mod.ts";
import { CLIENT_FIXTURE, CLIENT_FIXTURES, homeWithClients } from "./harness/client_fixtures.ts";

/** Packages fetched for the sandbox are kept across runs here, as a user's cache would be. */
const CACHE = `${Deno.env.get("HOME")}/.cache/thv/test-xdg-cache`;
const PROBE = `npx://${fileURLToPath(new URL("./fixtures/sandbox_probe", import.meta.url))}`;

async function ok(args: string[], env: Record<string, string>): Promise<string> {
  const res = await runThv(args, env);
  assert.equal(res.code, 0, `thv ${args.join(" ")}: ${res.stderr}`);
  return res.stdout;
}

Deno.test("thv client status, register and remove; an unknown client and a malformed file get one line", async () => {
  if (Deno.build.os !== "linux") return; // the fixture paths are Linux's
  await using user = await homeWithClients(CACHE);
  const { env, paths } = user;
  const statuses = JSON.parse(await ok(["client", "status", "--format", "json"], env));
  assert.deepEqual(statuses.map((s: { name: string }) => s.name), [...CLIENT_NAMES]);
  assert.ok(statuses.every((s: { installed: boolean; registered: boolean }) => s.installed && !s.registered));
  const before = await Deno.readTextFile(paths.cursor);
  assert.equal(
    await ok(["client", "register", "cursor"], env),
    "Registered cursor: ~/.cursor/mcp.json (no running servers yet)\n",
  );
  assert.match(await ok(["client", "list"], env), /\ncursor +yes +yes +default +- +~\/\.cursor\/mcp\.json\n/);
  assert.equal(await ok(["client", "remove", "cursor"], env), "Removed cursor: ~/.cursor/mcp.json\n");
  assert.equal(await Deno.readTextFile(paths.cursor), before);

  // setup registers every installed client; with no workload running, no file changes yet.
  const setup = (await ok(["client", "setup"], env)).trimEnd().split("\n");
  assert.deepEqual(setup.map((line) => line.split(":")[0]), CLIENT_NAMES.map((n) => `Registered ${n}`));
  assert.match(await ok(["client", "setup"], env), /^No installed client to register/);
  for (const name of CLIENT_NAMES) {
    assert.equal(
      await Deno.readTextFile(paths[name]),
      await Deno.readTextFile(new URL(CLIENT_FIXTURE[name], CLIENT_FIXTURES)),
    );
  }

  const unknown = await runThv(["client", "register", "emacs"], env);
  assert.equal(unknown.code, 1);
  assert.equal(
    unknown.stderr,
    `thv: Unknown MCP client "emacs": use one of ${CLIENT_NAMES.join(", ")}\n`,
  );
  const bad = await Deno.readTextFile(new URL("malformed.json", CLIENT_FIXTURES));
  await Deno.writeTextFile(paths.vscode, bad);
  const refused = await runThv(["client", "register", "vscode"], env);
  assert.equal(refused.code, 1);
  assert.equal(
    refused.stderr,
    `thv: Cannot edit ${paths.vscode}: CloseBraceExpected at line 6; fix the file (thv left it unchanged)\n`,
  );
  assert.equal(await Deno.readTextFile(paths.vscode), bad);
});

Deno.test("a registered client's file follows a workload: its entry comes with thv run, goes with stop and rm", async () => {
  if (Deno.build.os !== "linux") return;
  await using user = await homeWithClients(CACHE);
  const { env, paths } = user;
  const original = {
    cursor: await Deno.readTextFile(paths.cursor),
    vscode: await Deno.readTextFile(paths.vscode),
    windsurf: await Deno.readTextFile(paths.windsurf),
  };
  await ok(["client", "register", "cursor"], env);
  await ok(["client", "register", "vscode"], env);
  const entry = async (client: ClientName) =>
    memberValue(await Deno.readTextFile(paths[client]), { key: clientSpec(client).serversKey, name: "probe" });
  try {
    const url = (await ok(["run", "--name", "probe", "--permission-profile", "none", PROBE], env)).trim();
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    assert.deepEqual(await entry("cursor"), { url });
    assert.deepEqual(await entry("vscode"), { type: "http", url });
    assert.equal(await Deno.readTextFile(paths.windsurf), original.windsurf, "an unregistered client is not touched");

    await ok(["stop", "probe"], env);
    assert.equal(await Deno.readTextFile(paths.cursor), original.cursor);
    assert.equal(await Deno.readTextFile(paths.vscode), original.vscode);

    assert.equal((await ok(["start", "probe"], env)).trim(), url);
    assert.deepEqual(await entry("cursor"), { url });
    // A client registered while the workload runs gets it at once.
    assert.match(await ok(["client", "register", "windsurf"], env), /\(probe\)\n$/);
    assert.deepEqual(await entry("windsurf"), { serverUrl: url });
    assert.equal(await ok(["client", "remove", "cursor"], env), "Removed cursor: ~/.cursor/mcp.json\n");
    assert.equal(await Deno.readTextFile(paths.cursor), original.cursor);

    // A client file broken meanwhile is left alone and named in a warning; the others are still done.
    const bad = await Deno.readTextFile(new URL("malformed.json", CLIENT_FIXTURES));
    await Deno.writeTextFile(paths.windsurf, bad);
    const removed = await runThv(["rm", "probe"], env);
    assert.equal(removed.code, 0, removed.stderr);
    assert.equal(
      removed.stderr,
      `thv: warning: MCP client not updated: Windsurf: Cannot edit ${paths.windsurf}: CloseBraceExpected at line 6; ` +
        "fix the file (thv left it unchanged)\n",
    );
    assert.equal(await Deno.readTextFile(paths.vscode), original.vscode);
    assert.equal(await Deno.readTextFile(paths.windsurf), bad);
    assert.equal(await Deno.readTextFile(paths.cursor), original.cursor, "a removed client is no longer changed");
  } finally {
    await runThv(["rm", "probe"], env);
  }
});

Deno.test("thv run shows the detected clients' snippet on stderr, leaving out those registered for its group; --group scopes registration", async () => {
  if (Deno.build.os !== "linux") return;
  await using user = await homeWithClients(CACHE);
  const { env, paths } = user;
  const original = await Deno.readTextFile(paths.cursor);
  await ok(["group", "create", "dev"], env);
  assert.equal(
    await ok(["client", "register", "cursor", "--group", "dev"], env),
    "Registered cursor for dev: ~/.cursor/mcp.json (no running servers yet)\n",
  );
  const unknown = await runThv(["client", "register", "cursor", "--group", "nope"], env);
  assert.deepEqual(
    [unknown.code, unknown.stderr],
    [1, "thv: No group named nope: create it with thv group create nope (see thv group list)\n"],
  );
  const run = async (args: string[]) => {
    const res = await runThv(["run", "--permission-profile", "none", ...args, PROBE], env);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /^http:\/\/127\.0\.0\.1:\d+\/mcp\n$/, "stdout is the URL line only");
    return { url: res.stdout.trim(), stderr: res.stderr };
  };
  /** The clients a snippet was shown for, by the lines naming their files. */
  const shown = (stderr: string) => [...stderr.matchAll(/^(.+) \(~\/.+\):$/gm)].map((m) => m[1]);
  try {
    // probe is in default: every client gets a snippet, cursor too (it follows dev only), then one hint.
    const first = await run(["--name", "probe"]);
    assert.deepEqual(shown(first.stderr), CLIENT_NAMES.map((n) => clientSpec(n).displayName));
    assert.ok(
      first.stderr.includes(
        `Cursor (~/.cursor/mcp.json):\n${JSON.stringify({ mcpServers: { probe: { url: first.url } } }, null, 2)}\n`,
      ),
      first.stderr,
    );
    assert.equal(first.stderr.match(/thv client setup/g)?.length, 1, "the hint once");
    assert.match(first.stderr, /\nthv: or let thv keep them in step: thv client setup \(every installed client\), /);
    assert.equal(await Deno.readTextFile(paths.cursor), original, "cursor does not get default's workloads");

    // vscode registered for default gets probe; probe2 in dev goes to cursor, and the snippet leaves cursor out.
    assert.match(await ok(["client", "register", "vscode"], env), /^Registered vscode: .* \(probe\)\n$/);
    const second = await run(["--name", "probe2", "--group", "dev"]);
    assert.deepEqual(
      shown(second.stderr),
      CLIENT_NAMES.filter((n) => n !== "cursor").map((n) => clientSpec(n).displayName),
    );
    assert.match(
      second.stderr,
      /thv client setup --group dev \(every installed client\), or thv client register <client> --group dev$/m,
    );
    const entry = async (client: ClientName, name: string) =>
      memberValue(await Deno.readTextFile(paths[client]), { key: clientSpec(client).serversKey, name });
    assert.deepEqual(await entry("cursor", "probe2"), { url: second.url });
    assert.equal(await entry("cursor", "probe"), undefined);
    assert.equal(await entry("vscode", "probe2"), undefined);
    const list = await ok(["client", "list"], env);
    assert.match(list, /^CLIENT +INSTALLED +REGISTERED +GROUPS +SERVERS +CONFIG\n/);
    assert.match(list, /\ncursor +yes +yes +dev +probe2 +~\/\.cursor\/mcp\.json\n/);
    assert.match(list, /\nvscode +yes +yes +default +probe +~\/\.config\/Code\/User\/mcp\.json\n/);
    const group = JSON.parse(await Deno.readTextFile(`${user.home}/.local/state/toolhive/groups/dev.json`));
    assert.deepEqual(group.registered_clients, ["cursor"], "ToolHive's group file names the client");

    // Entries follow workloads of the client's groups only; remove --group takes that group's entries out.
    await ok(["stop", "probe2"], env);
    assert.equal(await Deno.readTextFile(paths.cursor), original);
    await ok(["start", "probe2"], env);
    assert.deepEqual(await entry("cursor", "probe2"), { url: second.url });
    assert.equal(
      await ok(["client", "remove", "cursor", "--group", "dev"], env),
      "Removed cursor from dev: ~/.cursor/mcp.json\n",
    );
    assert.equal(await Deno.readTextFile(paths.cursor), original);
    const status = JSON.parse(await ok(["client", "status", "--format", "json"], env));
    assert.equal(status.find((s: { name: string }) => s.name === "cursor").registered, false);
  } finally {
    await runThv(["rm", "probe"], env);
    await runThv(["rm", "probe2"], env);
  }
});

Deno.test("thv run prints nothing on stderr when no MCP client is detected", async () => {
  await using user = await privateHome({ XDG_CACHE_HOME: CACHE, TOOLHIVE_RUNTIME: "deno" });
  try {
    const res = await runThv(["run", "--name", "probe", "--permission-profile", "none", PROBE], user.env);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /^http:\/\/127\.0\.0\.1:\d+\/mcp\n$/);
    assert.equal(res.stderr, "");
  } finally {
    await runThv(["rm", "probe"], user.env);
  }
});
