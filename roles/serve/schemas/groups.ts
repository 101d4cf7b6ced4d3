/**
 * The shapes of the groups routes (`/api/v1beta/groups`), with ToolHive's field names.
 * @module
 */
import { z } from "zod";
import { queryFlag } from "../../../lib/api/mod.ts";
import { GROUP_NAME, MAX_GROUP_NAME_LENGTH } from "../../../lib/groups/mod.ts";

/** A group name as ToolHive allows it. */
export const GroupName = z.string()
  .max(MAX_GROUP_NAME_LENGTH, `must be at most ${MAX_GROUP_NAME_LENGTH} characters`)
  .regex(GROUP_NAME, "must be lowercase letters, digits, '-' or '_', with single spaces between words")
  .describe("Group name: lowercase letters, digits, '-', '_' and single spaces between words");

/** A group. */
export const Group = z.object({
  name: GroupName,
  registered_clients: z.array(z.string()).describe("The MCP clients registered for this group's workloads"),
}).meta({ id: "Group", description: "A group of workloads" });

/** `GET /groups`. */
export const GroupList = z.object({
  groups: z.array(Group).describe("Every group, by name (default among them)"),
}).meta({ id: "GroupList" });

/** `POST /groups`. */
export const CreateGroupRequest = z.strictObject({
  name: GroupName.describe("Name of the group to create"),
}).meta({ id: "CreateGroupRequest" });

/** What `POST /groups` answers. */
export const CreateGroupResponse = z.object({
  name: z.string().describe("Name of the group created"),
}).meta({ id: "CreateGroupResponse" });

/** The `{name}` of `/groups/{name}`. */
export const GroupParams = z.object({ name: GroupName });

/** The query of `DELETE /groups/{name}`. */
export const DeleteGroupQuery = z.strictObject({
  "with-workloads": queryFlag.describe(
    "Remove the group's workloads too (default: false, they move to the default group)",
  ),
});
