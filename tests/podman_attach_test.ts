/**
 * Containers run through Podman's Docker-compatible socket with dockerode, and a stdio attach carries
 * JSON-RPC lines byte for byte (dockerode's own attach would put its options ahead of them).
 */
import assert from "node:assert/strict";
import type { Readable } from "node:stream";
import { attachStdio } from "../lib/runtime/mod.ts";
import { buildTestImage, startPodman } from "./harness/mod.ts";

/** Reads `stream` until `count` newline-terminated lines arrived or `ms` passed. */
function readLines(stream: Readable, count: number, ms: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    let buffered = "";
    const timer = setTimeout(() => done(new Error(`expected ${count} lines within ${ms} ms, got ${buffered}`)), ms);
    const onData = (chunk: Uint8Array) => {
      buffered += new TextDecoder().decode(chunk);
      const lines = buffered.split("\n");
      if (lines.length > count) done(undefined, lines.slice(0, count));
    };
    const done = (err?: Error, lines?: string[]) => {
      clearTimeout(timer);
      stream.off("data", onData);
      if (err) reject(err);
      else resolve(lines!);
    };
    stream.on("data", onData);
  });
}

Deno.test("podman: a stdio container attached through dockerode echoes exactly the JSON-RPC lines written", async () => {
  await using podman = await startPodman();
  const { docker } = podman;
  const image = await buildTestImage(docker, { tag: "localhost/thv-test-cat:1", cmd: ["/bin/cat"], applets: ["cat"] });
  const container = await docker.createContainer({
    Image: image,
    name: `thv-test-attach-${crypto.randomUUID().slice(0, 8)}`,
    OpenStdin: true,
    StdinOnce: false,
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
    HostConfig: { NetworkMode: "none", CapDrop: ["ALL"], SecurityOpt: ["no-new-privileges"] },
  });
  try {
    const io = await attachStdio(docker, container.id);
    await container.start();
    const ping = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" });
    const call = JSON.stringify({ jsonrpc: "2.0", id: "two", method: "tools/call", params: { name: "echo ✓" } });
    io.stdin.write(`${ping}\n`);
    assert.deepEqual(await readLines(io.stdout, 1, 10_000), [ping]);
    io.stdin.write(`${call}\n`);
    assert.deepEqual(await readLines(io.stdout, 1, 10_000), [call]);

    io.stdin.end(); // cat reads EOF and exits 0
    const result = await container.wait();
    assert.equal(result.StatusCode, 0);
    io.close();
  } finally {
    await container.remove({ force: true });
  }
});

Deno.test("podman: attaching to a missing container is a clear error", async () => {
  await using podman = await startPodman();
  await assert.rejects(attachStdio(podman.docker, "no-such-container"), /Cannot attach to container no-such-container/);
});
