/**
 * The cluster's processes: each runs in its own session (so a Ctrl-C meant for the harness does not reach
 * the kubelet before the pods are gone), logs to `logs/<name>.log` and leaves its PID in `run/<name>.pid`,
 * so a later start can stop what a crashed run left.
 * @module
 */
import type { ClusterPaths } from "./config.ts";
import type { Component } from "./components.ts";
import { type ServerProcess, startProcess } from "../process.ts";

/** Starts `component` and records its PID (setsid execs in place, so the child's PID is the component's). */
export async function startComponent(p: ClusterPaths, component: Component): Promise<ServerProcess> {
  const started = await startProcess(component.name, "setsid", {
    args: [component.binary, ...component.args],
    logPath: `${p.logs}/${component.name}.log`,
  });
  await Deno.writeTextFile(`${p.run}/${component.name}.pid`, String(started.pid));
  return started;
}

const alive = async (pid: number, marker: string) => {
  const cmd = await Deno.readTextFile(`/proc/${pid}/cmdline`).catch(() => "");
  // A PID that now belongs to another program is not ours to signal.
  if (!cmd.includes(marker)) return false;
  const stat = await Deno.readTextFile(`/proc/${pid}/stat`).catch(() => "");
  return !/^\S+ \(.*\) Z/.test(stat);
};

/** Signals `pid` (if it still runs a command mentioning `marker`) with SIGTERM, then SIGKILL after `graceMs`. */
export async function stopPid(pid: number, marker: string, graceMs = 20_000): Promise<void> {
  if (!pid || !(await alive(pid, marker))) return;
  try {
    Deno.kill(pid, "SIGTERM");
  } catch { /* gone */ }
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!(await alive(pid, marker))) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  try {
    Deno.kill(pid, "SIGKILL");
  } catch { /* gone */ }
  while (await alive(pid, marker)) await new Promise((r) => setTimeout(r, 100));
}

/** Stops the process recorded in `run/<name>.pid` and removes the record. */
export async function stopRecorded(p: ClusterPaths, name: string, graceMs?: number): Promise<void> {
  const pid = Number(await Deno.readTextFile(`${p.run}/${name}.pid`).catch(() => "0"));
  await stopPid(pid, p.root, graceMs);
  await Deno.remove(`${p.run}/${name}.pid`).catch(() => {});
}
