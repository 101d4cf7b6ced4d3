/**
 * What state a workload is really in, from what its proxy recorded and what is really there: a dead PID or
 * a missing container is not "running". Pure, so the rules are table-tested.
 * @module
 */
import type { StatusRecord } from "../state/mod.ts";

/**
 * The states `thv list` shows: ToolHive's names, and `broken` for a workload whose RunConfig cannot be read
 * (only `thv rm` or a fixed file helps).
 */
export type WorkloadState = "starting" | "running" | "unhealthy" | "stopping" | "stopped" | "error" | "broken";

/** What was observed about one workload. */
export interface Observed {
  /** The workload's status file, when there is one. */
  readonly record?: StatusRecord;
  /** Whether the recorded proxy process is alive (and is the workload's). */
  readonly proxyAlive: boolean;
  /** The server as its runtime sees it: a container's state, or `n/a` where it lives inside the proxy process. */
  readonly server: "running" | "stopped" | "missing" | "n/a";
  /** The proxy's `/health` answer: true (200), false (503), undefined (not asked, or no answer). */
  readonly healthy?: boolean;
}

/** A workload's state and, when it is not plainly running or stopped, why. */
export interface StateVerdict {
  /** The state. */
  readonly state: WorkloadState;
  /** Why, in a few words; empty when nothing needs saying. */
  readonly reason: string;
}

/** Decides a workload's state from what was observed. */
export function workloadState(observed: Observed): StateVerdict {
  const { record, proxyAlive, server, healthy } = observed;
  if (proxyAlive) {
    if (record?.status === "starting" || record?.status === "stopping") return { state: record.status, reason: "" };
    // A ping that is answered outweighs a container listing taken a moment earlier.
    if (healthy === true) return { state: "running", reason: "" };
    if (server === "missing" || server === "stopped") {
      return { state: "unhealthy", reason: `the server is ${server}; the proxy is restarting it` };
    }
    if (healthy === false) return { state: "unhealthy", reason: "the server does not answer an MCP ping" };
    return { state: "unhealthy", reason: "the proxy does not answer" };
  }
  if (record?.status === "error") return { state: "error", reason: record.status_context };
  if (!record || record.status === "stopped" || record.status === "stopping") {
    if (server === "running") {
      return { state: "error", reason: "the server runs without its proxy: thv stop, then thv start" };
    }
    return { state: "stopped", reason: "" };
  }
  return {
    state: "error",
    reason: `the proxy process${
      record.process_id ? ` (pid ${record.process_id})` : ""
    } is gone: thv start brings it back`,
  };
}
