/**
 * `/api/v1beta/groups`: list, create, get and remove groups over the workloads facade's groups, as
 * `thv group` does. Removing a group moves its workloads to `default`, or with `?with-workloads` removes them;
 * the `default` group cannot be removed (a 400).
 * @module
 */
import type { z } from "zod";
import { type Route, route } from "../../../lib/api/mod.ts";
import type { GroupRecord } from "../../../lib/groups/mod.ts";
import type { ServeDeps } from "../deps.ts";
import {
  CreateGroupRequest,
  CreateGroupResponse,
  DeleteGroupQuery,
  Group,
  GroupList,
  GroupParams,
} from "../schemas/groups.ts";
import { badInputAs400 } from "./_bad_input.ts";

const TAG = "groups";

/** A group as the API shows it: the fields ToolHive's API has (its file may hold more). */
function view(group: GroupRecord): z.output<typeof Group> {
  return { name: group.name, registered_clients: [...group.registered_clients] };
}
const NOT_FOUND = { description: "No such group" };

/** The groups routes. */
export function groupRoutes(deps: Pick<ServeDeps, "workloads">): Route[] {
  const groups = deps.workloads.groups;
  return [
    route({
      method: "GET",
      path: "/api/v1beta/groups",
      operationId: "listGroups",
      summary: "Every group",
      tag: TAG,
      responses: { 200: { description: "The groups", schema: GroupList } },
      handle: async () => ({ status: 200, body: { groups: (await groups.list()).map(view) } }),
    }),
    route({
      method: "POST",
      path: "/api/v1beta/groups",
      operationId: "createGroup",
      summary: "Create an empty group",
      tag: TAG,
      body: CreateGroupRequest,
      responses: {
        201: { description: "Created", schema: CreateGroupResponse },
        409: { description: "A group of that name exists" },
      },
      handle: async ({ body }) => ({ status: 201, body: { name: (await groups.create(body.name)).name } }),
    }),
    route({
      method: "GET",
      path: "/api/v1beta/groups/{name}",
      operationId: "getGroup",
      summary: "A group",
      tag: TAG,
      params: GroupParams,
      responses: { 200: { description: "The group", schema: Group }, 404: NOT_FOUND },
      handle: async ({ params }) => ({ status: 200, body: view(await groups.get(params.name)) }),
    }),
    route({
      method: "DELETE",
      path: "/api/v1beta/groups/{name}",
      operationId: "deleteGroup",
      summary: "Remove a group: its workloads move to default, or with with-workloads are removed",
      tag: TAG,
      params: GroupParams,
      query: DeleteGroupQuery,
      responses: { 204: { description: "Removed" }, 404: NOT_FOUND },
      handle: async ({ params, query }) => {
        await badInputAs400(() => groups.remove(params.name, { withWorkloads: query["with-workloads"] }));
        return { status: 204 };
      },
    }),
  ];
}
