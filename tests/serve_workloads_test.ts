/**
 * `thv serve`'s workloads API over real HTTP against the real process, with real workloads: the sandbox
 * probe (a local npm package folder) in the Deno sandbox, and server-everything on real Podman. Create
 * answers at once and the workload goes starting → running; a tool is called through the URL it lists;
 * stop and delete; the event stream; and every route's refusals (404, 400 naming the field, 409). Replies
 * are checked against their schemas by the server itself (THV_SERVE_CHECK_RESPONSES).
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import {
  connectClient,
  CONTAINERS_CONF,
  everythingImage,
  poll,
  privateHome,
  type ServeProcess,
  startPodman,
  startRegistry,
  startServe,
} from "./harness/mod.ts";

const CACHE = `${Deno.env.get("HOME")}/.cache/thv/test-xdg-cache`;
const PROBE = `npx://${fileURLToPath(new URL("./fixtures/sandbox_probe", import.meta.url))}`;
const CHECKED = { THV_SERVE_CHECK_RESPONSES: "1" };

interface Listed {
  name: string;
  url: string;
  port: number;
  status: string;
  status_context: string;
  package: string;
  group: string;
  transport_type: string;
  proxy_mode: string;
}

async function json<T = Record<string, unknown>>(res: Response, status: number): Promise<T> {
  const text = await res.text();
  assert.equal(res.status, status, text);
  return JSON.parse(text) as T;
}

/** Asserts a JSON error with `status` whose message matches `says`, on one line. */
async function refused(res: Response, status: number, says: RegExp): Promise<void> {
  const { error } = await json<{ error: string }>(res, status);
  assert.match(error, says);
  assert.equal(error.split("\n").length, 1, error);
}

const post = (serve: ServeProcess, path: string, body?: unknown) =>
  serve.api(path, { method: "POST", ...(body === undefined ? {} : { body: JSON.stringify(body) }) });

async function listed(serve: ServeProcess, name: string): Promise<Listed | undefined> {
  const { workloads } = await json<{ workloads: Listed[] }>(await serve.api("/api/v1beta/workloads?all=true"), 200);
  return workloads.find((w) => w.name === name);
}

/** Polls the status route until `want` (a failure on `error`), within the deadline. */
async function statusBecomes(serve: ServeProcess, name: string, want: string, deadlineMs = 120_000): Promise<void> {
  await poll(async () => {
    const { status } = await json<{ status: string }>(await serve.api(`/api/v1beta/workloads/${name}/status`), 200);
    if (status === "error" && want !== "error") {
      throw new Error(`${name} failed: ${(await listed(serve, name))?.status_context}`);
    }
    return status === want ? true : undefined;
  }, { what: `${name} ${want}`, deadlineMs });
}

async function echo(url: string, message: string): Promise<string> {
  const client = await connectClient(url);
  try {
    const result = await client.callTool({ name: "echo", arguments: { message } });
    return (result.content as Array<{ text: string }>)[0]!.text;
  } finally {
    await client.close();
  }
}

/** The SSE events of `res` until it ends: `[event, data]` pairs. */
async function sseEvents(res: Response): Promise<Array<[string, Record<string, unknown>]>> {
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type") ?? "", /^text\/event-stream/);
  const text = await res.text();
  return text.split("\n\n").filter((block) => block.trim()).map((block) => {
    const event = /^event: (.*)$/m.exec(block)?.[1] ?? "";
    const data = JSON.parse(/^data: (.*)$/m.exec(block)?.[1] ?? "{}");
    return [event, data];
  });
}

