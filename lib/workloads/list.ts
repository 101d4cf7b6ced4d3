/**
 * `thv list`: every saved workload with the state that is really there (see {@linkcode workloadState}).
 * @module
 */
import { NotFoundError } from "../errors.ts";
import { loadSaved, stores, type WorkloadDeps } from "./_deps.ts";
import type { WorkloadBackend } from "./backend.ts";
import { groupOf, groupStore } from "./groups.ts";
import { livePid, proxyHealth } from "./proxy_process.ts";
import { type WorkloadState, workloadState } from "./state.ts";

/** A workload as `thv list` shows it. */
export interface WorkloadSummary {
  /** Name. */
  readonly name: string;
  /** Image, or `npx://` package. */
  readonly image: string;
  /** Server transport. */
  readonly transport: string;
  /** Proxy URL. */
  readonly url: string;
  /** Proxy port. */
  readonly port: number;
  /** State, from what is really there. */
  readonly state: WorkloadState;
  /** Why, when it is not plainly running or stopped. */
  readonly reason: string;
  /** Proxy PID while it runs. */
  readonly pid?: number;
  /** Where the server runs. */
  readonly runtime: string;
  /** The group it is in (empty for a broken RunConfig, which names none). */
  readonly group: string;
}

/** Every workload with its real state; stopped ones only with `all`; only group `group`'s (which must exist) with it. */
export async function listWorkloads(
  deps: WorkloadDeps,
  options: { readonly all?: boolean; readonly group?: string } = {},
): Promise<WorkloadSummary[]> {
  if (options.group !== undefined) await groupStore(deps).get(options.group); // an unknown group is an error
  const { configs } = stores(deps);
  const summaries = await Promise.all(
    (await configs.names()).map((name) => summarize(deps, name, options.group)),
  );
  return summaries.filter((s): s is WorkloadSummary =>
    s !== undefined && (options.all || s.state !== "stopped") && (options.group === undefined || s.group !== "")
  );
}

/** One workload with its real state; a NotFoundError when it has no RunConfig. */
export async function describeWorkload(deps: WorkloadDeps, name: string): Promise<WorkloadSummary> {
  await loadSaved(deps, name); // the NotFoundError that says where to look
  const summary = await summarize(deps, name);
  if (!summary) throw new NotFoundError(`No workload named ${name}: see thv list -a`);
  return summary;
}

/** The summary of `name`; undefined when it went meanwhile, or (with `group`) is in another group. */
async function summarize(deps: WorkloadDeps, name: string, group?: string): Promise<WorkloadSummary | undefined> {
  const { statuses } = stores(deps);
  const saved = await loadSaved(deps, name).catch(() => undefined); // removed meanwhile
  if (!saved) return undefined;
  const [record, pid] = await Promise.all([statuses.load(name), livePid(deps, name)]);
  if ("broken" in saved) {
    // Shown, not hidden: its proxy may still run, and thv rm (which needs no RunConfig) ends it.
    const running = pid ? `its proxy still runs (pid ${pid}); ` : "";
    return {
      name,
      image: "",
      transport: "",
      url: record?.url ?? "",
      port: 0,
      state: "broken",
      reason: `${running}${saved.broken}`,
      ...(pid ? { pid } : {}),
      runtime: "unknown",
      group: "",
    };
  }
  const config = saved.config;
  if (group !== undefined && groupOf(config) !== group) return undefined;
  let backend: WorkloadBackend | undefined;
  try {
    backend = deps.backendFor(config);
  } catch { /* its runtime is not available: the server cannot be running */ }
  const server = backend ? await backend.presence().catch(() => "missing" as const) : "missing";
  const url = record?.url || "";
  const healthy = pid && url ? await proxyHealth(url, 2000) : undefined;
  const verdict = workloadState({
    ...(record ? { record } : {}),
    proxyAlive: pid !== undefined,
    server: backend?.kind === "sandbox" ? "n/a" : server,
    ...(healthy === undefined ? {} : { healthy }),
  });
  return {
    name,
    image: config.image,
    transport: config.transport,
    url,
    port: config.port,
    state: verdict.state,
    reason: verdict.reason,
    ...(pid ? { pid } : {}),
    runtime: backend?.kind ?? "unavailable",
    group: groupOf(config),
  };
}
