/**
 * `thv rm` racing `thv run` of the same name: either operation wins completely. Afterwards the workload
 * either runs and is listed, stoppable and removable, or nothing of it is left (no RunConfig, no proxy
 * process, no file). One run is held exactly in the window where the two used to interleave (its proxy has
 * read the RunConfig and not yet claimed its PID file) while rm runs; others race freely, rm starting when
 * the run's proxy process appears.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import type { WorkloadSummary } from "../lib/workloads/mod.ts";
import { filesUnder, poll, privateHome, runThv, type ThvResult } from "./harness/mod.ts";

/** Packages fetched for the sandbox are kept across runs here, as a user's cache would be. */
const CACHE = `${Deno.env.get("HOME")}/.cache/thv/test-xdg-cache`;
const PROBE = `npx://${fileURLToPath(new URL("./fixtures/sandbox_probe", import.meta.url))}`;

/** PIDs of live proxy processes of workload `name` run from `home`. */
async function proxies(home: string, name: string): Promise<number[]> {
  const out = await new Deno.Command("ps", { args: ["-eo", "pid=,stat=,args="], stdout: "piped" }).output();
  const pids: number[] = [];
  for (const line of new TextDecoder().decode(out.stdout).split("\n")) {
    const [pid, stat, ...args] = line.trim().split(/\s+/);
    if (!pid || stat?.startsWith("Z") || !args.join(" ").endsWith(` start ${name} --foreground`)) continue;
    const environ = await Deno.readTextFile(`/proc/${pid}/environ`).catch(() => "");
    if (environ.split("\0").includes(`HOME=${home}`)) pids.push(Number(pid));
  }
  return pids;
}

/**
 * A `ps` first on PATH that holds the proxy of workload `name` when it asks for its own start time (which
 * it does right after reading its RunConfig, before it claims its PID file): it creates `reached`, waits
 * for `go` (at most 60 s), then runs the real ps. Every other call goes straight to the real ps.
 */
async function holdingPs(dir: string, name: string): Promise<void> {
  await Deno.mkdir(`${dir}/bin`, { recursive: true });
  await Deno.writeTextFile(`${dir}/hold`, "");
  await Deno.writeTextFile(
    `${dir}/bin/ps`,
    `#!/bin/sh
if [ "$1 $2 $3 $4" = "-o lstart=,stat= -p $PPID" ] && [ -e "${dir}/hold" ] &&
  tr '\\0' ' ' < /proc/$PPID/cmdline | grep -q " start ${name} --foreground"; then
  rm -f "${dir}/hold"
  : > "${dir}/reached"
  i=0
  while [ ! -e "${dir}/go" ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
fi
exec /bin/ps "$@"
`,
    { mode: 0o755 },
  );
}

const exists = (path: string) => Deno.stat(path).then(() => true, () => false);

/** Checks what a race left: either a running workload the lifecycle commands handle, or nothing at all. */
async function settled(home: string, env: Record<string, string>, name: string, rm: ThvResult, ran: ThvResult) {
  assert.equal(rm.code === 0 || /^thv: No workload named/.test(rm.stderr), true, rm.stderr);
  const listed = (JSON.parse((await runThv(["list", "-a", "--format", "json"], env)).stdout) as WorkloadSummary[])
    .find((w) => w.name === name);
  if (rm.code === 0) assert.equal(listed, undefined, `rm said Removed, but list shows ${JSON.stringify(listed)}`);
  if (listed) {
    // run won after rm found nothing: the workload runs and the lifecycle commands see it.
    assert.equal(ran.code, 0, ran.stderr);
    assert.equal(listed.state, "running", JSON.stringify(listed));
    assert.equal((await runThv(["stop", name], env)).stdout.trim(), `Stopped ${name}`);
    assert.equal((await runThv(["rm", name], env)).stdout.trim(), `Removed ${name}`);
  }
  assert.deepEqual(await proxies(home, name), [], `a proxy of ${name} runs with no workload to show for it`);
  assert.deepEqual(await filesUnder(home), [], `files of ${name} are left`);
  const rerun = await runThv(["run", "--name", name, "--permission-profile", "none", PROBE], env);
  assert.equal(rerun.code, 0, `a new run of ${name} is refused: ${rerun.stderr}`);
  assert.equal((await runThv(["rm", name], env)).code, 0);
}

/** Ends proxies a failed assertion left running (they are this test's). */
async function endLeftovers(home: string, names: readonly string[]) {
  for (const name of names) {
    for (const pid of await proxies(home, name)) {
      try {
        Deno.kill(-pid, "SIGKILL");
      } catch { /* gone */ }
    }
  }
}

Deno.test("thv rm while thv run's proxy is between reading its RunConfig and claiming its PID file", async () => {
  const hold = await Deno.makeTempDir({ prefix: "thv-hold-" });
  const name = "held";
  await holdingPs(hold, name);
  await using user = await privateHome({
    XDG_CACHE_HOME: CACHE,
    TOOLHIVE_RUNTIME: "deno",
    PATH: `${hold}/bin:${Deno.env.get("PATH") ?? "/usr/bin:/bin"}`,
  });
  const { env } = user;
  try {
    const run = runThv(["run", "--name", name, "--permission-profile", "none", PROBE], env);
    const reached = await Promise.race([
      poll(async () => (await exists(`${hold}/reached`)) || undefined, { what: "the held proxy", deadlineMs: 60_000 }),
      run.then(() => false),
    ]);
    if (!reached) assert.fail(`the proxy never reached the window: ${(await run).stderr}`);
    // rm runs while the proxy is held. Once rm has finished, or after 10 s (it waits for run to finish),
    // the proxy goes on.
    const rm = runThv(["rm", name], env);
    await Promise.race([rm, new Promise((r) => setTimeout(r, 10_000))]);
    await Deno.writeTextFile(`${hold}/go`, "");
    const [removed, ran] = await Promise.all([rm, run]);
    assert.equal(removed.code, 0, removed.stderr);
    await settled(user.home, env, name, removed, ran);
  } finally {
    await Deno.writeTextFile(`${hold}/go`, "");
    await endLeftovers(user.home, [name]);
    await runThv(["rm", name], env);
    await Deno.remove(hold, { recursive: true });
  }
});

Deno.test("thv rm racing thv run freely: either wins completely, nothing is left half-made", async () => {
  await using user = await privateHome({ XDG_CACHE_HOME: CACHE, TOOLHIVE_RUNTIME: "deno" });
  const { env } = user;
  const names = ["race-0", "race-1"];
  try {
    for (const name of names) {
      const run = runThv(["run", "--name", name, "--permission-profile", "none", PROBE], env);
      // The positive signal: the run's proxy process exists; rm then starts up as the proxy does.
      const started = await Promise.race([
        poll(async () => ((await proxies(user.home, name)).length ? true : undefined), {
          what: `the proxy of ${name} to appear`,
          deadlineMs: 60_000,
          intervalMs: 10,
        }),
        run.then(() => false),
      ]);
      const rm = await runThv(["rm", name], env);
      const ran = await run;
      assert.ok(started, `the proxy of ${name} never appeared: ${ran.stderr}`);
      await settled(user.home, env, name, rm, ran);
    }
  } finally {
    await endLeftovers(user.home, names);
    for (const name of names) await runThv(["rm", name], env);
  }
});
