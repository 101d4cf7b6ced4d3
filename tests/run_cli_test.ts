/**
 * `thv run --foreground` as a user runs it, on real Podman: the printed URL serves an MCP client, the
 * container is isolated as asked, Ctrl-C (SIGTERM) removes it, and bad input gets one line that says what
 * to do and leaves nothing behind.
 */
import assert from "node:assert/strict";
import { DockerWorkloads } from "../lib/runtime/docker/mod.ts";
import { connectClient, everythingImage, poll, runThv, spawnThv, startPodman } from "./harness/mod.ts";

Deno.test("thv run --foreground: a containerized stdio server behind the proxy, removed on SIGTERM", async () => {
  await using podman = await startPodman();
  const image = await everythingImage(podman.docker);
  const workloads = new DockerWorkloads(podman.docker);
  const name = `ev-${crypto.randomUUID().slice(0, 6)}`;
  const thv = spawnThv(
    [
      "--log-format",
      "json",
      "run",
      "--foreground",
      "--name",
      name,
      "--permission-profile",
      "none",
      "-e",
      "GREETING=hi",
      image,
    ],
    { TOOLHIVE_PODMAN_SOCKET: podman.socketPath },
  );
  try {
    const url = await thv.firstLine(60_000);
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    const client = await connectClient(url);
    const result = await client.callTool({ name: "echo", arguments: { message: "thv run" } });
    assert.equal((result.content as Array<{ text: string }>)[0]!.text, "Echo: thv run");
    await client.close();
    const info = (await workloads.inspect(name))!;
    assert.equal(info.HostConfig.NetworkMode, "none");
    assert.ok(info.Config.Env.includes("GREETING=hi"));
  } finally {
    const status = await thv.stop();
    assert.equal(status.code, 0, await thv.stderr);
  }
  assert.equal(await workloads.find(name), undefined, "the container is gone");
});

Deno.test("thv run --foreground --transport streamable-http: a published container behind the reverse proxy", async () => {
  await using podman = await startPodman();
  const image = await everythingImage(podman.docker);
  const workloads = new DockerWorkloads(podman.docker);
  const name = `evh-${crypto.randomUUID().slice(0, 6)}`;
  const server = [
    "/usr/bin/node",
    "/app/node_modules/@modelcontextprotocol/server-everything/dist/index.js",
    "streamableHttp",
  ];
  const thv = spawnThv(
    [
      "run",
      "--foreground",
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
      ...server,
    ],
    { TOOLHIVE_PODMAN_SOCKET: podman.socketPath },
  );
  try {
    const url = await thv.firstLine(60_000);
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    const client = await poll(() => connectClient(url).catch(() => undefined), {
      what: "the server in the container",
      deadlineMs: 30_000,
    });
    const result = await client.callTool({ name: "echo", arguments: { message: "over http" } });
    assert.equal((result.content as Array<{ text: string }>)[0]!.text, "Echo: over http");
    await client.close();
    const info = (await workloads.inspect(name))!;
    const bindings = info.HostConfig.PortBindings["3001/tcp"] as Array<{ HostIp: string }>;
    assert.deepEqual(bindings.map((b) => b.HostIp), ["127.0.0.1"], "published on loopback only");
  } finally {
    const status = await thv.stop();
    assert.equal(status.code, 0, await thv.stderr);
  }
  assert.equal(await workloads.find(name), undefined, "the container is gone");
});

Deno.test("thv run refuses bad input with one line that says what to do, and leaves nothing behind", async (t) => {
  await using podman = await startPodman();
  const workloads = new DockerWorkloads(podman.docker);
  const before = (await workloads.list()).length;
  const env = { TOOLHIVE_PODMAN_SOCKET: podman.socketPath, HOME: "/tmp" };
  const oneLine = (stderr: string) => assert.equal(stderr.trim().split("\n").length, 1, stderr);
  await t.step("without --foreground", async () => {
    const res = await runThv(["run", "img:1"], env);
    assert.equal(res.code, 1);
    assert.equal(
      res.stderr,
      "thv: thv run in the background is not there yet: add --foreground (Ctrl-C stops the server)\n",
    );
  });
  await t.step("with no container engine", async () => {
    const res = await runThv(["run", "--foreground", "img:1"], { TOOLHIVE_RUNTIME: "deno", HOME: "/tmp" });
    assert.equal(res.code, 1);
    assert.match(res.stderr, /^thv: The Deno sandbox runtime is not there yet: start Podman or Docker/);
    oneLine(res.stderr);
  });
  await t.step("an image the engine does not have", async () => {
    const res = await runThv(["run", "--foreground", "--name", "nope", "localhost/not-here:1"], env);
    assert.equal(res.code, 1);
    assert.match(res.stderr, /Image localhost\/not-here:1 is not on the engine: pull or build it first/);
    oneLine(res.stderr);
  });
  await t.step("a bad -e entry and a bad name", async () => {
    const bad = await runThv(["run", "--foreground", "-e", "NOPE", "img:1"], env);
    assert.match(bad.stderr, /^thv: -e NOPE is not KEY=VALUE/);
    const name = await runThv(["run", "--foreground", "--name", "Bad/Name", "img:1"], env);
    assert.match(name.stderr, /^thv: "Bad\/Name" is not a workload name/);
  });
  assert.equal((await workloads.list()).length, before, "no container was left behind");
});
