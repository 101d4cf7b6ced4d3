/** `thv run` inside a pod (runtime kubernetes) is the proxy runner, and so is `thv proxyrunner run`. */
import assert from "node:assert/strict";
import { REPO_ROOT } from "./harness/mod.ts";
import { RUN_CONFIG_SCHEMA_VERSION } from "../lib/run_config.ts";

async function thvIn(cwd: string, args: string[], env: Record<string, string>) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--cached-only", `${REPO_ROOT}main.ts`, ...args],
    cwd,
    env: {
      NO_COLOR: "1",
      PATH: Deno.env.get("PATH") ?? "",
      HOME: Deno.env.get("HOME") ?? cwd,
      ...(Deno.env.get("DENO_DIR") ? { DENO_DIR: Deno.env.get("DENO_DIR")! } : {}),
      ...env,
    },
    clearEnv: true,
  }).output();
  return { code: out.code, stderr: new TextDecoder().decode(out.stderr) };
}

Deno.test("thv run with TOOLHIVE_RUNTIME=kubernetes is the proxy runner: it looks for the mounted RunConfig", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const envs: Record<string, string>[] = [{ TOOLHIVE_RUNTIME: "kubernetes" }, {
      KUBERNETES_SERVICE_HOST: "10.0.0.1",
    }];
    for (const env of envs) {
      const res = await thvIn(dir, ["run", "ghcr.io/example/fetch:1"], env);
      assert.equal(res.code, 1);
      assert.match(res.stderr, /^thv: No RunConfig found at \/etc\/runconfig\/runconfig.json, .*\.\/runconfig.json/);
    }
    const res = await thvIn(dir, ["proxyrunner", "run", "img"], {});
    assert.match(res.stderr, /No RunConfig found/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the proxy runner outside a pod says in one line that it needs the in-cluster service account", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(
      `${dir}/runconfig.json`,
      JSON.stringify({
        schema_version: RUN_CONFIG_SCHEMA_VERSION,
        name: "everything",
        image: "x:1",
        transport: "stdio",
        port: 8080,
      }),
    );
    const res = await thvIn(dir, ["run", "--k8s-pod-patch={}", "x:2"], { TOOLHIVE_RUNTIME: "kubernetes" });
    assert.equal(res.code, 1);
    // stdio is served through the attach API now: what stops it here is the missing cluster, named.
    assert.equal(
      res.stderr.trim().split("\n").at(-1),
      "thv: Cannot load Kubernetes credentials from the in-cluster service account: " +
        "KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