Deno.test("thv serve: a sandboxed workload is created, runs, serves a tool, streams its events and logs, stops and is deleted", async (t) => {
  await using home = await privateHome({ XDG_CACHE_HOME: CACHE, TOOLHIVE_RUNTIME: "deno", ...CHECKED });
  await using serve = await startServe(home.env);
  const name = `probe-${crypto.randomUUID().slice(0, 6)}`;
  let port = 0;
  try {
    await t.step("create answers 201 with the name and port at once, and the workload is starting", async () => {
      const created = await json<{ name: string; port: number }>(
        await post(serve, "/api/v1beta/workloads", { name, image: PROBE, env_vars: { PROBE_MARK: "api" } }),
        201,
      );
      assert.equal(created.name, name);
      assert.ok(created.port > 0);
      port = created.port;
      const now = await listed(serve, name);
      assert.ok(now, "listed at once");
      assert.ok(["starting", "running"].includes(now.status), now.status);
      assert.equal(now.port, port);
    });

    await t.step("its event stream ends with running, and a second create of the name is a 409", async () => {
      const events = await sseEvents(await serve.api(`/api/v1beta/workloads/${name}/events`));
      const last = events.at(-1)!;
      assert.deepEqual(last, ["status", { status: "running", status_context: "" }], JSON.stringify(events));
      await refused(
        await post(serve, "/api/v1beta/workloads", { name, image: PROBE }),
        409,
        new RegExp(`${name} exists already`),
      );
    });

    await t.step("it is running; a tool answers through the URL the list gives", async () => {
      await statusBecomes(serve, name, "running");
      const w = (await listed(serve, name))!;
      assert.equal(w.url, `http://127.0.0.1:${port}/mcp`);
      assert.equal(w.package, PROBE);
      assert.equal(w.group, "default");
      assert.equal(w.transport_type, "stdio");
      assert.equal(w.proxy_mode, "streamable-http");
      assert.equal(await echo(w.url, "through the API"), "Echo: through the API");
    });

    await t.step("get, export and the logs", async () => {
      const details = await json(await serve.api(`/api/v1beta/workloads/${name}`), 200);
      assert.equal(details.image, PROBE);
      assert.equal(details.proxy_port, port);
      assert.deepEqual(details.env_vars, { PROBE_MARK: "api" });
      const exported = await json(await serve.api(`/api/v1beta/workloads/${name}/export`), 200);
      assert.equal(exported.name, name);
      assert.equal(exported.schema_version !== undefined, true);
      const proxyLogs = await serve.api(`/api/v1beta/workloads/${name}/proxy-logs`);
      assert.equal(proxyLogs.status, 200);
      assert.match(proxyLogs.headers.get("content-type") ?? "", /^text\/plain/);
      assert.match(await proxyLogs.text(), /Started workload/);
      const logs = await serve.api(`/api/v1beta/workloads/${name}/logs`);
      assert.equal(logs.status, 200);
      await logs.text();
    });

    await t.step("logs with follow keep streaming what comes, and end when the client goes", async () => {
      const stop = new AbortController();
      const res = await serve.api(`/api/v1beta/workloads/${name}/proxy-logs?follow=true`, { signal: stop.signal });
      assert.equal(res.status, 200);
      const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
      let text = "";
      while (!/Started workload/.test(text)) text += (await reader.read()).value ?? "";
      // What comes after the first answer: a restart of the proxy logs again.
      assert.equal((await post(serve, `/api/v1beta/workloads/${name}/restart`)).status, 202);
      await statusBecomes(serve, name, "running");
      const before = (text.match(/Started workload/g) ?? []).length;
      while ((text.match(/Started workload/g) ?? []).length <= before) text += (await reader.read()).value ?? "";
      stop.abort();
      await reader.cancel().catch(() => {});
    });

    await t.step("stop: 202, stopped, listed only with all; the events of a stopped one end at once", async () => {
      assert.equal((await post(serve, `/api/v1beta/workloads/${name}/stop`)).status, 202);
      assert.equal(
        (await json<{ status: string }>(await serve.api(`/api/v1beta/workloads/${name}/status`), 200)).status,
        "stopped",
      );
      const { workloads } = await json<{ workloads: Listed[] }>(await serve.api("/api/v1beta/workloads"), 200);
      assert.equal(workloads.find((w) => w.name === name), undefined);
      const events = await sseEvents(await serve.api(`/api/v1beta/workloads/${name}/events`));
      assert.deepEqual(events, [["status", { status: "stopped", status_context: "" }]]);
    });

    await t.step("delete: 202, then every route is a 404", async () => {
      assert.equal((await serve.api(`/api/v1beta/workloads/${name}`, { method: "DELETE" })).status, 202);
      assert.equal(await listed(serve, name), undefined);
      await refused(await serve.api(`/api/v1beta/workloads/${name}`), 404, new RegExp(`No workload named ${name}`));
    });
  } finally {
    await serve.api(`/api/v1beta/workloads/${name}`, { method: "DELETE" }).then((r) => r.body?.cancel());
  }
});

