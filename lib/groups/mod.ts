/**
 * Groups of laptop workloads: their names, the `default` group, and the store in ToolHive's layout. The
 * operations that touch the workloads in a group are in lib/workloads.
 * @module
 */
export { checkGroupName, DEFAULT_GROUP, GROUP_NAME, MAX_GROUP_NAME_LENGTH } from "./name.ts";
export { GroupRecord, GroupStore } from "./store.ts";
