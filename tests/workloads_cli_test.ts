/**
 * The detached workload lifecycle as a user drives it, on real Podman with server-everything in a container:
 * `thv run` returns and its proxy lives on; `list` tells the truth about dead processes and containers;
 * `logs`, `stop`, `start`, `restart`, `export` and `rm` do what they say; a killed container comes back by
 * itself; a corrupt RunConfig hides nothing from list and rm; two runs of one name end with one workload; bad
 * input leaves nothing behind.
 */
import assert from "node:assert/strict";
import { DockerWorkloads } from "../lib/runtime/docker/mod.ts";
import type { WorkloadSummary } from "../lib/workloads/mod.ts";
import {
  connectClient,
  EVERYTHING_IN_IMAGE,
  everythingImage,
  filesUnder,
  kubectl,
  muteSocket,
  poll,
  privateHome,
  REPO_ROOT,
  runThv,
  startControlPlane,
  startPodman,
} from "./harness/mod.ts";

const CRD_FILE = `${REPO_ROOT}crds/generated/toolhive.stacklok.dev_mcpservers.yaml`;

async function echo(url: string, message: string): Promise<string> {
  const client = await connectClient(url);
  try {
    const result = await client.callTool({ name: "echo", arguments: { message } });
    return (result.content as Array<{ text: string }>)[0]!.text;
  } finally {
    await client.close();
  }
}

async function ok(args: string[], env: Record<string, string>): Promise<string> {
  const res = await runThv(args, env);
  assert.equal(res.code, 0, `thv ${args.join(" ")}: ${res.stderr}`);
  return res.stdout;
}

async function listed(env: Record<string, string>, name: string): Promise<WorkloadSummary | undefined> {
  const all = JSON.parse(await ok(["list", "-a", "--format", "json"], env)) as WorkloadSummary[];
  return all.find((w) => w.name === name);
}