Deno.test("thv serve: create refuses bad input before answering: 400 naming the field, 404, 409", async () => {
  await using home = await privateHome({ XDG_CACHE_HOME: CACHE, TOOLHIVE_RUNTIME: "deno", ...CHECKED });
  await using serve = await startServe(home.env);
  const create = (body: unknown) => post(serve, "/api/v1beta/workloads", body);
  await refused(await create({}), 400, /^body\.image: /);
  await refused(
    await create({ image: PROBE, name: "Bad Name" }),
    400,
    /^body\.name: "Bad Name" is not a workload name/,
  );
  await refused(await create({ image: PROBE, proxy_port: 70000 }), 400, /^body\.proxy_port: /);
  await refused(await create({ image: PROBE, transport: "carrier-pigeon" }), 400, /^body\.transport: /);
  const badPolicy = `${home.home}/authz.json`;
  await Deno.writeTextFile(
    badPolicy,
    JSON.stringify({ version: "1.0", type: "cedarv1", cedar: { policies: ["permit("] } }),
  );
  await refused(
    await create({ image: PROBE, authz_config: badPolicy }),
    400,
    /^body\.authz_config: Authorization config .*authz\.json: cedar\.policies\[0\] does not parse: /,
  );
  await refused(await create({ image: PROBE, env_vars: { "1X": "y" } }), 400, /^body\.env_vars/);
  await refused(await create({ image: PROBE, volumes: ["../etc"] }), 400, /^body\.volumes: /);
  await refused(
    await create({ image: PROBE, permission_profile: { read: "x" } }),
    400,
    /^body\.permission_profile\.read: /,
  );
  await refused(await create({ image: PROBE, secrets: [{ name: "k" }] }), 400, /^body\.secrets\.0\.target: /);
  await refused(
    await create({ image: "no-such-server-here" }),
    400,
    /^body\.image: No server named no-such-server-here/,
  );
  await refused(
    await create({ image: PROBE, surprise: 1 }),
    400,
    /^body: unknown field surprise: thv does not take it/,
  );
  // ToolHive's fields thv does not implement: refused when set, accepted absent, empty or default.
  for (
    const [field, value] of [
      ["network_isolation", true],
      ["oidc", { issuer: "https://issuer.example" }],
      ["url", "https://remote.example/mcp"],
      ["headers", [{ name: "X-Key" }]],
      ["oauth_config", { client_id: "c" }],
      ["trust_proxy_headers", true],
    ] as const
  ) {
    await refused(await create({ image: PROBE, [field]: value }), 400, new RegExp(`^body\\.${field}: `));
  }
  await refused(await create({ image: PROBE, group: "nowhere" }), 404, /No group named nowhere/);
  const blocker = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    await refused(
      await create({ image: PROBE, proxy_port: (blocker.addr as Deno.NetAddr).port }),
      409,
      /^body\.proxy_port: proxy_port \d+ is taken/,
    );
  } finally {
    blocker.close();
  }
  await refused(await serve.api("/api/v1beta/workloads", { method: "POST", body: "{" }), 400, /^body: not JSON/);
  const { workloads } = await json<{ workloads: Listed[] }>(await serve.api("/api/v1beta/workloads?all=1"), 200);
  assert.deepEqual(workloads, [], "nothing was created");
});

Deno.test("thv serve: a creation that fails in the background ends in error with why, and delete forgets it", async () => {
  await using home = await privateHome({ XDG_CACHE_HOME: CACHE, TOOLHIVE_RUNTIME: "deno", ...CHECKED });
  await using serve = await startServe(home.env);
  const name = "doomed";
  const missing = `npx://${home.home}/no-such-package`;
  await json(await post(serve, "/api/v1beta/workloads", { name, image: missing }), 201);
  const events = await sseEvents(await serve.api(`/api/v1beta/workloads/${name}/events`));
  assert.deepEqual(events[0], ["status", { status: "starting", status_context: "" }]);
  const [event, data] = events.at(-1)!;
  assert.equal(event, "status");
  assert.equal(data.status, "error", JSON.stringify(events));
  assert.match(String(data.status_context), /no-such-package has no readable package\.json/);
  assert.equal(
    (await json<{ status: string }>(await serve.api(`/api/v1beta/workloads/${name}/status`), 200)).status,
    "error",
  );
  const shown = (await listed(serve, name))!;
  assert.equal(shown.status, "error");
  assert.equal(shown.status_context, data.status_context);
  await refused(await serve.api(`/api/v1beta/workloads/${name}/export`), 404, /No workload named doomed/);
  assert.equal((await serve.api(`/api/v1beta/workloads/${name}`, { method: "DELETE" })).status, 202);
  assert.equal(await listed(serve, name), undefined);
  await refused(await serve.api(`/api/v1beta/workloads/${name}/status`), 404, /No workload named doomed/);
});

