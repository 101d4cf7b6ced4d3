/**
 * Containers run through Podman's Docker-compatible socket with dockerode, and a stdio attach carries
 * JSON-RPC lines byte for byte (dockerode's own attach would put its options ahead of them).
 */
import assert from "node:assert/strict";
import { attachStdio } from "../lib/runtime/docker/mod.ts";
import { buildTestImage, LineReader, startPodman } from "./harness/mod.ts";

Deno.test("podman: a stdio container attached through dockerode echoes exactly the JSON-RPC lines written", async () => {
  await using podman = await startPodman();
  const { docker } = podman;
  const image = await buildTestImage(docker, { tag: "localhost/thv-test-cat:1", cmd: ["/bin/cat"], applets: ["cat"] });
  const container = await docker.createContainer({
    Image: image,
    name: `thv-test-attach-${crypto.randomUUID().slice(0, 8)}`,
    OpenStdin: true,
    StdinOnce: true,
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
    HostConfig: { NetworkMode: "none", CapDrop: ["ALL"], SecurityOpt: ["no-new-privileges"] },
  });
  const io = await attachStdio(docker, container.id);
  try {
    await container.start();
    const ping = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" });
    const call = JSON.stringify({ jsonrpc: "2.0", id: "two", method: "tools/call", params: { name: "echo ✓" } });
    const lines = new LineReader(io.stdout);
    io.stdin.write(`${ping}\n`);
    assert.equal(await lines.next(), ping);
    io.stdin.write(`${call}\n`);
    assert.equal(await lines.next(), call);

    io.stdin.end(); // cat reads EOF and exits 0
    const result = await container.wait();
    assert.equal(result.StatusCode, 0);
    assert.equal(await io.closed, null);
  } finally {
    io.close();
    await container.remove({ force: true });
  }
});

Deno.test("podman: attaching to a missing container is a clear error", async () => {
  await using podman = await startPodman();
  await assert.rejects(attachStdio(podman.docker, "no-such-container"), /Cannot attach to container no-such-container/);
});
