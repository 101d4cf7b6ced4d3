/**
 * The workloads routes that answer with text or a stream: `/logs` and `/proxy-logs` (text/plain; with
 * `?follow=true` what comes is sent as it comes, as `thv logs -f` prints it, until the client goes) and
 * `/events` (Server-Sent Events: the progress and state changes of the operation under way, ending when the
 * workload runs, stopped or failed).
 * @module
 */
import { ApiError, type Route, route } from "../../../lib/api/mod.ts";
import { sleepUnlessAborted } from "../../../lib/async/mod.ts";
import type { ServeDeps } from "../deps.ts";
import { LogsQuery, WorkloadParams } from "../schemas/workloads.ts";
import type { WorkloadActions } from "../workload_actions.ts";
import type { HubEvent } from "../workload_hub.ts";
import { statusOf } from "../workload_requests.ts";

const TAG = "workloads";
const BASE = "/api/v1beta/workloads";
const notFound = { 404: { description: "No such workload", schema: ApiError } } as const;

/** How often the events stream looks at a workload that some other thv is starting or stopping. */
const STATE_POLL_MS = 500;

/** A streamed response of `chunks`, which ends (and whose source is told) when the client goes. */
function streamed(chunks: AsyncIterator<string>, stop: AbortController, contentType: string): Response {
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { value, done } = await chunks.next();
        if (done) controller.close();
        else controller.enqueue(encoder.encode(value));
      } catch (e) {
        controller.error(e);
      }
    },
    cancel() {
      stop.abort();
      void chunks.return?.();
    },
  });
  return new Response(body, {
    status: 200,
    headers: { "content-type": contentType, "cache-control": "no-store", "x-content-type-options": "nosniff" },
  });
}

/** An abort controller that also aborts with `signal` (the request's). */
function linked(signal: AbortSignal): AbortController {
  const stop = new AbortController();
  if (signal.aborted) stop.abort();
  else signal.addEventListener("abort", () => stop.abort(), { once: true });
  return stop;
}

function logsRoute(deps: ServeDeps, path: "logs" | "proxy-logs"): Route {
  const proxy = path === "proxy-logs";
  return route({
    method: "GET",
    path: `${BASE}/{name}/${path}`,
    operationId: proxy ? "getWorkloadProxyLogs" : "getWorkloadLogs",
    summary: proxy ? "A workload's proxy log" : "A workload's server output",
    tag: TAG,
    params: WorkloadParams,
    query: LogsQuery,
    responses: { 200: { description: "The log (streamed with follow)", contentType: "text/plain" }, ...notFound },
    handle: async ({ params, query, signal }) => {
      if (!query.follow) {
        const text = await deps.workloads.logs(params.name, { proxy });
        return new Response(text, { status: 200, headers: { "content-type": "text/plain; charset=utf-8" } });
      }
      const stop = linked(signal);
      const chunks = deps.workloads.followLogs(params.name, { proxy, signal: stop.signal })[Symbol.asyncIterator]();
      const first = await chunks.next(); // an unknown name is a 404 before the answer starts
      const all = (async function* () {
        for (let next = first; !next.done; next = await chunks.next()) yield next.value;
      })();
      return streamed(all, stop, "text/plain; charset=utf-8");
    },
  });
}

function sse(event: HubEvent): string {
  return `event: ${event.event}\ndata: ${JSON.stringify(event.data)}\n\n`;
}

const ENDS = new Set(["running", "stopped", "error"]);

/** The events of a workload no operation of this thv serve is running: its state, until it settles. */
async function* stateEvents(
  actions: WorkloadActions,
  name: string,
  first: string,
  context: string,
  signal: AbortSignal,
) {
  let status = first;
  yield sse({ event: "status", data: { status, status_context: context } });
  while (!ENDS.has(status) && await sleepUnlessAborted(STATE_POLL_MS, signal)) {
    const now = await actions.get(name).catch(() => undefined);
    if (!now) return;
    const next = statusOf(now.state);
    if (next === status) continue;
    status = next;
    yield sse({ event: "status", data: { status, status_context: now.reason } });
  }
}

/** The log and event stream routes. */
export function streamRoutes(deps: ServeDeps, actions: WorkloadActions): Route[] {
  return [
    logsRoute(deps, "logs"),
    logsRoute(deps, "proxy-logs"),
    route({
      method: "GET",
      path: `${BASE}/{name}/events`,
      operationId: "getWorkloadEvents",
      summary:
        "Server-Sent Events of a workload: pull progress, warnings and state changes (event names pull, warning, status), until it runs, stopped or failed",
      tag: TAG,
      params: WorkloadParams,
      responses: { 200: { description: "The event stream", contentType: "text/event-stream" }, ...notFound },
      handle: async ({ params, signal }) => {
        const stop = linked(signal);
        const op = actions.hub.get(params.name);
        let chunks: AsyncIterator<string>;
        if (op) {
          chunks = (async function* () {
            for await (const event of op.events(stop.signal)) yield sse(event);
          })();
        } else {
          const now = await actions.get(params.name);
          chunks = stateEvents(actions, params.name, statusOf(now.state), now.reason, stop.signal);
        }
        return streamed(chunks, stop, "text/event-stream");
      },
    }),
  ];
}
