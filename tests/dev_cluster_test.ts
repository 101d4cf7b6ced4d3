/**
 * `deno task dev:cluster` as a user runs it: one `KUBECONFIG=<path>` line when ready, kubectl answers with
 * that file, and SIGTERM stops everything and removes the files.
 */
import assert from "node:assert/strict";
import { firstLine, REPO_ROOT, within } from "./harness/mod.ts";

async function pidAlive(pid: number): Promise<boolean> {
  try {
    const stat = await Deno.readTextFile(`/proc/${pid}/stat`);
    return !/^\d+ \(.*\) Z/.test(stat); // a zombie has exited
  } catch {
    return false;
  }
}

Deno.test("dev:cluster prints KUBECONFIG, kubectl answers, and SIGTERM cleans up", async () => {
  let pids: number[] = [];
  const task = new Deno.Command(Deno.execPath(), {
    args: ["task", "dev:cluster"],
    cwd: REPO_ROOT,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
  const stderr = new Response(task.stderr).text();
  try {
    const first = await within(firstLine(task.stdout), 120_000, "the KUBECONFIG line");
    const match = /^KUBECONFIG=(\/.+)$/.exec(first);
    assert.ok(match, `first line is KUBECONFIG=<path>, got ${first}`);
    const kubeconfig = match[1]!;
    const dir = kubeconfig.slice(0, kubeconfig.lastIndexOf("/"));

    const kubectl = await new Deno.Command("kubectl", {
      args: ["--kubeconfig", kubeconfig, "get", "namespaces", "-o", "name"],
    }).output();
    assert.equal(kubectl.code, 0, new TextDecoder().decode(kubectl.stderr));
    assert.match(new TextDecoder().decode(kubectl.stdout), /namespace\/default/);

    pids = await childPids(dir);
    assert.ok(pids.length === 2, `etcd and kube-apiserver are running from ${dir}: ${pids}`);

    task.kill("SIGTERM");
    const status = await task.status;
    assert.equal(status.code, 0, await stderr);
    await assert.rejects(Deno.stat(dir), Deno.errors.NotFound);
    for (const pid of pids) assert.equal(await pidAlive(pid), false, `process ${pid} is gone`);
  } finally {
    // SIGTERM first: `deno task` forwards it, so the control plane stops too; SIGKILL could not be forwarded.
    try {
      task.kill("SIGTERM");
    } catch { /* already exited */ }
    await within(task.status, 30_000, "dev:cluster to exit").catch(async () => {
      for (const pid of pids) Deno.kill(pid, "SIGKILL");
      task.kill("SIGKILL");
      await task.status;
    });
    await within(stderr, 5_000, "dev:cluster's stderr to close").catch(() => {});
  }
});

/** The PIDs of processes whose command line mentions `dir` (etcd's data dir, kube-apiserver's certs). */
async function childPids(dir: string): Promise<number[]> {
  const pids: number[] = [];
  for await (const entry of Deno.readDir("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    const cmdline = await Deno.readTextFile(`/proc/${entry.name}/cmdline`).catch(() => "");
    const argv = cmdline.split("\0");
    if (argv.some((a) => a.includes(dir)) && /\/(etcd|kube-apiserver)$/.test(argv[0] ?? "")) {
      pids.push(Number(entry.name));
    }
  }
  return pids;
}
