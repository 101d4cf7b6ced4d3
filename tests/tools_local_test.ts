/**
 * Tool filtering and overrides on the laptop, as a user sets them: `thv run --tools … --tools-override
 * <file>` (ToolHive's flags and file) saved into the RunConfig, shown by `thv export`, and enforced by the
 * workload's proxy (the sandbox probe in the Deno sandbox); a bad combination refused in one line before
 * anything starts; and `thv serve`'s create taking `tools` and `tools_override` through the same lib function.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { RunConfig } from "../lib/run_config.ts";
import { kubernetesManifests } from "../lib/workloads/mod.ts";
import { connectClient, poll, privateHome, runThv, startServe } from "./harness/mod.ts";

const CACHE = `${Deno.env.get("HOME")}/.cache/thv/test-xdg-cache`;
const PROBE = `npx://${fileURLToPath(new URL("./fixtures/sandbox_probe", import.meta.url))}`;
const OVERRIDE = { toolsOverride: { echo: { name: "say", description: "Says it back" } } };

async function ok(args: string[], env: Record<string, string>): Promise<string> {
  const res = await runThv(args, env);
  assert.equal(res.code, 0, `thv ${args.join(" ")}: ${res.stderr}`);
  return res.stdout;
}

Deno.test("thv run --tools --tools-override: saved in the RunConfig, exported, and enforced by the proxy", async () => {
  await using user = await privateHome({ XDG_CACHE_HOME: CACHE, TOOLHIVE_RUNTIME: "deno" });
  const { env } = user;
  const file = await Deno.makeTempFile({ suffix: ".json" });
  try {
    await Deno.writeTextFile(file, JSON.stringify(OVERRIDE));
    const url = (await ok(["run", PROBE, "--name", "probe", "--tools", "say,env", "--tools-override", file], env))
      .trim();
    const client = await connectClient(url);
    try {
      const tools = (await client.listTools()).tools;
      assert.deepEqual(tools.map((t) => t.name).sort(), ["env", "say"]);
      assert.equal(tools.find((t) => t.name === "say")!.description, "Says it back");
      const said = await client.callTool({ name: "say", arguments: { message: "hi" } });
      assert.match((said.content as Array<{ text: string }>)[0]!.text, /hi/);
      await assert.rejects(client.callTool({ name: "read_file", arguments: { path: "/" } }), /Unknown tool: read_file/);
      await assert.rejects(client.callTool({ name: "echo", arguments: { message: "x" } }), /Unknown tool: echo/);
    } finally {
      await client.close();
    }
    const exported = JSON.parse(await ok(["export", "probe"], env));
    assert.deepEqual(exported.tools_filter, ["say", "env"]);
    assert.deepEqual(exported.tools_override, OVERRIDE.toolsOverride);
    // In a cluster they become an MCPToolConfig the MCPServer references (the sandbox has no k8s export).
    const [toolConfig, server] = kubernetesManifests({ ...RunConfig.parse(exported), image: "example/probe:1" });
    assert.deepEqual(toolConfig, {
      apiVersion: "toolhive.stacklok.dev/v1beta1",
      kind: "MCPToolConfig",
      metadata: { name: "probe-tools" },
      spec: { toolsFilter: ["say", "env"], toolsOverride: OVERRIDE.toolsOverride },
    });
    assert.deepEqual((server as { spec: { toolConfigRef: unknown } }).spec.toolConfigRef, { name: "probe-tools" });

    await Deno.writeTextFile(file, JSON.stringify({ toolsOverride: { echo: { name: "x" }, env: { name: "x" } } }));
    const clash = await runThv(["run", PROBE, "--name", "clash", "--tools-override", file], env);
    assert.notEqual(clash.code, 0);
    assert.match(clash.stderr.trim(), /^thv: tools_override gives tools echo and env the same name x: [^\n]+$/);
    await Deno.writeTextFile(file, JSON.stringify(OVERRIDE));
    const away = await runThv(["run", PROBE, "--name", "away", "--tools", "echo", "--tools-override", file], env);
    assert.match(
      away.stderr.trim(),
      /^thv: tools_filter names tool echo, which tools_override renames to say: [^\n]+$/,
    );
    await Deno.writeTextFile(file, JSON.stringify({ echo: { name: "say" } }));
    const shape = await runThv(["run", PROBE, "--name", "shape", "--tools-override", file], env);
    assert.match(shape.stderr.trim(), /^thv: --tools-override .+: toolsOverride: .+\{"toolsOverride"/);
    const names = JSON.parse(await ok(["list", "-a", "--format", "json"], env)).map((w: { name: string }) => w.name);
    assert.deepEqual(names, ["probe"], "a refused run leaves nothing behind");
  } finally {
    await runThv(["rm", "probe"], env);
    await Deno.remove(file);
  }
});

Deno.test("thv serve: create takes tools and tools_override, shows them, and refuses a clash naming the field", async () => {
  await using home = await privateHome({
    XDG_CACHE_HOME: CACHE,
    TOOLHIVE_RUNTIME: "deno",
    THV_SERVE_CHECK_RESPONSES: "1",
  });
  await using serve = await startServe(home.env);
  const create = (body: unknown) => serve.api("/api/v1beta/workloads", { method: "POST", body: JSON.stringify(body) });
  const clash = await create({ image: PROBE, tools_override: { echo: { name: "x" }, env: { name: "x" } } });
  assert.equal(clash.status, 400);
  assert.match(
    (await clash.json()).error,
    /^body\.tools_override: tools_override gives tools echo and env the same name x/,
  );
  const away = await create({ image: PROBE, tools: ["echo"], tools_override: OVERRIDE.toolsOverride });
  assert.equal(away.status, 400);
  assert.match((await away.json()).error, /^body\.tools: tools names tool echo, which tools_override renames to say/);
  const made = await create({
    name: "api-tools",
    image: PROBE,
    tools: ["say"],
    tools_override: OVERRIDE.toolsOverride,
  });
  assert.equal(made.status, 201, await made.clone().text());
  await made.body?.cancel();
  const shown = async () => {
    const details = await (await serve.api("/api/v1beta/workloads/api-tools")).json();
    assert.deepEqual(details.tools, ["say"], JSON.stringify(details));
    assert.deepEqual(details.tools_override, OVERRIDE.toolsOverride);
  };
  try {
    await shown(); // while it starts: the settings being made
    await poll(async () => {
      const { status } = await (await serve.api("/api/v1beta/workloads/api-tools/status")).json();
      assert.notEqual(status, "error", "the workload failed to start");
      return status === "running" ? true : undefined;
    }, { what: "api-tools running", deadlineMs: 120_000 });
    await shown(); // once running: the saved RunConfig
  } finally {
    const res = await serve.api("/api/v1beta/workloads/api-tools", { method: "DELETE" });
    await res.body?.cancel();
  }
});
