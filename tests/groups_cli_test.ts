/**
 * Groups as a user drives them through the real `thv` process, with real workloads in the Deno sandbox (the
 * probe fixture, a local npm package folder): `thv group create|list|rm`, `run --group`, `list --group`,
 * `stop/start/rm --group`; the state files in ToolHive's layout; one-line refusals.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import type { WorkloadSummary } from "../lib/workloads/mod.ts";
import { connectClient, privateHome, runThv, type ThvResult } from "./harness/mod.ts";

const CACHE = `${Deno.env.get("HOME")}/.cache/thv/test-xdg-cache`;
const PROBE = `npx://${fileURLToPath(new URL("./fixtures/sandbox_probe", import.meta.url))}`;
const noEngineUser = () => privateHome({ XDG_CACHE_HOME: CACHE, TOOLHIVE_RUNTIME: "deno" });

async function ok(args: string[], env: Record<string, string>, stdin?: string): Promise<string> {
  const res = await runThv(args, env, stdin === undefined ? {} : { stdin });
  assert.equal(res.code, 0, `thv ${args.join(" ")}: ${res.stderr}`);
  return res.stdout;
}

async function fails(args: string[], env: Record<string, string>, stdin?: string): Promise<ThvResult> {
  const res = await runThv(args, env, stdin === undefined ? {} : { stdin });
  assert.equal(res.code, 1, `thv ${args.join(" ")} should fail: ${res.stdout}`);
  return res;
}

/** The one line thv printed for a failure (and nothing else on stderr). */
function oneLine(res: ThvResult): string {
  const lines = res.stderr.trimEnd().split("\n");
  assert.equal(lines.length, 1, `one line, got: ${res.stderr}`);
  return lines[0]!;
}

async function listed(env: Record<string, string>, ...flags: string[]): Promise<WorkloadSummary[]> {
  return JSON.parse(await ok(["list", "--format", "json", ...flags], env)) as WorkloadSummary[];
}

const names = (list: readonly WorkloadSummary[]) => list.map((w) => w.name).sort();

Deno.test("thv group create|list|rm keep ToolHive's files and refuse bad input with one line", async () => {
  await using user = await noEngineUser();
  const { env, home } = user;
  const groups = `${home}/.local/state/toolhive/groups`;
  assert.equal(await ok(["group", "list"], env), "NAME\ndefault\n");
  assert.equal(await ok(["group", "create", "dev"], env), "Group dev created\n");
  assert.equal(await Deno.readTextFile(`${groups}/dev.json`), '{\n  "name": "dev",\n  "registered_clients": []\n}\n');
  assert.equal(await ok(["group", "list"], env), "NAME\ndefault\ndev\n");
  assert.deepEqual(JSON.parse(await ok(["group", "list", "--format", "json"], env)), [
    { name: "default", registered_clients: [] },
    { name: "dev", registered_clients: [] },
  ]);

  assert.equal(
    oneLine(await fails(["group", "create", "dev"], env)),
    "thv: Group dev exists already: see thv group list, or choose another name",
  );
  assert.match(oneLine(await fails(["group", "create", "Dev"], env)), /^thv: "Dev" is not a group name: use 1 to 100/);
  assert.match(
    oneLine(await fails(["group", "rm", "default"], env)),
    /^thv: The default group cannot be removed: it holds the workloads that are in no other group$/,
  );
  const unknown = "thv: No group named nope: create it with thv group create nope (see thv group list)";
  assert.equal(oneLine(await fails(["group", "rm", "nope"], env)), unknown);
  assert.equal(oneLine(await fails(["run", "--group", "nope", "--name", "x", PROBE], env)), unknown);
  assert.equal(oneLine(await fails(["list", "--group", "nope"], env)), unknown);
  assert.equal(oneLine(await fails(["stop", "--group", "nope"], env)), unknown);
  assert.equal(
    oneLine(await fails(["stop", "x", "--group", "dev"], env)),
    "thv: stop takes workload names or --group dev, not both: see thv stop --help",
  );
  assert.equal(oneLine(await fails(["rm"], env)), "thv: rm needs <names> or --group <group>: see thv rm --help");
  const runConfigs = await Array.fromAsync(Deno.readDir(`${home}/.local/state/toolhive/runconfigs`)).catch(() => []);
  assert.deepEqual(runConfigs, [], "a refused run leaves no RunConfig");

  // An empty group goes without a question.
  assert.equal(await ok(["group", "rm", "dev"], env), "Group dev removed\n");
  assert.equal(await ok(["group", "list"], env), "NAME\ndefault\n");
  assert.equal(
    await ok(["list", "--group", "default", "-a"], env),
    "No workloads in group default: start one with " +
      "thv run --group default <image>\n",
  );
});

