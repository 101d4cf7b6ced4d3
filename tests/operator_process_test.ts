/**
 * `thv operator` as a process, the way a pod runs it: flags and environment from main.ts, /readyz and
 * /metrics on the health port, and a graceful stop on SIGTERM.
 */
import "./harness/quiet_deprecations.ts";
import assert from "node:assert/strict";
import { THV_PERMISSIONS } from "../lib/config/mod.ts";
import { freePort, kubectl, operatorIdentity, poll, REPO_ROOT, startControlPlane } from "./harness/mod.ts";

Deno.test("thv operator runs as a process, reconciles, and stops cleanly on SIGTERM", async () => {
  await using cp = await startControlPlane();
  const run = async (args: string[], stdin?: string) => {
    const res = await kubectl(cp.kubeconfigPath, args, stdin);
    if (res.code !== 0) throw new Error(res.stderr);
    return res.stdout;
  };
  await run(["apply", "--server-side", "-f", `${REPO_ROOT}crds/generated/`]);
  await run(["wait", "--for=condition=Established", "crd/mcpservers.toolhive.stacklok.dev"]);
  await run(["create", "namespace", "team-a"]);
  const identity = await operatorIdentity(cp, "thv-operator");
  const port = freePort();
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      ...THV_PERMISSIONS,
      "main.ts",
      "--log-format",
      "json",
      "operator",
      "--kubeconfig",
      identity.path,
      "--health-host",
      "127.0.0.1",
      "--health-port",
      String(port),
    ],
    cwd: REPO_ROOT,
    env: { WATCH_NAMESPACE: "team-a", TOOLHIVE_RUNNER_IMAGE: "registry.local/thv:9" },
    clearEnv: true,
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const stderr = new Response(child.stderr).text();
  try {
    await poll(
      async () => (await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => (r.body?.cancel(), r.ok))) || undefined,
      {
        what: "the operator's /readyz",
      },
    );
    await run(
      ["apply", "-n", "team-a", "-f", "-"],
      JSON.stringify({
        apiVersion: "toolhive.stacklok.dev/v1beta1",
        kind: "MCPServer",
        metadata: { name: "fetch" },
        spec: { image: "example/mcp:1" },
      }),
    );
    const image = await poll(async () => {
      const res = await kubectl(cp.kubeconfigPath, [
        "get",
        "deployment",
        "fetch",
        "-n",
        "team-a",
        "-o",
        "jsonpath={.spec.template.spec.containers[0].image}",
      ]);
      return res.code === 0 && res.stdout ? res.stdout : undefined;
    }, { what: "the proxy Deployment" });
    assert.equal(image, "registry.local/thv:9", "TOOLHIVE_RUNNER_IMAGE reaches the Deployment");
    // The Deployment appears during the first pass; the counter moves when the pass ends.
    await poll(async () => {
      const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      return /^thv_operator_reconciles_total [1-9]\d*$/m.test(metrics) || undefined;
    }, { what: "a finished reconcile in /metrics" });
  } finally {
    child.kill("SIGTERM");
  }
  const status = await child.status;
  const log = await stderr;
  assert.equal(status.code, 0, log);
  const messages = log.trim().split("\n").map((l) => JSON.parse(l).msg);
  assert.ok(messages.includes("Started operator"), log);
  assert.equal(messages.at(-1), "Stopped operator");
});
