/**
 * A workload whose RunConfig cannot be read is not hidden: `thv list` shows it as broken with the reason
 * (one line naming the file and what to do), and `thv stop` and `thv rm` still work, finding the proxy
 * through its status and PID files, and leave nothing behind. Runs in the Deno sandbox (no engine needed).
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import type { WorkloadSummary } from "../lib/workloads/mod.ts";
import { connectClient, filesUnder, privateHome, runThv } from "./harness/mod.ts";

/** Packages fetched for the sandbox are kept across runs here, as a user's cache would be. */
const CACHE = `${Deno.env.get("HOME")}/.cache/thv/test-xdg-cache`;
const PROBE = `npx://${fileURLToPath(new URL("./fixtures/sandbox_probe", import.meta.url))}`;

async function ok(args: string[], env: Record<string, string>): Promise<string> {
  const res = await runThv(args, env);
  assert.equal(res.code, 0, `thv ${args.join(" ")}: ${res.stderr}`);
  return res.stdout;
}

async function listed(env: Record<string, string>, all = false): Promise<WorkloadSummary[]> {
  return JSON.parse(await ok(["list", ...(all ? ["-a"] : []), "--format", "json"], env)) as WorkloadSummary[];
}

async function alive(pid: number): Promise<boolean> {
  const out = await new Deno.Command("ps", { args: ["-o", "stat=", "-p", String(pid)], stdout: "piped" }).output();
  const stat = new TextDecoder().decode(out.stdout).trim();
  return out.success && stat !== "" && !stat.startsWith("Z");
}

async function answers(url: string): Promise<boolean> {
  try {
    const client = await connectClient(url);
    await client.close();
    return true;
  } catch {
    return false;
  }
}

Deno.test("a corrupt RunConfig: list shows the workload as broken with the reason, stop and rm still work", async (t) => {
  await using user = await privateHome({ XDG_CACHE_HOME: CACHE, TOOLHIVE_RUNTIME: "deno" });
  const { env } = user;
  const runConfig = (name: string) => `${user.home}/.local/state/toolhive/runconfigs/${name}.json`;
  try {
    const url = (await ok(["run", "--name", "hurt", "--permission-profile", "none", PROBE], env)).trim();
    const other = (await ok(["run", "--name", "gone", "--permission-profile", "none", PROBE], env)).trim();
    const running = await listed(env);
    const [hurt, gone] = ["hurt", "gone"].map((n) => running.find((w) => w.name === n)?.pid ?? 0);
    assert.ok(hurt && gone && (await answers(url)) && (await answers(other)));

    await t.step("list shows a RunConfig that is not JSON, with the file and what to do", async () => {
      await Deno.writeTextFile(runConfig("hurt"), '{"name": "hurt", "image": ');
      const w = (await listed(env)).find((w) => w.name === "hurt");
      assert.equal(w?.state, "broken");
      assert.equal(w?.pid, hurt, "its proxy still runs");
      assert.match(
        w!.reason,
        new RegExp(
          `^its proxy still runs \\(pid ${hurt}\\); RunConfig ${runConfig("hurt")} is not JSON: .+: fix the file, ` +
            "or remove the workload with thv rm hurt$",
        ),
      );
      assert.doesNotMatch(w!.reason, /\n/);
      const text = await ok(["list"], env);
      const line = text.split("\n").find((l) => l.startsWith("hurt "));
      assert.match(line ?? "", /^hurt\s+broken \(its proxy still runs .*thv rm hurt\)/, text);
      assert.match(text, /^gone\s+npx:\/\/.*\s+running\s+stdio/m, "the other workload is listed as before");
    });

    await t.step("list names the field of a RunConfig that is JSON but not valid", async () => {
      await Deno.writeTextFile(runConfig("gone"), JSON.stringify({ schema_version: "v0.1.0", name: "gone" }));
      const w = (await listed(env)).find((w) => w.name === "gone");
      assert.equal(w?.state, "broken");
      assert.match(w!.reason, new RegExp(`RunConfig ${runConfig("gone")}: field \\w+: .+: fix the file, or remove`));
    });

    await t.step("start refuses with the same one line", async () => {
      const res = await runThv(["start", "hurt"], env);
      assert.equal(res.code, 1);
      assert.match(res.stderr, /^thv: RunConfig .*hurt\.json is not JSON: .*: fix the file, or remove the workload/);
      assert.equal(res.stderr.trim().split("\n").length, 1, res.stderr);
    });

    await t.step("stop ends the proxy of a broken workload and keeps it listed as broken", async () => {
      assert.equal((await ok(["stop", "hurt"], env)).trim(), "Stopped hurt");
      assert.equal(await alive(hurt), false, "the proxy is gone");
      assert.equal(await answers(url), false);
      const w = (await listed(env, true)).find((w) => w.name === "hurt");
      assert.equal(w?.state, "broken");
      assert.equal(w?.pid, undefined);
      assert.match(w!.reason, /^RunConfig .* is not JSON/);
    });

    await t.step("rm removes a stopped broken workload, and a running one, leaving nothing behind", async () => {
      assert.equal((await ok(["rm", "hurt"], env)).trim(), "Removed hurt");
      assert.equal((await ok(["rm", "gone"], env)).trim(), "Removed gone");
      assert.equal(await alive(gone), false, "rm ended the running proxy");
      assert.equal(await answers(other), false);
      assert.deepEqual(await listed(env, true), []);
      assert.deepEqual(await filesUnder(user.home), []);
    });
  } finally {
    await runThv(["rm", "hurt", "gone"], env);
  }
});
