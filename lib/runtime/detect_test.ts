import assert from "node:assert/strict";
import { denoSocketProbe, type DetectEnv, detectRuntime, type RuntimeChoice, type SocketProbe } from "./detect.ts";

/** A probe over a fixed set of socket paths. */
function sockets(...paths: string[]): SocketProbe {
  const set = new Set(paths);
  return {
    isSocket: (p) => set.has(p),
    readDir: (dir) => paths.filter((p) => p.startsWith(`${dir}/`)).map((p) => p.slice(dir.length + 1)),
  };
}

/** The runtime and engine of a choice, engine undefined when there is no socket. */
function engineOf(choice: RuntimeChoice): [string, string | undefined] {
  return [choice.runtime, "engine" in choice ? choice.engine : undefined];
}

const HOME: DetectEnv = { HOME: "/home/u", XDG_RUNTIME_DIR: "/run/user/1000", TMPDIR: "/tmp" };

Deno.test("detectRuntime: TOOLHIVE_RUNTIME wins over KUBERNETES_SERVICE_HOST and sockets", () => {
  const probe = sockets("/var/run/docker.sock");
  const env = { ...HOME, KUBERNETES_SERVICE_HOST: "10.0.0.1" };
  assert.equal(detectRuntime({ ...env, TOOLHIVE_RUNTIME: "deno" }, probe).runtime, "deno");
  assert.equal(detectRuntime({ ...HOME, TOOLHIVE_RUNTIME: "kubernetes" }, probe).runtime, "kubernetes");
  const docker = detectRuntime({ ...env, TOOLHIVE_RUNTIME: "docker" }, probe);
  assert.deepEqual(docker, {
    runtime: "docker",
    engine: "docker",
    socketPath: "/var/run/docker.sock",
    reason: "TOOLHIVE_RUNTIME=docker",
  });
});

Deno.test("detectRuntime: KUBERNETES_SERVICE_HOST means kubernetes when nothing is forced", () => {
  const choice = detectRuntime({ ...HOME, KUBERNETES_SERVICE_HOST: "10.0.0.1" }, sockets("/var/run/docker.sock"));
  assert.equal(choice.runtime, "kubernetes");
});

Deno.test("detectRuntime: an unknown TOOLHIVE_RUNTIME is a TypeError that lists the choices", () => {
  assert.throws(() => detectRuntime({ TOOLHIVE_RUNTIME: "lxc" }, sockets()), {
    name: "TypeError",
    message: "TOOLHIVE_RUNTIME=lxc is not a runtime: use one of kubernetes, podman, docker, deno",
  });
});

Deno.test("detectRuntime: search order is Podman, then Docker, then Colima", () => {
  const all = sockets(
    "/run/user/1000/podman/podman.sock",
    "/var/run/docker.sock",
    "/home/u/.colima/default/docker.sock",
  );
  assert.deepEqual(detectRuntime(HOME, all), {
    runtime: "podman",
    engine: "podman",
    socketPath: "/run/user/1000/podman/podman.sock",
    reason: "found the podman socket",
  });
  const noPodman = sockets("/home/u/.docker/run/docker.sock", "/home/u/.colima/default/docker.sock");
  assert.deepEqual(engineOf(detectRuntime(HOME, noPodman)), ["docker", "docker"]);
  assert.deepEqual(engineOf(detectRuntime(HOME, sockets("/home/u/.colima/default/docker.sock"))), ["docker", "colima"]);
});

Deno.test("detectRuntime: podman machine sockets under TMPDIR are found", () => {
  const choice = detectRuntime(HOME, sockets("/tmp/podman/podman-machine-default-api.sock"));
  assert.equal(choice.runtime === "podman" && choice.socketPath, "/tmp/podman/podman-machine-default-api.sock");
});

Deno.test("detectRuntime: socket overrides are checked first, in Podman, Docker, Colima order", () => {
  const probe = sockets("/var/run/podman/podman.sock", "/x/docker.sock", "/x/colima.sock");
  const env = { ...HOME, TOOLHIVE_DOCKER_SOCKET: "/x/docker.sock", TOOLHIVE_COLIMA_SOCKET: "/x/colima.sock" };
  assert.deepEqual(detectRuntime(env, probe), {
    runtime: "docker",
    engine: "docker",
    socketPath: "/x/docker.sock",
    reason: "TOOLHIVE_DOCKER_SOCKET is set",
  });
});

Deno.test("detectRuntime: an override that is not a socket is an error naming the variable", () => {
  assert.throws(() => detectRuntime({ ...HOME, TOOLHIVE_PODMAN_SOCKET: "/nope.sock" }, sockets()), {
    message: "TOOLHIVE_PODMAN_SOCKET=/nope.sock is not a socket: start the podman service there, or unset " +
      "TOOLHIVE_PODMAN_SOCKET",
  });
});

Deno.test("detectRuntime: a forced engine only takes its own sockets and says how to start one", () => {
  const dockerOnly = sockets("/var/run/docker.sock");
  assert.throws(() => detectRuntime({ ...HOME, TOOLHIVE_RUNTIME: "podman" }, dockerOnly), (e: Error) => {
    assert.match(e.message, /^TOOLHIVE_RUNTIME=podman but no podman socket was found in \/var\/run\/podman/);
    assert.match(e.message, /podman system service/);
    assert.doesNotMatch(e.message, /docker\.sock/);
    return true;
  });
  const colima = detectRuntime({ ...HOME, TOOLHIVE_RUNTIME: "docker" }, sockets("/home/u/.colima/default/docker.sock"));
  assert.deepEqual(engineOf(colima), ["docker", "colima"]);
});

Deno.test("detectRuntime: falls back to the Deno sandbox when no engine is found", () => {
  assert.equal(detectRuntime(HOME, sockets()).runtime, "deno");
  assert.equal(detectRuntime({}, sockets()).runtime, "deno");
});

Deno.test("denoSocketProbe tells a real unix socket from a plain file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const sock = `${dir}/engine.sock`;
    const listener = Deno.listen({ transport: "unix", path: sock });
    await Deno.writeTextFile(`${dir}/plain.sock`, "");
    try {
      assert.equal(denoSocketProbe.isSocket(sock), true);
      assert.equal(denoSocketProbe.isSocket(`${dir}/plain.sock`), false);
      assert.equal(denoSocketProbe.isSocket(`${dir}/missing.sock`), false);
      assert.deepEqual(denoSocketProbe.readDir(dir).sort(), ["engine.sock", "plain.sock"]);
      const choice = detectRuntime({ TOOLHIVE_PODMAN_SOCKET: sock }, denoSocketProbe);
      assert.equal(choice.runtime, "podman");
    } finally {
      listener.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
