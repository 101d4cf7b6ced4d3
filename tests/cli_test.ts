/**
 * The `thv` program as a user runs it: version, runtime detection against a real Podman socket, and
 * one-line errors that say what to do.
 */
import assert from "node:assert/strict";
import denoJson from "../deno.json" with { type: "json" };
import { muteSocket, runThv as thv, spawnThv, startPodman, within } from "./harness/mod.ts";

Deno.test("thv --version prints the version from deno.json", async () => {
  const res = await thv(["--version"]);
  assert.equal(res.code, 0);
  assert.equal(res.stdout, `${denoJson.version}\n`);
});

Deno.test("thv runtime check --format json reports a forced runtime and why", async () => {
  const res = await thv(["runtime", "check", "--format", "json"], { TOOLHIVE_RUNTIME: "deno" });
  assert.equal(res.code, 0, res.stderr);
  assert.deepEqual(JSON.parse(res.stdout), { runtime: "deno", reason: "TOOLHIVE_RUNTIME=deno" });
});

Deno.test("thv runtime check finds a real Podman through TOOLHIVE_PODMAN_SOCKET and asks its version", async () => {
  await using podman = await startPodman();
  const res = await thv(["runtime", "check"], { TOOLHIVE_PODMAN_SOCKET: podman.socketPath });
  assert.equal(res.code, 0, res.stderr);
  const version = (await podman.docker.version()).Version;
  assert.equal(
    res.stdout,
    [
      "runtime: podman",
      `engine:  podman ${version}`,
      `api:     ${(await podman.docker.version()).ApiVersion}`,
      `socket:  ${podman.socketPath}`,
      "reason:  TOOLHIVE_PODMAN_SOCKET is set",
      "",
    ].join("\n"),
  );
});

Deno.test("thv gives one-line errors that say what to do", async (t) => {
  await t.step("unknown TOOLHIVE_RUNTIME", async () => {
    const res = await thv(["runtime", "check"], { TOOLHIVE_RUNTIME: "lxc" });
    assert.equal(res.code, 1);
    assert.equal(
      res.stderr,
      "thv: TOOLHIVE_RUNTIME=lxc is not a runtime: use one of kubernetes, podman, docker, deno\n",
    );
  });
  await t.step("a socket override that points at nothing", async () => {
    const res = await thv(["runtime", "check"], { TOOLHIVE_DOCKER_SOCKET: "/nonexistent/docker.sock" });
    assert.equal(res.code, 1);
    assert.equal(
      res.stderr,
      "thv: TOOLHIVE_DOCKER_SOCKET=/nonexistent/docker.sock is not a socket: start the docker service there, or " +
        "unset TOOLHIVE_DOCKER_SOCKET\n",
    );
  });
  await t.step("an engine socket nobody answers on", async () => {
    const dir = await Deno.makeTempDir();
    const path = `${dir}/dead.sock`;
    // A stale socket, as an engine that crashed leaves behind: bound, never listened on. (Deno's listener
    // would remove the file when closed.)
    const bind = `import socket; socket.socket(socket.AF_UNIX).bind(${JSON.stringify(path)})`;
    assert.ok((await new Deno.Command("python3", { args: ["-c", bind] }).output()).success);
    try {
      const res = await thv(["runtime", "check"], { TOOLHIVE_PODMAN_SOCKET: path });
      assert.equal(res.code, 1);
      assert.match(
        res.stderr,
        new RegExp(`^thv: Cannot reach the engine at ${path}: .*ECONNREFUSED.*: start the engine.*\\n$`),
      );
      assert.equal(res.stderr.split("\n").length, 2, "one line");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
  await t.step("an engine that accepts but never answers", async () => {
    await using mute = await muteSocket();
    const res = await thv(["runtime", "check", "--timeout", "300"], { TOOLHIVE_PODMAN_SOCKET: mute.path });
    assert.equal(res.code, 1);
    assert.match(res.stderr, new RegExp(`^thv: Cannot reach the engine at ${mute.path}: no answer within 300 ms: `));
  });
  await t.step("bad flag values", async () => {
    const format = await thv(["runtime", "check", "--format", "yaml"], { TOOLHIVE_RUNTIME: "deno" });
    assert.equal(format.code, 1);
    assert.equal(format.stderr, "thv: --format yaml is not allowed: use one of text, json\n");
    const logFormat = await thv(["--log-format", "xml", "runtime", "check"]);
    assert.equal(logFormat.code, 1);
    assert.equal(logFormat.stderr, "thv: --log-format xml is not allowed: use one of auto, text, json\n");
  });
});

Deno.test("Ctrl-C ends a short command at once, even while it waits", async () => {
  await using mute = await muteSocket();
  const child = spawnThv(["runtime", "check", "--timeout", "20000"], { TOOLHIVE_PODMAN_SOCKET: mute.path });
  // The positive sign that it waits: it has connected to the engine, which never answers, and still runs.
  const first = await within(
    Promise.race([mute.connected.then(() => "connected"), child.child.status.then(() => "ended")]),
    60_000,
    "thv runtime check to connect to the engine",
  );
  if (first === "ended") assert.fail(`thv ended before SIGINT: ${await child.stderr}`);
  const sent = Date.now();
  const status = await child.stop("SIGINT");
  assert.equal(status.success, false);
  assert.ok(Date.now() - sent < 2000, `it ended ${Date.now() - sent} ms after SIGINT`);
  // Ended by the signal itself, not by an error of its own that happened to come first.
  assert.equal(status.signal, "SIGINT", `code ${status.code}: ${await child.stderr}`);
  assert.equal(await child.stderr, "", "nothing printed: the wait was cut, not failed");
});
