/**
 * A workload's proxy process seen from the lifecycle commands: which process it is (PID and start time from
 * its status file), whether it lives and answers, how to start it detached and how to end it with what it
 * left behind.
 * @module
 */
import type { RunConfig } from "../run_config.ts";
import { proxyLogFile, STOP_TIMEOUT_MS, stores, type WorkloadDeps } from "./_deps.ts";
import { spawnDetached, waitUntilRunning } from "./detach.ts";
import { processAlive, processInfo, sameStart, signalProcess, waitUntilGone } from "./process.ts";

/** The proxy's `/health`: true (200), false (503), undefined (no answer within `timeoutMs`, or another status). */
export async function proxyHealth(url: string, timeoutMs: number): Promise<boolean | undefined> {
  try {
    const response = await fetch(new URL("/health", url), { signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel();
    return response.status === 200 ? true : response.status === 503 ? false : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The recorded proxy of a workload: its PID, and its start time when the status file knows it. Without the
 * start time the PID proves nothing: a PID file outlives its process (and ToolHive writes the same files), so
 * the process with that PID now may be anyone's.
 */
async function recordedProxy(
  deps: WorkloadDeps,
  name: string,
): Promise<{ pid: number; started?: string } | undefined> {
  const { statuses } = stores(deps);
  const record = await statuses.load(name);
  if (record?.status === "stopped") return undefined; // a proxy that stopped cleanly left nothing behind
  // The status file pairs the PID with the process's start time, which a PID file alone cannot prove: a PID
  // file that disagrees with it is stale or foreign.
  if (record?.process_id && record.process_started) return { pid: record.process_id, started: record.process_started };
  const pid = (await statuses.readPid(name)) ?? record?.process_id;
  return pid ? { pid } : undefined;
}

/** The PID of the workload's proxy if it is alive and proven to be that proxy (by its start time), else undefined. */
export async function livePid(deps: WorkloadDeps, name: string): Promise<number | undefined> {
  const proxy = await recordedProxy(deps, name);
  return proxy?.started && (await processAlive(proxy.pid, proxy.started)) ? proxy.pid : undefined;
}

/**
 * Ends a proxy: SIGTERM, SIGKILL after `timeoutMs`, then whatever is left of its process group (a sandboxed
 * server orphaned by a killed proxy). Nothing is signalled unless `started` proves the PID is the proxy's;
 * the group only while its leader is that proxy (or its zombie), or is gone: a PID that a later process took
 * cannot lead our group any more.
 */
async function endProxy(proxy: { pid: number; started?: string }, timeoutMs: number): Promise<void> {
  if (proxy.pid === Deno.pid || !proxy.started) return; // a foreground run's own process; or not proven ours
  const alive = () => processAlive(proxy.pid, proxy.started);
  if (await alive()) {
    signalProcess(proxy.pid, "SIGTERM");
    if (!(await waitUntilGone(alive, { timeoutMs }))) {
      signalProcess(proxy.pid, "SIGKILL");
      await waitUntilGone(alive, { timeoutMs: 5000 });
    }
  }
  const info = await processInfo(proxy.pid);
  if (!info || sameStart(info.started, proxy.started)) signalProcess(-proxy.pid, "SIGKILL");
}

/**
 * Ends the recorded proxy of `name` when it is proven to be the workload's (true if it was running). A PID
 * with no recorded start time is never signalled: its files are removed, with a warning when a process
 * has that PID now.
 */
export async function endRecordedProxy(deps: WorkloadDeps, name: string): Promise<boolean> {
  const proxy = await recordedProxy(deps, name);
  if (!proxy) return false;
  if (proxy.started) {
    const running = await processAlive(proxy.pid, proxy.started);
    await endProxy(proxy, STOP_TIMEOUT_MS);
    return running;
  }
  const { statuses } = stores(deps);
  if (await processAlive(proxy.pid)) {
    deps.log.warn(
      `Left process ${proxy.pid} alone: the PID file of ${name} names it, but no status file records its start ` +
        "time, so it may be any process; removed the stale files",
      { name, pid: proxy.pid },
    );
  }
  await statuses.removePid(name, proxy.pid);
  // An unreadable status file goes with it: it could only ever say nothing.
  if (!(await statuses.load(name))) await statuses.remove(name);
  return false;
}

/** Starts the proxy of `config` detached and waits until it runs; on failure it is ended again. */
export async function startDetachedProxy(
  deps: WorkloadDeps,
  config: RunConfig,
  signal?: AbortSignal,
): Promise<{ url: string; warning: string }> {
  const logFile = proxyLogFile(deps.paths, config.name);
  const proxy = await spawnDetached(config.name, {
    self: deps.self,
    logFile,
    ...(deps.flags ? { flags: deps.flags } : {}),
    ...(deps.env ? { env: deps.env } : {}),
  });
  const pid = proxy.pid;
  // Our own child, so its start time is known here: what ends it on failure needs it.
  const started = (await processInfo(pid))?.started;
  try {
    return await waitUntilRunning(config.name, {
      proxy,
      statuses: stores(deps).statuses,
      statusDir: deps.paths.statuses,
      logFile,
      ...(signal ? { signal } : {}),
    });
  } catch (e) {
    await endProxy({ pid, ...(started ? { started } : {}) }, STOP_TIMEOUT_MS);
    throw e;
  }
}