Deno.test("thv serve: delete right after create aborts or removes it, and nothing is left running", async () => {
  await using home = await privateHome({ XDG_CACHE_HOME: CACHE, TOOLHIVE_RUNTIME: "deno", ...CHECKED });
  await using serve = await startServe(home.env);
  const { port } = await json<{ port: number }>(
    await post(serve, "/api/v1beta/workloads", { name: "brief", image: PROBE }),
    201,
  );
  assert.equal((await serve.api("/api/v1beta/workloads/brief", { method: "DELETE" })).status, 202);
  assert.equal(await listed(serve, "brief"), undefined);
  await refused(await serve.api("/api/v1beta/workloads/brief/status"), 404, /No workload named brief/);
  Deno.listen({ hostname: "127.0.0.1", port }).close(); // no proxy holds its port
  await json(await post(serve, "/api/v1beta/workloads", { name: "brief", image: PROBE }), 201); // the name is free again
  await statusBecomes(serve, "brief", "running");
  assert.equal((await serve.api("/api/v1beta/workloads/brief", { method: "DELETE" })).status, 202);
});

Deno.test("thv serve: secrets need TOOLHIVE_SECRETS_PASSWORD in thv serve's environment, never a prompt", async () => {
  await using home = await privateHome({ XDG_CACHE_HOME: CACHE, TOOLHIVE_RUNTIME: "deno", ...CHECKED });
  await Deno.mkdir(`${home.home}/.config/toolhive`, { recursive: true });
  await Deno.writeTextFile(`${home.home}/.config/toolhive/config.yaml`, "secrets:\n  provider_type: encrypted\n");
  await using serve = await startServe(home.env);
  await refused(
    await post(serve, "/api/v1beta/workloads", { image: PROBE, secrets: [{ name: "token", target: "TOKEN" }] }),
    400,
    /^body\.secrets: .*start thv serve with TOOLHIVE_SECRETS_PASSWORD set$/,
  );
});

Deno.test("thv serve: a secret from the environment provider reaches the server; a missing one is a 404", async () => {
  await using home = await privateHome({
    XDG_CACHE_HOME: CACHE,
    TOOLHIVE_RUNTIME: "deno",
    TOOLHIVE_SECRETS_PROVIDER: "environment",
    TOOLHIVE_SECRET_api_token: "s3cret-value",
    ...CHECKED,
  });
  await using serve = await startServe(home.env);
  await refused(
    await post(serve, "/api/v1beta/workloads", { image: PROBE, secrets: [{ name: "absent", target: "TOKEN" }] }),
    404,
    /^body\.secrets\[0\]\.name: no secret absent in the environment secrets provider/,
  );
  const name = "with-secret";
  try {
    await json(
      await post(serve, "/api/v1beta/workloads", {
        name,
        image: PROBE,
        secrets: [{ name: "api_token", target: "TOKEN" }],
      }),
      201,
    );
    await statusBecomes(serve, name, "running");
    const details = await json(await serve.api(`/api/v1beta/workloads/${name}`), 200);
    assert.deepEqual(details.secrets, [{ name: "api_token", target: "TOKEN" }]);
    assert.doesNotMatch(JSON.stringify(details), /s3cret-value/);
    assert.doesNotMatch(
      JSON.stringify(await json(await serve.api(`/api/v1beta/workloads/${name}/export`), 200)),
      /s3cret-value/,
    );
    const client = await connectClient((await listed(serve, name))!.url);
    try {
      const result = await client.callTool({ name: "env", arguments: {} });
      const env = JSON.parse((result.content as Array<{ text: string }>)[0]!.text);
      assert.equal(env.TOKEN, "s3cret-value");
    } finally {
      await client.close();
    }
  } finally {
    await serve.api(`/api/v1beta/workloads/${name}`, { method: "DELETE" }).then((r) => r.body?.cancel());
  }
});

