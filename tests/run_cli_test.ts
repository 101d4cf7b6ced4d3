/**
 * `thv run --foreground` as a user runs it, on real Podman: the printed URL serves an MCP client, the
 * container is isolated as asked, and Ctrl-C (SIGTERM) stops it and records it as stopped, so that
 * `thv start` or `thv rm` can follow. (The detached lifecycle and bad input: workloads_cli_test.ts.)
 */
import assert from "node:assert/strict";
import { DockerWorkloads } from "../lib/runtime/docker/mod.ts";
import {
  connectClient,
  EVERYTHING_IN_IMAGE,
  everythingImage,
  poll,
  privateHome,
  runThv,
  spawnThv,
  startPodman,
} from "./harness/mod.ts";

/** After a foreground run ended: its container is stopped and kept, list says stopped, and rm removes it. */
async function assertStoppedThenRemoved(workloads: DockerWorkloads, name: string, env: Record<string, string>) {
  assert.equal((await workloads.find(name))?.state, "exited", "the container is stopped and kept");
  const listed = JSON.parse((await runThv(["list", "-a", "--format", "json"], env)).stdout);
  assert.equal(listed[0]?.state, "stopped");
  assert.equal((await runThv(["rm", name], env)).code, 0);
  assert.equal(await workloads.find(name), undefined, "rm removed the container");
}

Deno.test("thv run --foreground: a containerized stdio server behind the proxy, stopped on SIGTERM", async () => {
  await using podman = await startPodman();
  await using user = await privateHome({ TOOLHIVE_PODMAN_SOCKET: podman.socketPath });
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
    user.env,
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
  await assertStoppedThenRemoved(workloads, name, user.env);
});

Deno.test("thv run --foreground --transport streamable-http: a published container behind the reverse proxy", async () => {
  await using podman = await startPodman();
  await using user = await privateHome({ TOOLHIVE_PODMAN_SOCKET: podman.socketPath });
  const image = await everythingImage(podman.docker);
  const workloads = new DockerWorkloads(podman.docker);
  const name = `evh-${crypto.randomUUID().slice(0, 6)}`;
  const server = [
    ...EVERYTHING_IN_IMAGE,
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
    user.env,
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
  await assertStoppedThenRemoved(workloads, name, user.env);
});
