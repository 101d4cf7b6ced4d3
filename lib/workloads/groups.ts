/**
 * Groups and the workloads in them: which workloads a group holds (a RunConfig without a group is in
 * `default`, as ToolHive migrates it), and removing a group, which moves its workloads to `default` or, with
 * `withWorkloads`, removes them (ToolHive's `thv group rm [--with-workloads]`).
 * @module
 */
import { DEFAULT_GROUP, type GroupRecord, GroupStore } from "../groups/mod.ts";
import type { RunConfig } from "../run_config.ts";
import { lockWorkload } from "../state/mod.ts";
import { stores, type WorkloadDeps } from "./_deps.ts";
import { removeWorkload } from "./manager.ts";

/** The group a RunConfig puts its workload in. */
export function groupOf(config: Pick<RunConfig, "group">): string {
  return config.group || DEFAULT_GROUP;
}

/** The group store of `deps`. */
export function groupStore(deps: WorkloadDeps): GroupStore {
  return new GroupStore(deps.paths.groups);
}

/** The names of the workloads in group `name` (a NotFoundError when there is no such group), sorted. */
export async function groupMembers(name: string, deps: WorkloadDeps): Promise<string[]> {
  await groupStore(deps).get(name);
  const { configs } = stores(deps);
  const members = await Promise.all(
    (await configs.names()).map(async (workload) => {
      // An unreadable RunConfig (or one removed meanwhile) names no group: it is in none.
      const config = await configs.load(workload).catch(() => undefined);
      return config && groupOf(config) === name ? workload : undefined;
    }),
  );
  return members.filter((m): m is string => m !== undefined);
}

/** What removing a group did to its workloads. */
export interface RemovedGroup {
  /** The workloads moved to the `default` group. */
  readonly moved: readonly string[];
  /** The workloads removed (with `withWorkloads`). */
  readonly removed: readonly string[];
}

/**
 * Removes group `name`: its workloads move to `default` (their RunConfigs rewritten under each one's lock;
 * running ones keep running), or with `withWorkloads` are removed; then its file goes. `default` is refused.
 */
export async function removeGroup(
  name: string,
  deps: WorkloadDeps,
  options: { readonly withWorkloads?: boolean } = {},
): Promise<RemovedGroup> {
  const store = groupStore(deps);
  if (name === DEFAULT_GROUP) await store.remove(name); // throws, saying why
  const members = await groupMembers(name, deps);
  if (options.withWorkloads) {
    for (const workload of members) await removeWorkload(workload, deps);
    await store.remove(name);
    return { moved: [], removed: members };
  }
  const { configs } = stores(deps);
  const moved: string[] = [];
  for (const workload of members) {
    await using _lock = await lockWorkload(deps.paths.locks, workload);
    const config = await configs.load(workload).catch(() => undefined);
    if (!config || groupOf(config) !== name) continue; // removed or moved meanwhile
    await configs.save({ ...config, group: DEFAULT_GROUP });
    moved.push(workload);
  }
  await store.remove(name);
  return { moved, removed: [] };
}

/** Every group, sorted by name. */
export function listGroups(deps: WorkloadDeps): Promise<GroupRecord[]> {
  return groupStore(deps).list();
}
