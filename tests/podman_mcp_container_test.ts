/**
 * A real MCP server (@modelcontextprotocol/server-everything) in a Podman container with no network, behind
 * the stdio proxy through the container connector: the SDK client uses it, a killed container is started
 * again by itself, and stopping the proxy stops the container and keeps it (its logs stay readable).
 */
import assert from "node:assert/strict";
import { containerConnector, DockerWorkloads } from "../lib/runtime/docker/mod.ts";
import { RunConfig } from "../lib/run_config.ts";
import { connectClient, everythingImage, poll, serveStdioProxy, startPodman } from "./harness/mod.ts";

const text = (result: unknown) => (result as { content?: Array<{ text?: string }> }).content?.[0]?.text ?? "";

Deno.test("server-everything in a network-less container behind the proxy: calls, restart after a kill, cleanup", async () => {
  await using podman = await startPodman();
  const workloads = new DockerWorkloads(podman.docker);
  const name = `everything-${crypto.randomUUID().slice(0, 6)}`;
  const config = RunConfig.parse({
    schema_version: "v0.1.0",
    name,
    image: await everythingImage(podman.docker),
    transport: "stdio",
    port: 8080,
    permission_profile_name_or_path: "none",
  });
  try {
    const served = await serveStdioProxy(containerConnector(workloads, config));
    const client = await connectClient(served.url);
    try {
      assert.ok((await client.listTools()).tools.some((t) => t.name === "echo"));
      assert.equal(
        text(await client.callTool({ name: "echo", arguments: { message: "from a container" } })),
        "Echo: from a container",
      );
      const first = (await workloads.inspect(name))!;
      assert.equal(first.HostConfig.NetworkMode, "none");
      assert.equal(first.Config.Labels["toolhive-name"], name);

      await podman.docker.getContainer(first.Id).kill(); // the server dies
      const answer = await poll(
        () => client.callTool({ name: "echo", arguments: { message: "again" } }).then(text, () => undefined),
        { what: "the proxy to start the container again", deadlineMs: 30_000, intervalMs: 200 },
      );
      assert.equal(answer, "Echo: again");
      assert.notEqual((await workloads.inspect(name))!.Id, first.Id, "a new container");
    } finally {
      await client.close();
      await served.stop();
    }
    const kept = await workloads.find(name);
    assert.equal(kept?.state, "exited", "stopping the proxy stopped the container and kept it");
  } finally {
    await workloads.remove(name).catch(() => {});
  }
});