Deno.test("thv serve: every workload route answers an unknown name with a 404, and bulk bodies are checked", async () => {
  await using home = await privateHome({ XDG_CACHE_HOME: CACHE, TOOLHIVE_RUNTIME: "deno", ...CHECKED });
  await using serve = await startServe(home.env);
  const ghost = "/api/v1beta/workloads/ghost";
  for (
    const [method, path] of [
      ["GET", ghost],
      ["DELETE", ghost],
      ["POST", `${ghost}/stop`],
      ["POST", `${ghost}/restart`],
      ["GET", `${ghost}/status`],
      ["GET", `${ghost}/logs`],
      ["GET", `${ghost}/logs?follow=true`],
      ["GET", `${ghost}/proxy-logs`],
      ["GET", `${ghost}/export`],
      ["GET", `${ghost}/events`],
    ] as const
  ) {
    await refused(await serve.api(path, { method }), 404, /^No workload named ghost/);
  }
  await refused(await post(serve, `${ghost}/edit`, { image: PROBE }), 404, /^No workload named ghost/);
  await refused(await serve.api("/api/v1beta/workloads?group=nowhere"), 404, /No group named nowhere/);
  await refused(await serve.api("/api/v1beta/workloads?all=maybe"), 400, /^query\.all: /);
  await refused(await serve.api(`${ghost}/logs?follow=sometimes`), 400, /^query\.follow: /);
  for (const verb of ["stop", "restart", "delete"]) {
    await refused(await post(serve, `/api/v1beta/workloads/${verb}`, {}), 400, /^body: give either names or group/);
    await refused(
      await post(serve, `/api/v1beta/workloads/${verb}`, { names: ["a"], group: "default" }),
      400,
      /exactly one/,
    );
    await refused(
      await post(serve, `/api/v1beta/workloads/${verb}`, { names: ["ghost"] }),
      404,
      /^body\.names\[0\]: no workload named ghost/,
    );
    await refused(
      await post(serve, `/api/v1beta/workloads/${verb}`, { group: "nowhere" }),
      404,
      /No group named nowhere/,
    );
    const empty = await json<{ names: string[] }>(
      await post(serve, `/api/v1beta/workloads/${verb}`, { group: "default" }),
      202,
    );
    assert.deepEqual(empty.names, []);
  }
});

Deno.test("thv serve: a group's workloads are stopped, restarted and deleted in bulk; edit recreates one", async () => {
  await using home = await privateHome({ XDG_CACHE_HOME: CACHE, TOOLHIVE_RUNTIME: "deno", ...CHECKED });
  await using serve = await startServe(home.env);
  const suffix = crypto.randomUUID().slice(0, 6);
  const names = [`a-${suffix}`, `b-${suffix}`];
  try {
    for (const name of names) await json(await post(serve, "/api/v1beta/workloads", { name, image: PROBE }), 201);
    for (const name of names) await statusBecomes(serve, name, "running");
    await refused(
      await serve.api(`/api/v1beta/workloads/${names[0]}/edit`, {
        method: "POST",
        body: JSON.stringify({ image: PROBE, name: "other" }),
      }),
      400,
      /^body: unknown field name/,
    );
    const edited = await json<{ name: string; port: number }>(
      await post(serve, `/api/v1beta/workloads/${names[0]}/edit`, { image: PROBE, env_vars: { EDITED: "yes" } }),
      200,
    );
    const before = (await listed(serve, names[0]!))!;
    assert.equal(edited.port, before.port, "the port stays");
    await statusBecomes(serve, names[0]!, "running");
    const details = await json(await serve.api(`/api/v1beta/workloads/${names[0]}`), 200);
    assert.deepEqual(details.env_vars, { EDITED: "yes" });
    assert.equal(await echo((await listed(serve, names[0]!))!.url, "edited"), "Echo: edited");

    const stopped = await json<{ names: string[] }>(
      await post(serve, "/api/v1beta/workloads/stop", { group: "default" }),
      202,
    );
    assert.deepEqual(stopped.names.sort(), [...names].sort());
    for (const name of names) assert.equal((await listed(serve, name))?.status, "stopped");
    await json(await post(serve, "/api/v1beta/workloads/restart", { names }), 202);
    for (const name of names) await statusBecomes(serve, name, "running");
    await json(await post(serve, "/api/v1beta/workloads/delete", { names }), 202);
    for (const name of names) assert.equal(await listed(serve, name), undefined);
  } finally {
    await post(serve, "/api/v1beta/workloads/delete", { group: "default" }).then((r) => r.body?.cancel());
  }
});

