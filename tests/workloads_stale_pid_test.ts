/**
 * `thv stop` and `thv rm` never signal a process that is not proven to be the workload's proxy: a stale PID
 * file (ToolHive writes the same layout) with no status file, or an unreadable one, names whatever process
 * has that PID now. Such a process is left alive, the user is warned on one line, and the files are cleaned.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { RUN_CONFIG_SCHEMA_VERSION, RunConfig, serializeRunConfig } from "../lib/run_config.ts";
import { statePaths } from "../lib/state/mod.ts";
import { privateHome, runThv } from "./harness/mod.ts";

const PROBE = `npx://${fileURLToPath(new URL("./fixtures/sandbox_probe", import.meta.url))}`;

/** A saved workload (its RunConfig only) whose PID file names `pid`, with its status file as `status` says. */
async function staleWorkload(home: string, name: string, pid: number, status: "missing" | "corrupt") {
  const paths = statePaths({ HOME: home });
  const config = RunConfig.parse({
    schema_version: RUN_CONFIG_SCHEMA_VERSION,
    name,
    image: PROBE,
    transport: "stdio",
    port: 18_999,
  });
  await Deno.mkdir(paths.runConfigs, { recursive: true });
  await Deno.writeTextFile(`${paths.runConfigs}/${name}.json`, serializeRunConfig(config));
  await Deno.mkdir(paths.pids, { recursive: true });
  await Deno.writeTextFile(`${paths.pids}/toolhive-${name}.pid`, `${pid}\n`);
  if (status === "corrupt") {
    await Deno.mkdir(paths.statuses, { recursive: true });
    await Deno.writeTextFile(`${paths.statuses}/${name}.json`, '{"status": "running", "process_id": ');
  }
  return {
    pidFile: `${paths.pids}/toolhive-${name}.pid`,
    statusFile: `${paths.statuses}/${name}.json`,
    runConfig: `${paths.runConfigs}/${name}.json`,
  };
}

const exists = (path: string) => Deno.stat(path).then(() => true, () => false);

/** Whether `child` still runs (has not exited). */
async function running(child: Deno.ChildProcess): Promise<boolean> {
  const exited = await Promise.race([child.status.then(() => true), new Promise((r) => setTimeout(r, 200, false))]);
  return !exited;
}

for (const status of ["missing", "corrupt"] as const) {
  Deno.test(`stop and rm leave a stranger named by a stale PID file alive, with the status file ${status}`, async () => {
    await using user = await privateHome({ TOOLHIVE_RUNTIME: "deno" });
    const stranger = new Deno.Command("sleep", { args: ["300"], stdout: "null", stderr: "null" }).spawn();
    try {
      const name = `stale-${status}`;
      const files = await staleWorkload(user.home, name, stranger.pid, status);

      const stop = await runThv(["stop", name], user.env);
      assert.equal(await running(stranger), true, "thv stop signalled a process that is not its proxy");
      assert.equal(stop.code, 0, stop.stderr);
      assert.equal(stop.stdout.trim(), `${name} was not running`);
      const warning = stop.stderr.trim().split("\n");
      assert.equal(warning.length, 1, stop.stderr);
      assert.match(warning[0]!, new RegExp(`Left process ${stranger.pid} alone: the PID file of ${name} names it`));
      assert.equal(await exists(files.pidFile), false, "the stale PID file is removed");
      assert.equal(await exists(files.statusFile), false, "no unreadable status file is left");
      assert.equal(await exists(files.runConfig), true, "stop keeps the workload");

      // rm, from the same stale state again.
      await staleWorkload(user.home, name, stranger.pid, status);
      const rm = await runThv(["rm", name], user.env);
      assert.equal(rm.code, 0, rm.stderr);
      assert.equal(rm.stdout.trim(), `Removed ${name}`);
      assert.equal(await running(stranger), true, "thv rm signalled a process that is not its proxy");
      assert.equal(rm.stderr.trim().split("\n").length, 1, rm.stderr);
      assert.match(rm.stderr, new RegExp(`Left process ${stranger.pid} alone`));
      for (const file of Object.values(files)) assert.equal(await exists(file), false, `${file} is removed`);
    } finally {
      try {
        stranger.kill("SIGKILL");
      } catch { /* gone */ }
      await stranger.status;
    }
  });
}
