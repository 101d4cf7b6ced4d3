/**
 * `thv serve`'s MCP clients routes over real HTTP against a real `thv serve`, in a private home whose clients
 * already have the fixture config files: discovery, register (one and bulk), unregister (one, bulk, from a
 * group), the files left as the user wrote them, the CLI seeing the same registrations, a running workload
 * (the Deno sandbox) written into a client registered through the API, and the errors (400 naming the field,
 * 404 for unknown clients and groups, 409 for a file thv cannot edit), and per-group registration.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { CLIENT_NAMES, type ClientName, clientSpec, memberValue } from "../lib/clients/mod.ts";
import { runThv, startServe } from "./harness/mod.ts";
import { errorAnswer as error, jsonAnswer as body, jsonPost as post } from "./harness/mod.ts";
import { CLIENT_FIXTURE, CLIENT_FIXTURES, homeWithClients } from "./harness/client_fixtures.ts";
import { ClientStatusList, RegisteredClient, RegisteredClientList } from "../roles/serve/schemas/clients.ts";

/** Packages fetched for the sandbox are kept across runs here, as a user's cache would be. */
const CACHE = `${Deno.env.get("HOME")}/.cache/thv/test-xdg-cache`;
const PROBE = `npx://${fileURLToPath(new URL("./fixtures/sandbox_probe", import.meta.url))}`;

const fixture = (name: ClientName) => Deno.readTextFile(new URL(CLIENT_FIXTURE[name], CLIENT_FIXTURES));

Deno.test("the clients API discovers, registers and unregisters clients, leaving their files as the user wrote them", async () => {
  if (Deno.build.os !== "linux") return; // the fixture paths are Linux's
  await using user = await homeWithClients(CACHE);
  const { env, paths } = user;
  await using serve = await startServe(env);
  const discovery = ClientStatusList.parse(await body(await serve.api("/api/v1beta/discovery/clients"), 200));
  assert.deepEqual(discovery.clients.map((c) => c.client_type), [...CLIENT_NAMES]);
  assert.ok(discovery.clients.every((c) => c.installed && !c.registered && c.servers.length === 0));
  assert.equal(discovery.clients.find((c) => c.client_type === "cursor")!.config_path, paths.cursor);
  assert.deepEqual(await body(await serve.api("/api/v1beta/clients"), 200), []);

  assert.deepEqual(
    RegisteredClient.parse(await body(await serve.api("/api/v1beta/clients", post({ name: "cursor" })), 200)),
    { name: "cursor", groups: ["default"] },
  );
  assert.deepEqual(
    await body(await serve.api("/api/v1beta/clients", post({ name: "windsurf", groups: ["default"] })), 200),
    { name: "windsurf", groups: ["default"] },
  );
  assert.deepEqual(
    RegisteredClientList.parse(
      await body(await serve.api("/api/v1beta/clients/register", post({ names: ["vscode", "cline"] })), 200),
    ),
    [{ name: "vscode", groups: ["default"] }, { name: "cline", groups: ["default"] }],
  );
  const listed = RegisteredClientList.parse(await body(await serve.api("/api/v1beta/clients"), 200));
  assert.deepEqual(listed.map((c) => c.name), ["cursor", "vscode", "windsurf", "cline"]);
  // The CLI sees the registrations the API made.
  const cli = JSON.parse((await runThv(["client", "status", "--format", "json"], env)).stdout) as {
    name: string;
    registered: boolean;
  }[];
  assert.deepEqual(cli.filter((s) => s.registered).map((s) => s.name), ["cursor", "vscode", "windsurf", "cline"]);

  assert.equal(await body(await serve.api("/api/v1beta/clients/cursor", { method: "DELETE" }), 204), undefined);
  assert.equal(
    await body(await serve.api("/api/v1beta/clients/unregister", post({ names: ["vscode", "cline"] })), 204),
    undefined,
  );
  assert.equal(
    await body(await serve.api("/api/v1beta/clients/windsurf/groups/default", { method: "DELETE" }), 204),
    undefined,
  );
  assert.deepEqual(await body(await serve.api("/api/v1beta/clients"), 200), []);
  for (const name of CLIENT_NAMES) assert.equal(await Deno.readTextFile(paths[name]), await fixture(name), name);
});

