/**
 * The Workloads facade over a fake backend (an in-memory WorkloadBackend whose stdio server is the real
 * fixture MCP server): what each operation leaves on disk and asks of the backend, and its one-line errors.
 */
import assert from "node:assert/strict";
import { createLogger } from "../log.ts";
import { builtinRegistry, findServer } from "../registry/mod.ts";
import { parseRunConfig, type RunConfig } from "../run_config.ts";
import { RunConfigStore, statePaths } from "../state/mod.ts";
import { processConnector } from "../transport/mod.ts";
import type { ServerPresence, WorkloadBackend } from "./backend.ts";
import type { BackendSource } from "./backends.ts";
import { DEFAULT_SERVER_LOG_MAX_BYTES } from "./capped_log.ts";
import { type WorkloadChange, type WorkloadChangeHook, type WorkloadEvent, workloadsConfig } from "./config.ts";
import { createWorkloads, type Workloads } from "./facade.ts";

const REPO = new URL("../../", import.meta.url).pathname;
const FIXTURE = `${REPO}tests/fixtures/mcp_fixture.ts`;

/** What the fake backend keeps of one workload's server, and what was asked of it. */
interface FakeServer {
  presence: ServerPresence;
  log: string;
  prepares: number;
  stops: number;
  removes: number;
}

/** Backends kept in memory; a stdio server is the fixture MCP server, started as a child process. */
class FakeBackends implements BackendSource {
  readonly servers = new Map<string, FakeServer>();
  /** Set to make every backend unavailable, as a runtime that is not there. */
  unavailable?: string;

  server(name: string): FakeServer {
    let server = this.servers.get(name);
    if (!server) this.servers.set(name, server = { presence: "missing", log: "", prepares: 0, stops: 0, removes: 0 });
    return server;
  }

  backendFor(config: RunConfig, onEvent: (event: WorkloadEvent) => void): WorkloadBackend {
    if (this.unavailable) throw new Error(this.unavailable);
    const server = this.server(config.name);
    const fixture = processConnector({ command: Deno.execPath(), args: ["run", "-A", FIXTURE, "stdio"], cwd: REPO });
    return {
      kind: "container",
      prepare() {
        server.prepares++;
        onEvent({ kind: "pull", image: config.image, progress: { status: "Pull complete", id: "layer1" } });
        return Promise.resolve();
      },
      stdioConnector: () => ({
        describe: `fake ${config.name}`,
        async connect() {
          const connection = await fixture.connect();
          server.presence = "running";
          server.log += `started ${config.image}\n`;
          void connection.ended.then(() => (server.presence = "stopped"));
          return connection;
        },
      }),
      startHttp: () => Promise.reject(new Error("the fake backend runs stdio servers only")),
      presence: () => Promise.resolve(server.presence),
      stop() {
        server.stops++;
        server.presence = "stopped";
        return Promise.resolve();
      },
      remove() {
        server.removes++;
        server.presence = "missing";
        return Promise.resolve();
      },
      logs: () => Promise.resolve(server.log),
    };
  }

  engine() {
    return undefined;
  }
}

async function setup(onChange?: WorkloadChangeHook): Promise<
  { workloads: Workloads; backends: FakeBackends; dir: string; events: WorkloadEvent[] }
> {
  const dir = await Deno.makeTempDir({ prefix: "thv-facade-" });
  const backends = new FakeBackends();
  const events: WorkloadEvent[] = [];
  const config = workloadsConfig({
    paths: statePaths({ HOME: dir }),
    runtime: () => ({ runtime: "deno", reason: "TOOLHIVE_RUNTIME=deno" }),
    log: createLogger({ level: "error", format: "json", write: () => {} }),
    hostEnv: {},
    self: [],
    proxyFlags: [],
    denoPath: Deno.execPath(),
    serverLogMaxBytes: () => DEFAULT_SERVER_LOG_MAX_BYTES,
    cwd: dir,
    onEvent: (event) => events.push(event),
    ...(onChange ? { onChange } : {}),
  });
  return { workloads: createWorkloads(config, { backends }), backends, dir, events };
}

/** Asserts that `work` fails with one line matching `says`. */
async function failsWith(work: Promise<unknown>, says: RegExp) {
  await assert.rejects(work, (e: Error) => {
    assert.match(e.message, says);
    assert.equal(e.message.split("\n").length, 1, e.message);
    return true;
  });
}