Deno.test("thv run detached: the proxy outlives thv run, list tells the truth, the lifecycle commands work", async (t) => {
  await using podman = await startPodman();
  await using user = await privateHome({ TOOLHIVE_PODMAN_SOCKET: podman.socketPath });
  const { env } = user;
  const image = await everythingImage(podman.docker);
  const workloads = new DockerWorkloads(podman.docker);
  const name = `ev-${crypto.randomUUID().slice(0, 6)}`;
  let url = "";
  try {
    await t.step("run returns with the URL, and the detached proxy serves it", async () => {
      url = (await ok(["run", "--name", name, "--permission-profile", "none", image], env)).trim();
      assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
      assert.equal(await echo(url, "detached"), "Echo: detached");
      const w = await listed(env, name);
      assert.equal(w?.state, "running");
      assert.ok(w?.pid, "the proxy's PID is recorded");
      assert.equal((await workloads.inspect(name))?.HostConfig.NetworkMode, "none");
      const text = await ok(["list"], env);
      assert.match(text, new RegExp(`^${name}\\s+${image.replace(/[.:/]/g, "\\$&")}\\s+running\\s+stdio`, "m"));
    });

    await t.step("logs shows the server's stderr, not its MCP traffic; --proxy shows the proxy's log", async () => {
      const logs = await ok(["logs", name], env);
      assert.match(logs, /Starting default \(STDIO\) server/);
      assert.doesNotMatch(logs, /"jsonrpc"/);
      assert.match(await ok(["logs", name, "--proxy"], env), /Started workload/);
    });

    await t.step("a killed container is started again by the proxy", async () => {
      const before = (await workloads.inspect(name))!.Id;
      await podman.docker.getContainer(before).kill();
      const again = await poll(() => echo(url, "back").catch(() => undefined), {
        what: "the server to come back",
        deadlineMs: 30_000,
        intervalMs: 200,
      });
      assert.equal(again, "Echo: back");
      assert.notEqual((await workloads.inspect(name))!.Id, before);
    });

    await t.step("a killed proxy is reported as not running, and start brings it back", async () => {
      const pid = (await listed(env, name))!.pid!;
      Deno.kill(pid, "SIGKILL");
      const dead = await poll(async () => {
        const w = await listed(env, name);
        return w?.state === "error" ? w : undefined;
      }, { what: "list to see the dead proxy", deadlineMs: 10_000 });
      assert.match(dead.reason, new RegExp(`pid ${pid}\\) is gone: thv start`));
      assert.equal((await ok(["start", name], env)).trim(), url, "the same URL");
      assert.equal(await echo(url, "restarted"), "Echo: restarted");
    });

    await t.step("stop stops proxy and container and keeps them; start and restart bring them back", async () => {
      assert.equal((await ok(["stop", name], env)).trim(), `Stopped ${name}`);
      assert.equal((await listed(env, name))?.state, "stopped");
      assert.equal((await ok(["list"], env)).trim(), "No running workloads: see thv list -a");
      assert.equal((await workloads.find(name))?.state, "exited", "the container is kept, stopped");
      await assert.rejects(echo(url, "nobody"));
      assert.equal((await ok(["start", name], env)).trim(), url);
      assert.equal(await echo(url, "started"), "Echo: started");
      const pid = (await listed(env, name))!.pid;
      assert.equal((await ok(["restart", name], env)).trim(), url);
      assert.notEqual((await listed(env, name))!.pid, pid, "a new proxy");
      assert.equal(await echo(url, "restarted"), "Echo: restarted");
    });

    await t.step("export --format k8s is an MCPServer the control plane accepts", async () => {
      const yaml = await ok(["export", name, "--format", "k8s"], env);
      assert.match(yaml, /kind: MCPServer/);
      await using cp = await startControlPlane();
      const k = (args: string[], stdin?: string) => kubectl(cp.kubeconfigPath, args, stdin);
      assert.equal((await k(["apply", "--server-side", "-f", CRD_FILE])).code, 0);
      const applied = await poll(async () => {
        const res = await k(["apply", "-f", "-"], yaml);
        return res.code === 0 ? res : undefined;
      }, { what: "the MCPServer to apply", deadlineMs: 30_000 });
      assert.match(applied.stdout, new RegExp(`mcpserver.toolhive.stacklok.dev/${name} created`));
      const got = JSON.parse((await k(["get", "mcpserver", name, "-o", "json"])).stdout);
      assert.equal(got.spec.image, image);
      assert.deepEqual(got.spec.permissionProfile, { type: "builtin", name: "none" });
      const json = JSON.parse(await ok(["export", name], env));
      assert.equal(json.name, name);
      assert.equal(json.schema_version, "v0.1.0");
    });

    await t.step("a corrupt RunConfig shows the workload as broken; rm still finds its container", async () => {
      const file = `${user.home}/.local/state/toolhive/runconfigs/${name}.json`;
      await Deno.writeTextFile(file, "{ not json");
      const w = await listed(env, name);
      assert.equal(w?.state, "broken");
      assert.match(w!.reason, new RegExp(`RunConfig ${file} is not JSON: .*: fix the file, or remove the workload`));
      assert.ok(await workloads.find(name), "its container is still there");
    });

    await t.step("rm removes the container and every file of the workload", async () => {
      assert.equal((await ok(["rm", name], env)).trim(), `Removed ${name}`);
      assert.equal(await workloads.find(name), undefined);
      assert.deepEqual(await filesUnder(user.home), []);
      assert.equal(await listed(env, name), undefined);
      await assert.rejects(echo(url, "gone"));
    });
  } finally {
    await runThv(["rm", name], env);
    await workloads.remove(name).catch(() => {});
  }
});

Deno.test("thv run detached: a streamable-HTTP server in a container behind the reverse proxy", async () => {
  await using podman = await startPodman();
  await using user = await privateHome({ TOOLHIVE_PODMAN_SOCKET: podman.socketPath });
  const image = await everythingImage(podman.docker);
  const name = `evh-${crypto.randomUUID().slice(0, 6)}`;
  try {
    const url = (await ok([
      "run",
      "--name",
      name,
      "--transport",
      "streamable-http",
      "--target-port",
      "3001",
      "-e",
      "PORT=3001",
      image,
      "--",
      ...EVERYTHING_IN_IMAGE,
      "streamableHttp",
    ], user.env)).trim();
    const answer = await poll(() => echo(url, "over http").catch(() => undefined), {
      what: "the HTTP server in the container",
      deadlineMs: 30_000,
    });
    assert.equal(answer, "Echo: over http");
    assert.equal((await listed(user.env, name))?.transport, "streamable-http");
  } finally {
    await ok(["rm", name], user.env);
  }
});