Deno.test("workloads in a group: list, stop, start and rm by group touch only them; group rm moves or removes them", async () => {
  await using user = await noEngineUser();
  const { env, home } = user;
  const runConfig = async (name: string) =>
    JSON.parse(await Deno.readTextFile(`${home}/.local/state/toolhive/runconfigs/${name}.json`));
  try {
    await ok(["group", "create", "team"], env);
    await ok(["run", "--group", "team", "--name", "a", PROBE], env);
    await ok(["run", "--name", "b", "--group", "team", PROBE], env);
    const c = (await ok(["run", "--name", "c", PROBE], env)).trim();
    assert.equal((await runConfig("a")).group, "team");
    assert.equal((await runConfig("c")).group, "default", "no --group: the default group, in the RunConfig");

    const team = await listed(env, "--group", "team");
    assert.deepEqual(names(team), ["a", "b"]);
    assert.ok(team.every((w) => w.group === "team" && w.state === "running"));
    assert.deepEqual(names(await listed(env, "--group", "default")), ["c"]);
    assert.deepEqual(names(await listed(env)), ["a", "b", "c"]);
    const table = (await ok(["list"], env)).split("\n");
    assert.match(table[0]!, /^NAME +IMAGE +STATE +TRANSPORT +PORT +GROUP +URL$/);
    assert.match(table.find((l) => l.startsWith("a "))!, / team +http:/);

    assert.equal(await ok(["stop", "--group", "team"], env), "Stopped a\nStopped b\n");
    const afterStop = await listed(env, "-a");
    assert.deepEqual(afterStop.map((w) => [w.name, w.state]), [["a", "stopped"], ["b", "stopped"], ["c", "running"]]);
    assert.equal(
      await ok(["list", "--group", "team"], env),
      "No running workloads in group team: see thv list -a " +
        "--group team\n",
    );
    assert.match(await ok(["start", "--group", "team"], env), /^a: http:\/\/127\.0\.0\.1:\d+\/mcp\nb: http:/);
    assert.deepEqual((await listed(env, "--group", "team")).map((w) => w.state), ["running", "running"]);

    // A group with workloads is removed only on a yes; they move to default and keep running.
    const refused = await fails(["group", "rm", "team"], env, "");
    assert.match(
      refused.stderr,
      /removing group team: 2 workload\(s\) will move to the default group:\n {2}- a\n {2}- b\n/,
    );
    assert.match(
      refused.stderr,
      /thv: Group team not removed: answer y to remove it \(standard input gave no answer\)\n$/,
    );
    assert.match((await fails(["group", "rm", "team"], env, "n\n")).stderr, /Group team not removed: answer y/);
    assert.deepEqual(names(await listed(env, "--group", "team")), ["a", "b"], "a no changes nothing");
    assert.equal(
      await ok(["group", "rm", "team"], env, "y\n"),
      "Moved a to group default\nMoved b to group default\nGroup team removed\n",
    );
    assert.equal((await runConfig("a")).group, "default");
    assert.equal(await ok(["group", "list"], env), "NAME\ndefault\n");
    const moved = await listed(env, "--group", "default");
    assert.deepEqual(moved.map((w) => [w.name, w.state]), [["a", "running"], ["b", "running"], ["c", "running"]]);
    const client = await connectClient(moved[0]!.url);
    try {
      const result = await client.callTool({ name: "echo", arguments: { message: "moved" } });
      assert.equal(
        (result.content as Array<{ text: string }>)[0]!.text,
        "Echo: moved",
        "a moved workload still serves",
      );
    } finally {
      await client.close();
    }

    // --with-workloads removes the group's workloads with it, and only them.
    await ok(["group", "create", "ops"], env);
    await ok(["run", "--group", "ops", "--name", "d", PROBE], env);
    assert.equal(
      await ok(["group", "rm", "ops", "--with-workloads"], env, "yes\n"),
      "Removed d\nGroup ops removed\n",
    );
    assert.deepEqual(names(await listed(env, "-a")), ["a", "b", "c"]);

    // rm --group removes every workload of the group; the group itself stays.
    assert.equal(await ok(["rm", "--group", "default"], env), "Removed a\nRemoved b\nRemoved c\n");
    assert.deepEqual(await listed(env, "-a"), []);
    assert.equal(await ok(["group", "list"], env), "NAME\ndefault\n");
    const none = await runThv(["stop", "--group", "default"], env);
    assert.deepEqual([none.code, none.stdout, none.stderr], [
      0,
      "",
      "thv: group default has no workloads: nothing to stop\n",
    ]);
    assert.ok(c.startsWith("http://127.0.0.1:"));
  } finally {
    for (const name of ["a", "b", "c", "d"]) await runThv(["rm", name], env);
  }
});
