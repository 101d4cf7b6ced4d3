/**
 * The bulk workloads routes (ToolHive's): `POST /api/v1beta/workloads/stop|restart|delete` with
 * `{"names": […]}` or `{"group": "…"}`. Every name is checked before anything is done, so an unknown one is
 * a 404 that changes nothing.
 * @module
 */
import { ApiError, type Route, route } from "../../../lib/api/mod.ts";
import { HttpError } from "../../../lib/http/mod.ts";
import { BulkRequest, BulkResponse } from "../schemas/workloads.ts";
import type { WorkloadActions } from "../workload_actions.ts";

const BASE = "/api/v1beta/workloads";

type Verb = "stop" | "restart" | "delete";

const SUMMARY: Record<Verb, string> = {
  stop: "Stop workloads by names or group (done when this answers)",
  restart: "Restart workloads by names or group (each is starting when this answers)",
  delete: "Delete workloads by names or group (done when this answers)",
};

/** The names a bulk body picks; a 404 naming the first unknown one, or for an unknown group. */
async function pick(
  actions: WorkloadActions,
  groups: (group: string) => Promise<string[]>,
  body: { readonly names?: string[] | undefined; readonly group?: string | undefined },
): Promise<string[]> {
  if (body.group !== undefined) return await groups(body.group);
  const names = [...new Set(body.names ?? [])];
  for (const [i, name] of names.entries()) {
    if (!(await actions.exists(name))) {
      throw new HttpError(404, `body.names[${i}]: no workload named ${name}: see GET ${BASE}?all=true`);
    }
  }
  return names;
}

function bulkRoute(actions: WorkloadActions, groups: (group: string) => Promise<string[]>, verb: Verb): Route {
  return route({
    method: "POST",
    path: `${BASE}/${verb}`,
    operationId: `${verb}Workloads`,
    summary: SUMMARY[verb],
    tag: "workloads",
    body: BulkRequest,
    responses: {
      202: { description: "The workloads acted on", schema: BulkResponse },
      404: { description: "No such workload or group", schema: ApiError },
      409: { description: "One of them is starting", schema: ApiError },
    },
    handle: async ({ body }) => {
      const names = await pick(actions, groups, body);
      if (verb !== "delete") { for (const name of names) actions.checkIdle(name); }
      for (const name of names) {
        if (verb === "stop") await actions.stop(name);
        else if (verb === "restart") await actions.restart(name);
        else await actions.remove(name);
      }
      return { status: 202, body: { names } };
    },
  });
}

/** The bulk routes. */
export function bulkRoutes(actions: WorkloadActions, groups: (group: string) => Promise<string[]>): Route[] {
  return (["stop", "restart", "delete"] as const).map((verb) => bulkRoute(actions, groups, verb));
}