Deno.test("thv serve: a workload on real Podman is created, runs, serves a tool, stops and is deleted", async () => {
  await using podman = await startPodman();
  await using home = await privateHome({ TOOLHIVE_PODMAN_SOCKET: podman.socketPath, ...CHECKED });
  const image = await everythingImage(podman.docker);
  await using serve = await startServe(home.env);
  const name = `ev-${crypto.randomUUID().slice(0, 6)}`;
  try {
    const created = await json<{ name: string; port: number }>(
      await post(serve, "/api/v1beta/workloads", { name, image, permission_profile: { name: "none" } }),
      201,
    );
    assert.equal(created.name, name);
    const events = await sseEvents(await serve.api(`/api/v1beta/workloads/${name}/events`));
    assert.deepEqual(events.at(-1), ["status", { status: "running", status_context: "" }], JSON.stringify(events));
    await statusBecomes(serve, name, "running");
    const w = (await listed(serve, name))!;
    assert.equal(w.url, `http://127.0.0.1:${created.port}/mcp`);
    assert.equal((await listed(serve, name) as unknown as { runtime: string }).runtime, "container");
    assert.equal(await echo(w.url, "from podman"), "Echo: from podman");
    assert.equal((await post(serve, `/api/v1beta/workloads/${name}/stop`)).status, 202);
    assert.equal((await listed(serve, name))?.status, "stopped");
    assert.equal((await serve.api(`/api/v1beta/workloads/${name}`, { method: "DELETE" })).status, 202);
    assert.equal(await listed(serve, name), undefined);
    assert.equal(
      (await podman.docker.listContainers({ all: true })).filter((c) => c.Names.some((n) => n.includes(name))).length,
      0,
    );
  } finally {
    await serve.api(`/api/v1beta/workloads/${name}`, { method: "DELETE" }).then((r) => r.body?.cancel());
  }
});

Deno.test("thv serve: a create that pulls its image streams the pull progress, then running", async () => {
  await using registry = await startRegistry();
  await using service = await startPodman({ insecureRegistries: [registry.address] });
  const local = await everythingImage(service.docker);
  const remote = `${registry.address}/thv-test/everything:${crypto.randomUUID().slice(0, 8)}`;
  await podmanCli(["tag", local, remote]);
  await podmanCli(["push", "--tls-verify=false", remote]);
  await podmanCli(["rmi", remote]); // the engine no longer has this tag: create must pull it
  await using home = await privateHome({ TOOLHIVE_PODMAN_SOCKET: service.socketPath, ...CHECKED });
  await using serve = await startServe(home.env);
  const name = `pulled-${crypto.randomUUID().slice(0, 6)}`;
  try {
    await json(
      await post(serve, "/api/v1beta/workloads", { name, image: remote, permission_profile: { name: "none" } }),
      201,
    );
    const events = await sseEvents(await serve.api(`/api/v1beta/workloads/${name}/events`));
    const kinds = events.map(([event]) => event);
    assert.equal(kinds[0], "status");
    assert.ok(kinds.includes("pull"), JSON.stringify(events));
    assert.equal(events.find(([e]) => e === "pull")![1].image, remote);
    assert.ok(kinds.lastIndexOf("pull") < kinds.length - 1);
    assert.deepEqual(events.at(-1), ["status", { status: "running", status_context: "" }]);
    assert.equal(await echo((await listed(serve, name))!.url, "pulled"), "Echo: pulled");
  } finally {
    await serve.api(`/api/v1beta/workloads/${name}`, { method: "DELETE" }).then((r) => r.body?.cancel());
    await podmanCli(["rmi", remote]).catch(() => {});
  }
});

async function podmanCli(args: string[]): Promise<void> {
  const out = await new Deno.Command("podman", { args, env: { CONTAINERS_CONF }, stdout: "null", stderr: "piped" })
    .output();
  if (!out.success) throw new Error(`podman ${args.join(" ")}: ${new TextDecoder().decode(out.stderr)}`);
}
