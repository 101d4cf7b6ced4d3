import assert from "node:assert/strict";
import { createLogger } from "../log.ts";
import { HttpError } from "./error.ts";
import { ConflictError, NotFoundError } from "../errors.ts";
import { compose, errorBoundary, type Middleware, requestLog, withMiddleware } from "./middleware.ts";

/** A logger that keeps its lines. */
function recordingLog() {
  const lines: Array<Record<string, unknown>> = [];
  const log = createLogger({ format: "json", level: "debug", write: (l) => lines.push(JSON.parse(l)) });
  return { log, lines };
}

/** A middleware that records its name on the way in and out. */
const tracing = (name: string, trace: string[]): Middleware => (next) => async (req) => {
  trace.push(`>${name}`);
  const res = await next(req);
  trace.push(`<${name}`);
  return res;
};

Deno.test("withMiddleware runs the first listed outermost, and compose is the same chain", async () => {
  const trace: string[] = [];
  const handler = () => (trace.push("handler"), new Response("ok"));
  await withMiddleware(handler, tracing("a", trace), tracing("b", trace))(new Request("http://localhost/"));
  assert.deepEqual(trace, [">a", ">b", "handler", "<b", "<a"]);
  trace.length = 0;
  await compose(tracing("a", trace), tracing("b", trace))(handler)(new Request("http://localhost/"));
  assert.deepEqual(trace, [">a", ">b", "handler", "<b", "<a"]);
});

Deno.test("errorBoundary answers an HttpError, thrown or rejected, with its own response", async () => {
  const refused = new HttpError(403, "Forbidden: Host evil is not allowed");
  const sync = errorBoundary()(() => {
    throw refused;
  });
  const res = await sync(new Request("http://localhost/"));
  assert.equal(res.status, 403);
  assert.equal(await res.text(), "Forbidden: Host evil is not allowed\n");
  const rendered = errorBoundary({ onError: (e) => Response.json({ error: e.message }, { status: e.status }) })(
    () => Promise.reject(new HttpError(413, "too large")),
  );
  const json = await rendered(new Request("http://localhost/"));
  assert.deepEqual([json.status, await json.json()], [413, { error: "too large" }]);
});

Deno.test("errorBoundary logs any other error with the request's path and answers a 500 that leaks nothing", async () => {
  const { log, lines } = recordingLog();
  const handler = errorBoundary({ log })(() => {
    throw new Error("secret internals at /var/lib/thv");
  });
  const res = await handler(new Request("http://localhost/mcp?session_id=s1", { method: "POST" }));
  assert.equal(res.status, 500);
  assert.equal(await res.text(), "Internal server error\n");
  assert.equal(lines.length, 1);
  assert.equal(lines[0]!.msg, "Request failed");
  assert.equal(lines[0]!.path, "/mcp");
  assert.equal(lines[0]!.method, "POST");
  assert.match(JSON.stringify(lines[0]!.error), /secret internals/);
});

Deno.test("requestLog logs method, path without query, status and duration", async () => {
  const { log, lines } = recordingLog();
  const handler = withMiddleware(() => new Response(null, { status: 202 }), requestLog({ log }));
  assert.equal((await handler(new Request("http+unix://%2Ftmp%2Fs/messages?session_id=abc"))).status, 202);
  assert.equal(lines.length, 1);
  const { level, msg, method, path, status, ms } = lines[0]!;
  assert.deepEqual({ level, msg, method, path, status }, {
    level: "debug",
    msg: "Served request",
    method: "GET",
    path: "/messages",
    status: 202,
  });
  assert.equal(typeof ms, "number");
});

Deno.test("errorBoundary answers the domain's NotFoundError with 404 and ConflictError with 409, message kept", async () => {
  const missing = await errorBoundary()(() => {
    throw new NotFoundError("No workload named x: see thv list -a");
  })(new Request("http://h/api/v1beta/workloads/x"));
  assert.equal(missing.status, 404);
  assert.equal(await missing.text(), "No workload named x: see thv list -a\n");
  const clash = await errorBoundary()(() => Promise.reject(new ConflictError("Workload x runs already")))(
    new Request("http://h/"),
  );
  assert.equal(clash.status, 409);
  assert.equal(await clash.text(), "Workload x runs already\n");
});
