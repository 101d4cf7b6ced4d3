/**
 * `spec.groupRef` of an MCPServer → the `GroupRefValidated` condition (ToolHive's reasons and messages,
 * toolhive-crds.md §0.8). Advisory, as in ToolHive: a missing, deleted or unready group is reported, and the
 * server runs all the same (RunConfig `group` comes from the spec itself, desired/run_config.ts).
 * @module
 */
import type { ServerRefHandler } from "../server_refs.ts";

/** `spec.groupRef` → GroupRefValidated; never a failure. */
export const GROUP_REF: ServerRefHandler = {
  conditionType: "GroupRefValidated",
  resolve(server, _lookup, lookupGroup) {
    const ref = server.spec.groupRef;
    if (!ref) return {};
    const type = this.conditionType;
    const found = lookupGroup(ref.name);
    if (found.state === "missing") {
      const message = `MCPGroup '${ref.name}' not found in namespace '${server.metadata.namespace}'`;
      return { condition: { type, status: "False", reason: "GroupRefNotFound", message } };
    }
    if (found.state === "deleting") {
      const message = "Referenced MCPGroup is being deleted";
      return { condition: { type, status: "False", reason: "GroupRefNotFound", message } };
    }
    if (found.phase !== "Ready") {
      const message = `MCPGroup '${ref.name}' is not ready (current phase: ${found.phase})`;
      return { condition: { type, status: "False", reason: "GroupRefNotReady", message } };
    }
    const message = `MCPGroup '${ref.name}' is valid and ready`;
    return { condition: { type, status: "True", reason: "GroupRefIsValid", message } };
  },
};