Deno.test("two concurrent thv run --name same end with one workload and a clear error for the other", async () => {
  await using podman = await startPodman();
  await using user = await privateHome({ TOOLHIVE_PODMAN_SOCKET: podman.socketPath });
  const image = await everythingImage(podman.docker);
  const workloads = new DockerWorkloads(podman.docker);
  const name = `same-${crypto.randomUUID().slice(0, 6)}`;
  try {
    const results = await Promise.all([1, 2].map(() => runThv(["run", "--name", name, image], user.env)));
    const won = results.filter((r) => r.code === 0);
    const lost = results.filter((r) => r.code !== 0);
    assert.equal(won.length, 1, results.map((r) => r.stderr).join("\n"));
    assert.equal(lost.length, 1);
    assert.equal(
      lost[0]!.stderr,
      `thv: A workload named ${name} exists already: start it with thv start ${name}, remove it with thv rm ${name}, ` +
        "or choose another --name\n",
    );
    assert.equal((await workloads.list()).filter((w) => w.name === name).length, 1);
    assert.equal(await echo(won[0]!.stdout.trim(), "winner"), "Echo: winner");
  } finally {
    await runThv(["rm", name], user.env);
  }
});

Deno.test("thv run and the lifecycle commands refuse bad input with one line, leaving nothing behind", async (t) => {
  await using podman = await startPodman();
  await using user = await privateHome({ TOOLHIVE_PODMAN_SOCKET: podman.socketPath });
  const { env } = user;
  const workloads = new DockerWorkloads(podman.docker);
  // Podman's storage is the machine's, shared with tests running in parallel: count only the names used here.
  const mine = async () => (await workloads.list()).filter((w) => ["nope", "mute", "img", "ghost"].includes(w.name));
  const before = (await mine()).length;
  const fails = async (args: string[], says: RegExp, extra: Record<string, string> = {}) => {
    const res = await runThv(args, { ...env, ...extra });
    assert.equal(res.code, 1, `thv ${args.join(" ")} should fail`);
    assert.match(res.stderr, says);
    assert.equal(res.stderr.trim().split("\n").length, 1, res.stderr);
  };
  await t.step(
    "an image the engine does not have and cannot pull",
    () =>
      fails(
        ["run", "--name", "nope", "localhost:1/not-here:1"],
        /^thv: Cannot pull image localhost:1\/not-here:1: .*: check the name and the registry/,
      ),
  );
  await t.step(
    "no container engine",
    () =>
      fails(["run", "img:1"], /^thv: No container engine found: start Podman or Docker/, { TOOLHIVE_RUNTIME: "deno" }),
  );
  await t.step("an engine that does not answer", async () => {
    await using mute = await muteSocket();
    await fails(["run", "--name", "mute", "img:1"], /^thv: Cannot reach the container engine: .*within 5 s/, {
      TOOLHIVE_PODMAN_SOCKET: mute.path,
    });
  });
  await t.step("bad flags", async () => {
    await fails(["run", "-e", "NOPE", "img:1"], /^thv: -e NOPE is not KEY=VALUE/);
    await fails(["run", "--name", "Bad/Name", "img:1"], /^thv: "Bad\/Name" is not a workload name/);
    await fails(["run", "--proxy-port", "70000", "img:1"], /--proxy-port 70000 is not a port: use 1 to 65535/);
    await fails(["run", "-v", "relative:/data", "img:1"], /Mount "relative:\/data" is not allowed: use absolute paths/);
    await fails(["run", "--permission-profile", "/no/such.json", "img:1"], /is neither none, network nor a readable/);
    const profile = `${user.home}/../thv-bad-profile-${crypto.randomUUID().slice(0, 6)}.json`;
    await Deno.writeTextFile(profile, JSON.stringify({ network: { outbound: { allow_port: ["x"] } } }));
    await fails(["run", "--permission-profile", profile, "img:1"], /field network\.outbound\.allow_port\.0/);
    await Deno.remove(profile);
    await fails(["run"], /^thv: Name a server to run/);
    using taken = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = String(taken.addr.port);
    await fails(
      ["run", "--proxy-port", port, "img:1"],
      new RegExp(`^thv: --proxy-port ${port} is taken: choose another`),
    );
  });
  await t.step("commands on a workload that does not exist", async () => {
    for (const command of ["start", "stop", "rm", "logs", "export"]) {
      await fails([command, "ghost"], /^thv: No workload named ghost: see thv list -a/);
    }
  });
  assert.equal((await mine()).length, before, "no container was left behind");
  assert.deepEqual(await filesUnder(user.home), [], "no state was left behind");
});