Deno.test("Workloads.plan resolves registry names, profiles, RunConfig files and sandbox paths, starting nothing", async () => {
  const { workloads, backends, dir } = await setup();
  try {
    const everything = findServer(builtinRegistry().entries, "everything")!;
    const fromRegistry = await workloads.plan({ server: "everything" });
    assert.equal(fromRegistry.config.image, everything.reference);
    assert.equal(fromRegistry.config.name, everything.shortName);
    assert.ok(fromRegistry.config.port > 0, "a free proxy port is picked");

    const profile = `${dir}/profile.json`;
    await Deno.writeTextFile(profile, JSON.stringify({ network: { outbound: { allow_host: ["example.com"] } } }));
    const withProfile = await workloads.plan({
      server: "localhost/some:1",
      permissionProfile: profile,
      env: { A: "1" },
    });
    assert.equal(withProfile.config.permission_profile_name_or_path, profile);
    assert.deepEqual(withProfile.config.permission_profile?.network?.outbound?.allow_host, ["example.com"]);
    assert.deepEqual(withProfile.config.env_vars, { A: "1" });

    const sandboxed = await workloads.plan({ server: "npx://./pkg" });
    assert.equal(sandboxed.config.image, `npx://${dir}/pkg`, "relative to the config's cwd");

    const file = `${dir}/run.json`;
    await Deno.writeTextFile(
      file,
      JSON.stringify({
        schema_version: "v0.1.0",
        name: "imported",
        image: "localhost/imp:1",
        transport: "stdio",
        port: 8080,
        foo: 1,
      }),
    );
    await Deno.writeTextFile(`${dir}/env`, "B=2\n");
    const imported = await workloads.plan({ fromConfig: file, envFile: `${dir}/env`, env: { C: "3" } });
    assert.equal(imported.config.name, "imported");
    assert.deepEqual(imported.config.env_vars, { B: "2", C: "3" });
    assert.deepEqual(imported.ignoredKeys, ["foo"]);
    assert.deepEqual(imported.migrated, []);
    await Deno.writeTextFile(
      `${dir}/old.json`,
      JSON.stringify({ name: "old", image: "localhost/imp:1", transport: "stdio", port: 8080 }),
    );
    const old = await workloads.plan({ fromConfig: `${dir}/old.json` });
    assert.equal(old.config.schema_version, "v0.1.0");
    assert.match(old.migrated.join("\n"), /schema_version: none → v0\.1\.0/);
    await Deno.remove(`${dir}/old.json`);

    assert.equal(backends.servers.size, 0, "planning asks no backend");
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name).sort(), ["env", "profile.json", "run.json"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("Workloads.plan refuses what it cannot run in one line that says what to do", async () => {
  const { workloads, dir } = await setup();
  try {
    await failsWith(
      workloads.plan({ server: "evrything" }),
      /^No server named evrything in the registry \(did you mean everything\?\): see thv registry list or thv search <word>; to run a local image, give its full reference \(e\.g\. localhost\/evrything:latest\)$/,
    );
    await failsWith(workloads.plan({}), /^Name a server to run \(thv run <server>\), or give --from-config <file>$/);
    await failsWith(
      workloads.plan({ server: "x:1", fromConfig: "/no/file.json" }),
      /^Give either a server or --from-config, not both$/,
    );
    await failsWith(workloads.plan({ fromConfig: "/no/file.json" }), /^Cannot read --from-config \/no\/file\.json: /);
    await failsWith(
      workloads.plan({ server: "x:1", permissionProfile: "/no/such.json" }),
      /^--permission-profile \/no\/such\.json is neither none, network nor a readable file: /,
    );
    const profile = `${dir}/bad.json`;
    await Deno.writeTextFile(profile, JSON.stringify({ network: { outbound: { allow_port: ["x"] } } }));
    await failsWith(
      workloads.plan({ server: "x:1", permissionProfile: profile }),
      /^Permission profile .*: field network\.outbound\.allow_port\.0: /,
    );
    await failsWith(
      workloads.plan({ server: "x:1", volumes: ["relative:/data"] }),
      /^Mount "relative:\/data" is not allowed: use absolute paths/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("Workloads: create, list, logs, export, stop and remove of a workload on a fake backend", async () => {
  const { workloads, backends, dir, events } = await setup();
  const shutdown = new AbortController();
  try {
    const plan = await workloads.plan({ server: "localhost/fake:1", name: "fake" });
    const mine: WorkloadEvent[] = [];
    const created = await workloads.create(plan, {
      signal: shutdown.signal,
      foreground: true,
      onEvent: (e) => mine.push(e),
    });
    assert.equal(created.url, `http://127.0.0.1:${plan.config.port}/mcp`);
    assert.equal(created.warning ?? "", "", "the fixture answered its ping");
    const health = await fetch(new URL("/health", created.url));
    await health.body?.cancel();
    assert.equal(health.status, 200);
    assert.ok(mine.some((e) => e.kind === "pull" && e.image === "localhost/fake:1"), "the call's own sink");
    assert.equal(events.length, 0, "the config's sink only when the call has none");

    await failsWith(
      workloads.create(plan),
      /^A workload named fake exists already: start it with thv start fake, remove it with thv rm fake, or choose another --name$/,
    );

    const [listed] = await workloads.list();
    assert.deepEqual(await workloads.get("fake"), listed, "get gives what list shows");
    assert.equal(listed?.name, "fake");
    assert.equal(listed?.state, "running");
    assert.equal(listed?.runtime, "container");
    assert.equal(listed?.url, created.url);
    assert.equal(listed?.pid, Deno.pid);

    assert.equal(await workloads.logs("fake"), "started localhost/fake:1\n");
    assert.equal(await workloads.logs("fake", { proxy: true }), "", "a foreground proxy logs to its own stderr");
    const exported = parseRunConfig(await workloads.export("fake"), "export");
    assert.deepEqual(JSON.parse(JSON.stringify(exported)), JSON.parse(JSON.stringify(plan.config)));
    assert.match(await workloads.export("fake", { format: "k8s" }), /kind: MCPServer\n[\s\S]*image: localhost\/fake:1/);

    const already = await workloads.start("fake");
    assert.deepEqual(already, { url: created.url, started: false });

    assert.equal(await workloads.stop("fake"), true);
    assert.equal(backends.server("fake").stops, 1, "the server the runtime saw running was stopped");
    shutdown.abort();
    await created.finished;
    assert.equal(await workloads.stop("fake"), false, "nothing runs any more");
    assert.deepEqual(await workloads.list(), [], "a stopped workload only with all");
    assert.equal((await workloads.list({ all: true }))[0]?.state, "stopped");
    assert.equal((await workloads.get("fake")).state, "stopped", "get shows a stopped one too");

    await workloads.remove("fake");
    assert.equal(backends.server("fake").removes, 1);
    assert.deepEqual(await workloads.list({ all: true }), []);
    await failsWith(workloads.logs("fake"), /^No workload named fake: see thv list -a$/);
  } finally {
    shutdown.abort();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("Workloads.start with foreground runs a saved workload in this process until its signal aborts", async () => {
  const { workloads, backends, dir } = await setup();
  const first = new AbortController();
  const second = new AbortController();
  try {
    const plan = await workloads.plan({ server: "localhost/fake:1", name: "again" });
    const created = await workloads.create(plan, { signal: first.signal, foreground: true });
    first.abort();
    await created.finished;
    const started = await workloads.start("again", { foreground: second.signal });
    assert.equal(started.url, created.url);
    assert.equal(started.started, true);
    assert.equal((await workloads.list())[0]?.state, "running");
    assert.equal(backends.server("again").prepares, 3, "prepared by create (twice: check, then run) and by start");
    second.abort();
    await started.finished;
    assert.equal((await workloads.list({ all: true }))[0]?.state, "stopped");
    assert.equal((await workloads.get("again")).state, "stopped", "get shows a stopped one too");
  } finally {
    first.abort();
    second.abort();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("Workloads: an unknown name fails every operation with one line that says where to look", async () => {
  const { workloads, dir } = await setup();
  try {
    for (
      const [what, work] of [
        ["start", () => workloads.start("ghost")],
        ["stop", () => workloads.stop("ghost")],
        ["restart", () => workloads.restart("ghost")],
        ["remove", () => workloads.remove("ghost")],
        ["logs", () => workloads.logs("ghost")],
        ["export", () => workloads.export("ghost")],
        ["get", () => workloads.get("ghost")],
      ] as const
    ) {
      await assert.rejects(work(), (e: Error) => {
        assert.equal(e.message, "No workload named ghost: see thv list -a", what);
        return true;
      });
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("Workloads.create leaves nothing behind when the runtime is not there, and a foreground run needs a signal", async () => {
  const { workloads, backends, dir } = await setup();
  try {
    const plan = await workloads.plan({ server: "localhost/fake:1", name: "nowhere" });
    await assert.rejects(workloads.create(plan, { foreground: true }), TypeError);
    backends.unavailable = "No container engine found: start Podman or Docker";
    await failsWith(workloads.create(plan), /^No container engine found: start Podman or Docker$/);
    assert.deepEqual(await workloads.list({ all: true }), [], "no RunConfig saved");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("Workloads.groups: a planned group must exist; members, a move to default, and removal with workloads", async () => {
  const { workloads, backends, dir } = await setup();
  try {
    await failsWith(
      workloads.plan({ server: "localhost/x:1", group: "dev" }),
      /^No group named dev: create it with thv group create dev \(see thv group list\)$/,
    );
    await failsWith(workloads.plan({ server: "localhost/x:1", group: "Dev" }), /^"Dev" is not a group name/);
    assert.equal((await workloads.plan({ server: "localhost/x:1" })).config.group, "default");
    await workloads.groups.create("dev");
    const inDev = await workloads.plan({ server: "localhost/x:1", name: "a", group: "dev" });
    assert.equal(inDev.config.group, "dev");

    // Saved (stopped) workloads: two in dev, one whose RunConfig names no group (so: default).
    const configs = new RunConfigStore(statePaths({ HOME: dir }).runConfigs);
    await configs.save(inDev.config);
    await configs.save({ ...inDev.config, name: "b" });
    const { group: _, ...noGroup } = { ...inDev.config, name: "c" };
    await configs.save(noGroup);
    assert.deepEqual(await workloads.groups.members("dev"), ["a", "b"]);
    assert.deepEqual(await workloads.groups.members("default"), ["c"]);
    assert.deepEqual((await workloads.list({ all: true, group: "default" })).map((w) => [w.name, w.group]), [
      ["c", "default"],
    ]);
    await failsWith(workloads.groups.members("nope"), /^No group named nope/);

    assert.deepEqual(await workloads.groups.remove("dev"), { moved: ["a", "b"], removed: [] });
    assert.equal((await configs.load("a"))?.group, "default");
    assert.deepEqual((await workloads.groups.list()).map((g) => g.name), ["default"]);
    await failsWith(workloads.groups.remove("default"), /^The default group cannot be removed/);

    await workloads.groups.create("ops");
    await configs.save({ ...inDev.config, name: "d", group: "ops" });
    assert.deepEqual(await workloads.groups.remove("ops", { withWorkloads: true }), { moved: [], removed: ["d"] });
    assert.equal(await configs.load("d"), undefined);
    assert.equal(backends.server("d").removes, 1, "its server was removed too");
    assert.deepEqual(await configs.names(), ["a", "b", "c"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("Workloads tells onChange each start and stop, and a hook that throws is a warning, not a failure", async () => {
  const changes: WorkloadChange[] = [];
  let broken = false;
  const { workloads, dir, events } = await setup((change) => {
    changes.push(change);
    return broken
      ? Promise.reject(new Error("MCP client not updated: Cursor: Cannot edit mcp.json"))
      : Promise.resolve();
  });
  const shutdown = new AbortController();
  try {
    const plan = await workloads.plan({ server: "localhost/fake:1", name: "fake" });
    const created = await workloads.create(plan, { signal: shutdown.signal, foreground: true });
    assert.deepEqual(changes, [{ kind: "started", name: "fake", url: created.url }]);
    broken = true;
    assert.equal(await workloads.stop("fake"), true);
    assert.deepEqual(changes.at(-1), { kind: "stopped", name: "fake" });
    assert.deepEqual(events.filter((e) => e.kind === "warning"), [
      { kind: "warning", message: "MCP client not updated: Cursor: Cannot edit mcp.json" },
    ]);
    broken = false;
    shutdown.abort();
    await created.finished;
    await workloads.remove("fake");
    assert.deepEqual(changes.slice(1).map((c) => c.kind), ["stopped", "stopped", "stopped"]);
  } finally {
    shutdown.abort();
    await Deno.remove(dir, { recursive: true });
  }
});
