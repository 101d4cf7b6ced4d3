/**
 * `--authz-config` as a user gives it, through the real `thv` process: `thv run` (the Deno sandbox, no
 * container engine), `thv proxy stdio` and a workload `thv serve` creates with `authz_config` serve only what
 * the Cedar policy permits, and a policy that does not parse fails the command in one line, leaving nothing
 * behind.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { connectClient, FIXTURE_STDIO, poll, privateHome, runThv, spawnThv, startServe } from "./harness/mod.ts";

const CACHE = `${Deno.env.get("HOME")}/.cache/thv/test-xdg-cache`;
const PROBE = `npx://${fileURLToPath(new URL("./fixtures/sandbox_probe", import.meta.url))}`;
// Without authentication the caller is the anonymous local user.
const POLICY = 'permit(principal == Client::"anonymous", action == Action::"call_tool", resource == Tool::"echo");';

async function policyFiles(dir: string) {
  const good = `${dir}/authz.yaml`;
  await Deno.writeTextFile(good, `version: "1.0"\ntype: cedarv1\ncedar:\n  policies:\n    - '${POLICY}'\n`);
  const bad = `${dir}/bad.json`;
  await Deno.writeTextFile(
    bad,
    JSON.stringify({ version: "1.0", type: "cedarv1", cedar: { policies: ["permit(principal, action"] } }),
  );
  return { good, bad };
}

async function assertOnlyEcho(url: string) {
  const client = await connectClient(url);
  try {
    const result = await client.callTool({ name: "echo", arguments: { message: "authz" } });
    assert.match(JSON.stringify(result.content), /authz/);
    assert.deepEqual((await client.listTools()).tools.map((t) => t.name), ["echo"]);
  } finally {
    await client.close();
  }
}

Deno.test("thv run --authz-config keeps the policy in the RunConfig and the proxy serves only what it permits", async () => {
  await using user = await privateHome({ XDG_CACHE_HOME: CACHE, TOOLHIVE_RUNTIME: "deno" });
  const { good, bad } = await policyFiles(user.home);
  const refused = await runThv(["run", "--name", "denied", "--authz-config", bad, PROBE], user.env);
  assert.equal(refused.code, 1);
  assert.match(
    refused.stderr,
    /^thv: Authorization config .*bad\.json: cedar\.policies\[0\] does not parse: [^\n]*\n$/,
  );
  const left = await Array.fromAsync(Deno.readDir(`${user.home}/.local/state/toolhive/runconfigs`)).catch(() => []);
  assert.deepEqual(left, [], "no RunConfig was saved");

  const res = await runThv(["run", "--name", "guarded", "--authz-config", good, PROBE], user.env);
  try {
    assert.equal(res.code, 0, res.stderr);
    const url = res.stdout.trim();
    const saved = JSON.parse(await Deno.readTextFile(`${user.home}/.local/state/toolhive/runconfigs/guarded.json`));
    assert.deepEqual(saved.authz_config, { version: "1.0", type: "cedarv1", cedar: { policies: [POLICY] } });
    await assertOnlyEcho(url);
    const denied = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 9, method: "tools/call", params: { name: "env", arguments: {} } }),
    });
    assert.equal(denied.status, 403);
    assert.deepEqual(await denied.json(), { jsonrpc: "2.0", id: 9, error: { code: 403, message: "Unauthorized" } });
  } finally {
    await runThv(["rm", "guarded"], user.env);
  }
});

Deno.test("thv proxy --authz-config before stdio serves only what the policy permits; a bad policy is one line", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const { good, bad } = await policyFiles(dir);
    const thv = spawnThv([
      "proxy",
      "--authz-config",
      good,
      "stdio",
      "--",
      FIXTURE_STDIO.command,
      ...FIXTURE_STDIO.args,
    ]);
    try {
      await assertOnlyEcho(await thv.firstLine(30_000));
    } finally {
      assert.equal((await thv.stop()).code, 0);
    }
    const failed = await runThv(["proxy", "stdio", "--authz-config", bad, "--", FIXTURE_STDIO.command]);
    assert.equal(failed.code, 1);
    assert.match(
      failed.stderr,
      /^thv: Authorization config .*bad\.json: cedar\.policies\[0\] does not parse: [^\n]*\n$/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("thv serve: a workload created with authz_config serves only what the policy permits", async () => {
  await using home = await privateHome({ XDG_CACHE_HOME: CACHE, TOOLHIVE_RUNTIME: "deno" });
  await using serve = await startServe(home.env);
  const { good } = await policyFiles(home.home);
  const res = await serve.api("/api/v1beta/workloads", {
    method: "POST",
    body: JSON.stringify({ name: "api-guarded", image: PROBE, authz_config: good }),
  });
  assert.equal(res.status, 201, await res.clone().text());
  const { port } = await res.json() as { port: number };
  try {
    await poll(async () => {
      const s = await (await serve.api("/api/v1beta/workloads/api-guarded/status")).json();
      if (s.status === "error") throw new Error(JSON.stringify(s));
      return s.status === "running" || undefined;
    }, { what: "api-guarded running", deadlineMs: 120_000, intervalMs: 200 });
    await assertOnlyEcho(`http://127.0.0.1:${port}/mcp`);
  } finally {
    await serve.api("/api/v1beta/workloads/api-guarded", { method: "DELETE" }).then((r) => r.body?.cancel());
  }
});
