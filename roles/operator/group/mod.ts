/**
 * MCPGroup: its controller's pass and the status it publishes.
 * @module
 */
export { GROUP_FINALIZER, type GroupDeps, reconcileGroup } from "./reconcile.ts";
export { type GroupLookup, lookupGroup } from "./lookup.ts";
export { bucketMembers, groupStatus, MEMBERS_CHECKED } from "./status.ts";