Deno.test("the clients API refuses bad input with a 400 naming the field, unknown names with a 404, a broken file with a 409", async () => {
  if (Deno.build.os !== "linux") return;
  await using user = await homeWithClients(CACHE);
  const { env, paths } = user;
  await using serve = await startServe(env);
  const clients = "/api/v1beta/clients";
  assert.match(await error(await serve.api(clients, post({ name: "emacs" })), 400), /^body\.name: /);
  assert.match(await error(await serve.api(clients, post({})), 400), /^body\.name: /);
  assert.match(await error(await serve.api(`${clients}/register`, post({ names: [] })), 400), /^body\.names: /);
  assert.match(await error(await serve.api(`${clients}/register`, post({ names: ["vim"] })), 400), /^body\.names\.0: /);
  assert.match(
    await error(await serve.api(clients, post({ name: "cursor", groups: ["Bad"] })), 400),
    /^body\.groups\.0: /,
  );
  assert.match(
    await error(await serve.api(clients, post({ name: "cursor", groups: ["nope"] })), 404),
    /^No group named nope/,
  );
  assert.deepEqual(await body(await serve.api(clients), 200), [], "nothing was registered by a refused request");

  assert.match(
    await error(await serve.api(`${clients}/emacs`, { method: "DELETE" }), 404),
    /^Unknown MCP client "emacs"/,
  );
  assert.match(
    await error(await serve.api(`${clients}/cursor`, { method: "DELETE" }), 404),
    /^Client cursor is not registered/,
  );
  assert.match(
    await error(await serve.api(`${clients}/unregister`, post({ names: ["cursor"] })), 404),
    /^Client cursor is not registered/,
  );
  assert.equal((await serve.api(clients, post({ name: "cursor" }))).status, 200);
  assert.match(
    await error(await serve.api(`${clients}/cursor/groups/nope`, { method: "DELETE" }), 404),
    /^No group named nope/,
  );
  assert.match(
    await error(await serve.api(`${clients}/cursor/groups/Team`, { method: "DELETE" }), 400),
    /^path\.group: /,
  );
  assert.match(await error(await serve.api(`${clients}/emacs/groups/default`, { method: "DELETE" }), 404), /emacs/);

  const bad = await Deno.readTextFile(new URL("malformed.json", CLIENT_FIXTURES));
  await Deno.writeTextFile(paths.vscode, bad);
  assert.equal(
    await error(await serve.api(clients, post({ name: "vscode" })), 409),
    `Cannot edit ${paths.vscode}: CloseBraceExpected at line 6; fix the file (thv left it unchanged)`,
  );
  assert.equal(await Deno.readTextFile(paths.vscode), bad);
});

Deno.test("the clients API registers a client for groups and takes it out of them, as the groups record", async () => {
  if (Deno.build.os !== "linux") return;
  await using user = await homeWithClients(CACHE);
  const { env } = user;
  await using serve = await startServe(env);
  const clients = "/api/v1beta/clients";
  assert.equal((await runThv(["group", "create", "team"], env)).code, 0);
  assert.deepEqual(await body(await serve.api(clients, post({ name: "cursor", groups: ["team"] })), 200), {
    name: "cursor",
    groups: ["team"],
  });
  assert.deepEqual(
    await body(await serve.api(`${clients}/register`, post({ names: ["vscode"], groups: ["default", "team"] })), 200),
    [{ name: "vscode", groups: ["default", "team"] }],
  );
  const team = (await body(await serve.api("/api/v1beta/groups/team"), 200)) as { registered_clients: string[] };
  assert.deepEqual(team.registered_clients, ["cursor", "vscode"]);

  assert.equal(await body(await serve.api(`${clients}/vscode/groups/team`, { method: "DELETE" }), 204), undefined);
  assert.deepEqual(await body(await serve.api(clients), 200), [
    { name: "cursor", groups: ["team"] },
    { name: "vscode", groups: ["default"] },
  ]);
  // Out of its last group, a client is unregistered.
  assert.equal(await body(await serve.api(`${clients}/cursor/groups/team`, { method: "DELETE" }), 204), undefined);
  assert.equal(
    await body(await serve.api(`${clients}/unregister`, post({ names: ["vscode"], groups: ["default"] })), 204),
    undefined,
  );
  assert.deepEqual(await body(await serve.api(clients), 200), []);
  const after = (await body(await serve.api("/api/v1beta/groups/team"), 200)) as { registered_clients: string[] };
  assert.deepEqual(after.registered_clients, []);
});

Deno.test("a client registered through the API gets the running workloads and follows them", async () => {
  if (Deno.build.os !== "linux") return;
  await using user = await homeWithClients(CACHE);
  const { env, paths } = user;
  await using serve = await startServe(env);
  const entry = async (client: ClientName) =>
    memberValue(await Deno.readTextFile(paths[client]), { key: clientSpec(client).serversKey, name: "probe" });
  try {
    const run = await runThv(["run", "--name", "probe", "--permission-profile", "none", PROBE], env);
    assert.equal(run.code, 0, run.stderr);
    const url = run.stdout.trim();
    assert.deepEqual(await body(await serve.api("/api/v1beta/clients", post({ name: "cursor" })), 200), {
      name: "cursor",
      groups: ["default"],
    });
    assert.deepEqual(await entry("cursor"), { url });
    const status = ClientStatusList.parse(await body(await serve.api("/api/v1beta/discovery/clients"), 200));
    assert.deepEqual(status.clients.find((c) => c.client_type === "cursor")!.servers, ["probe"]);
    assert.equal((await runThv(["stop", "probe"], env)).code, 0);
    assert.equal(await Deno.readTextFile(paths.cursor), await fixture("cursor"));
    assert.equal(await body(await serve.api("/api/v1beta/clients/cursor", { method: "DELETE" }), 204), undefined);
  } finally {
    await runThv(["rm", "probe"], env);
  }
});
