/**
 * ToolHive's `/api/v1beta/workloads` routes over the workloads facade: list, create (planned at once so bad
 * input is a 400/404/409, then started in the background), get, delete, edit, stop, restart, status and
 * export; the log and event streams and the bulk operations are in their own modules.
 * @module
 */
import { ApiError, type Route, route } from "../../../lib/api/mod.ts";
import type { ServeDeps } from "../deps.ts";
import {
  CreateWorkloadRequest,
  CreateWorkloadResponse,
  ListQuery,
  RunConfigJson,
  UpdateWorkloadRequest,
  WorkloadDetails,
  WorkloadList,
  WorkloadParams,
  WorkloadStatus,
} from "../schemas/workloads.ts";
import { WorkloadActions } from "../workload_actions.ts";
import {
  checkSecrets,
  detailsOf,
  pendingWorkloadOf,
  planOrRefuse,
  planRequest,
  statusOf,
  workloadOf,
} from "../workload_requests.ts";
import { bulkRoutes } from "./workloads_bulk.ts";
import { streamRoutes } from "./workload_streams.ts";

const TAG = "workloads";
const BASE = "/api/v1beta/workloads";
const notFound = { 404: { description: "No such workload", schema: ApiError } } as const;
const accepted = { 202: { description: "Accepted: done for stop and delete; under way for restart" } } as const;

/** Every workloads route. */
export function workloadRoutes(deps: ServeDeps): Route[] {
  const actions = new WorkloadActions(deps);
  const { hub } = actions;
  return [
    route({
      method: "GET",
      path: BASE,
      operationId: "listWorkloads",
      summary: "The workloads with their real state (running ones unless all)",
      tag: TAG,
      query: ListQuery,
      responses: {
        200: { description: "The workloads", schema: WorkloadList },
        404: { description: "No such group", schema: ApiError },
      },
      handle: async ({ query }) => {
        const listed = (await deps.workloads.list({ all: query.all, ...(query.group ? { group: query.group } : {}) }))
          .map(workloadOf);
        for (const op of hub.all()) {
          if (query.group && op.workload.group !== query.group) continue;
          const at = listed.findIndex((w) => w.name === op.workload.name);
          if (at >= 0) {
            listed[at] = {
              ...listed[at]!,
              status: op.status === "error" ? "error" : "starting",
              status_context: op.context,
            };
          } else listed.push(pendingWorkloadOf(op.workload, op.status, op.context));
        }
        return { status: 200, body: { workloads: listed.sort((a, b) => a.name.localeCompare(b.name)) } };
      },
    }),
    route({
      method: "POST",
      path: BASE,
      operationId: "createWorkload",
      summary: "Create and start a workload; it is starting when this answers (see its status or events)",
      tag: TAG,
      body: CreateWorkloadRequest,
      responses: {
        201: { description: "Accepted and starting", schema: CreateWorkloadResponse },
        404: { description: "No such registry server, group or secret", schema: ApiError },
        409: { description: "The name or port is taken", schema: ApiError },
      },
      handle: async ({ body }) => {
        await checkSecrets(deps, body.secrets);
        const plan = await planOrRefuse(deps, planRequest(body));
        await actions.create(plan);
        return { status: 201, body: { name: plan.config.name, port: plan.config.port } };
      },
    }),
    route({
      method: "GET",
      path: `${BASE}/{name}`,
      operationId: "getWorkload",
      summary: "A workload's settings, in the create request's shape",
      tag: TAG,
      params: WorkloadParams,
      responses: { 200: { description: "Its settings", schema: WorkloadDetails }, ...notFound },
      handle: async ({ params }) => ({ status: 200, body: detailsOf(await actions.config(params.name)) }),
    }),
    route({
      method: "DELETE",
      path: `${BASE}/{name}`,
      operationId: "deleteWorkload",
      summary: "Stop a workload and delete it (a creation under way is aborted)",
      tag: TAG,
      params: WorkloadParams,
      responses: { ...accepted, ...notFound },
      handle: async ({ params }) => {
        await actions.remove(params.name);
        return { status: 202 };
      },
    }),
    route({
      method: "POST",
      path: `${BASE}/{name}/edit`,
      operationId: "editWorkload",
      summary: "Recreate a workload with new settings (its name stays; its port too unless proxy_port is given)",
      tag: TAG,
      params: WorkloadParams,
      body: UpdateWorkloadRequest,
      responses: {
        200: { description: "Accepted and starting again", schema: CreateWorkloadResponse },
        ...notFound,
        409: { description: "It is starting, or the port is taken", schema: ApiError },
      },
      handle: async ({ params, body }) => {
        const current = await actions.config(params.name);
        actions.checkIdle(params.name);
        await checkSecrets(deps, body.secrets);
        const port = body.proxy_port ?? current.port;
        const planned = await planOrRefuse(deps, {
          ...planRequest({ ...body, proxy_port: port === current.port ? undefined : port }),
          name: params.name,
        });
        const plan = { ...planned, config: { ...planned.config, port } };
        actions.edit(plan);
        return { status: 200, body: { name: params.name, port } };
      },
    }),
    route({
      method: "POST",
      path: `${BASE}/{name}/stop`,
      operationId: "stopWorkload",
      summary: "Stop a workload (done when this answers)",
      tag: TAG,
      params: WorkloadParams,
      responses: { ...accepted, ...notFound, 409: { description: "It is starting", schema: ApiError } },
      handle: async ({ params }) => {
        await actions.stop(params.name);
        return { status: 202 };
      },
    }),
    route({
      method: "POST",
      path: `${BASE}/{name}/restart`,
      operationId: "restartWorkload",
      summary: "Restart a workload; it is starting when this answers (see its status or events)",
      tag: TAG,
      params: WorkloadParams,
      responses: { ...accepted, ...notFound, 409: { description: "It is starting", schema: ApiError } },
      handle: async ({ params }) => {
        await actions.restart(params.name);
        return { status: 202 };
      },
    }),
    route({
      method: "GET",
      path: `${BASE}/{name}/status`,
      operationId: "getWorkloadStatus",
      summary: "A workload's state",
      tag: TAG,
      params: WorkloadParams,
      responses: { 200: { description: "Its state", schema: WorkloadStatus }, ...notFound },
      handle: async ({ params }) => {
        const op = hub.get(params.name);
        const status = op ? op.status : statusOf((await actions.get(params.name)).state);
        return { status: 200, body: { status } };
      },
    }),
    route({
      method: "GET",
      path: `${BASE}/{name}/export`,
      operationId: "exportWorkload",
      summary: "A workload's RunConfig",
      tag: TAG,
      params: WorkloadParams,
      responses: { 200: { description: "The RunConfig", schema: RunConfigJson }, ...notFound },
      handle: async ({ params }) => ({ status: 200, body: await actions.config(params.name) }),
    }),
    ...streamRoutes(deps, actions),
    ...bulkRoutes(actions, (group) => deps.workloads.groups.members(group)),
  ];
}
