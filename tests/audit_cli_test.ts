/**
 * `thv proxy --audit-config` and `--enable-audit`, and `thv run --audit-config`, as a user runs them: the
 * events of an SDK client's calls reach the file the config names, or the log.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { connectClient, FIXTURE_STDIO, poll, privateHome, runThv, spawnThv } from "./harness/mod.ts";

Deno.test("thv proxy stdio --audit-config writes the calls' events to the config's logFile", async () => {
  const dir = await Deno.makeTempDir({ prefix: "thv-audit-cli-" });
  const logFile = `${dir}/audit.jsonl`;
  await Deno.writeTextFile(`${dir}/audit.json`, JSON.stringify({ eventTypes: ["mcp_tool_call"], logFile }));
  const thv = spawnThv([
    "proxy",
    "--audit-config",
    `${dir}/audit.json`,
    "stdio",
    "--",
    FIXTURE_STDIO.command,
    ...FIXTURE_STDIO.args,
  ]);
  try {
    const client = await connectClient(await thv.firstLine(30_000));
    await client.callTool({ name: "echo", arguments: { message: "cli", password: "hunter2" } });
    await client.close();
    const events = await poll(async () => {
      const lines = (await Deno.readTextFile(logFile).catch(() => "")).trim();
      return lines ? lines.split("\n").map((l) => JSON.parse(l)) : undefined;
    }, { what: "an audit event in the file", deadlineMs: 10_000 });
    assert.deepEqual(events.map((e) => [e.type, e.outcome, e.target.name]), [["mcp_tool_call", "success", "echo"]]);
  } finally {
    assert.equal((await thv.stop()).code, 0);
  }
  await Deno.remove(dir, { recursive: true });
});

Deno.test("thv proxy --enable-audit stdio logs an Audit event per operation; a bad --audit-config is refused", async () => {
  const thv = spawnThv([
    "--log-format",
    "json",
    "proxy",
    "--enable-audit",
    "stdio",
    "--",
    FIXTURE_STDIO.command,
    ...FIXTURE_STDIO.args,
  ]);
  try {
    const client = await connectClient(await thv.firstLine(30_000));
    await client.listTools();
    await client.close();
  } finally {
    assert.equal((await thv.stop()).code, 0);
  }
  const events = (await thv.stderr).trim().split("\n").filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l)).filter((l) => l.msg === "Audit event");
  assert.ok(events.some((e) => e.type === "mcp_initialize" && e.component === "proxy"));
  assert.ok(events.some((e) => e.type === "mcp_tools_list" && e.outcome === "success"));

  const dir = await Deno.makeTempDir({ prefix: "thv-audit-cli-" });
  await Deno.writeTextFile(`${dir}/bad.json`, JSON.stringify({ eventTypes: ["mcp_tool_cal"] }));
  const bad = await runThv(["proxy", "stdio", "--audit-config", `${dir}/bad.json`, "--", "true"]);
  await Deno.remove(dir, { recursive: true });
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /unknown event type: mcp_tool_cal/);
});

const CACHE = `${Deno.env.get("HOME")}/.cache/thv/test-xdg-cache`;
const PROBE = `npx://${fileURLToPath(new URL("./fixtures/sandbox_probe", import.meta.url))}`;

Deno.test("thv run --audit-config: the detached workload's proxy audits to the file, and export keeps the path", async () => {
  await using user = await privateHome({ XDG_CACHE_HOME: CACHE, TOOLHIVE_RUNTIME: "deno" });
  const { env } = user;
  const dir = await Deno.makeTempDir({ prefix: "thv-audit-run-" });
  const logFile = `${dir}/audit.jsonl`;
  await Deno.writeTextFile(`${dir}/audit.json`, JSON.stringify({ includeRequestData: true, logFile }));
  try {
    const run = await runThv(["run", PROBE, "--name", "audited", "--audit-config", `${dir}/audit.json`], env);
    assert.equal(run.code, 0, run.stderr);
    const client = await connectClient(run.stdout.trim());
    await client.callTool({ name: "echo", arguments: { message: "logged", token: "t0k3n" } });
    await client.close();
    const call = await poll(async () => {
      const lines = (await Deno.readTextFile(logFile).catch(() => "")).trim().split("\n").filter(Boolean);
      return lines.map((l) => JSON.parse(l)).find((e) => e.type === "mcp_tool_call");
    }, { what: "the tool call's event in the file", deadlineMs: 15_000 });
    assert.equal(call.outcome, "success");
    assert.equal(call.component, "audited");
    assert.equal(call.data.request.params.arguments.token, "[redacted]");
    const exported = JSON.parse((await runThv(["export", "audited"], env)).stdout);
    assert.equal(exported.audit_config_path, `${dir}/audit.json`);
  } finally {
    await runThv(["rm", "audited"], env);
    await Deno.remove(dir, { recursive: true });
  }
});
