/**
 * `thv run` with an image the engine does not have: it pulls it from a real registry (CNCF Distribution on
 * loopback, the image pushed there by Podman), shows the progress as plain lines when stderr is not a
 * terminal, and runs it.
 */
import assert from "node:assert/strict";
import {
  connectClient,
  CONTAINERS_CONF,
  everythingImage,
  privateHome,
  runThv,
  startPodman,
  startRegistry,
} from "./harness/mod.ts";

async function podman(args: string[]): Promise<void> {
  const out = await new Deno.Command("podman", { args, env: { CONTAINERS_CONF }, stdout: "null", stderr: "piped" })
    .output();
  if (!out.success) throw new Error(`podman ${args.join(" ")}: ${new TextDecoder().decode(out.stderr)}`);
}

Deno.test("thv run pulls a missing image from a registry, with progress lines, and runs it", async () => {
  await using registry = await startRegistry();
  await using service = await startPodman({ insecureRegistries: [registry.address] });
  const local = await everythingImage(service.docker);
  const remote = `${registry.address}/thv-test/everything:${crypto.randomUUID().slice(0, 8)}`;
  await podman(["tag", local, remote]);
  await podman(["push", "--tls-verify=false", remote]);
  await podman(["rmi", remote]); // only the tag goes; the engine no longer has this image
  assert.equal(await service.docker.getImage(remote).inspect().then(() => true, () => false), false);

  await using user = await privateHome({ TOOLHIVE_PODMAN_SOCKET: service.socketPath });
  const { env } = user;
  const name = `pulled-${crypto.randomUUID().slice(0, 6)}`;
  try {
    const res = await runThv(["run", "--name", name, "--permission-profile", "none", remote], env);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stderr, new RegExp(`^Pulling ${remote.replace(/[.:/]/g, "\\$&")}: `, "m"));
    assert.doesNotMatch(res.stderr, /\r/, "no redrawn bar when stderr is not a terminal");
    assert.ok(await service.docker.getImage(remote).inspect(), "the engine has the image now");
    const client = await connectClient(res.stdout.trim());
    const result = await client.callTool({ name: "echo", arguments: { message: "pulled" } });
    await client.close();
    assert.equal((result.content as Array<{ text: string }>)[0]!.text, "Echo: pulled");
  } finally {
    await runThv(["rm", name], env);
    await podman(["rmi", remote]).catch(() => {});
  }
});
