/**
 * Groups of laptop workloads: their names, the `default` group, and the store in ToolHive's layout. The
 * operations that touch the workloads in a group are in lib/workloads.
 * @module
 */
export { checkGroupName, DEFAULT_GROUP } from "./name.ts";
export { GroupRecord, GroupStore } from "./store.ts";
