import assert from "node:assert/strict";
import { z } from "zod";
import { HttpError } from "../http/mod.ts";
import { apiHandler, type ApiHandlerOptions, queryFlag, type Route, route } from "./mod.ts";

const Item = z.object({ name: z.string(), size: z.number().int() });

function routes(calls: string[] = []): Route[] {
  return [
    route({
      method: "GET",
      path: "/items/{name}",
      operationId: "getItem",
      summary: "An item",
      tag: "t",
      params: z.object({ name: z.string().regex(/^[a-z]+$/) }),
      query: z.object({ all: queryFlag, limit: z.coerce.number().int().min(1).optional() }),
      responses: { 200: { description: "It", schema: Item } },
      handle: ({ params, query }) => {
        calls.push(`get ${params.name} all=${query.all} limit=${query.limit}`);
        return { status: 200, body: { name: params.name, size: 1 } };
      },
    }),
    route({
      method: "POST",
      path: "/items/stop",
      operationId: "stopItems",
      summary: "Stops items",
      tag: "t",
      body: z.object({ names: z.array(z.string()) }),
      responses: { 202: { description: "Accepted" } },
      handle: ({ body }) => {
        calls.push(`stop ${body.names.join(",")}`);
        return { status: 202 };
      },
    }),
    route({
      method: "GET",
      path: "/items/stop",
      operationId: "stopInfo",
      summary: "What stop does",
      tag: "t",
      public: true,
      responses: { 200: { description: "Text", contentType: "text/plain" } },
      handle: () => new Response("stops items", { headers: { "content-type": "text/plain" } }),
    }),
    route({
      method: "DELETE",
      path: "/items/{name}",
      operationId: "deleteItem",
      summary: "Deletes an item",
      tag: "t",
      params: z.object({ name: z.string() }),
      responses: { 204: { description: "Gone" } },
      handle: ({ params }) => {
        if (params.name === "bad") throw new RangeError(`"bad" is not an item name: use letters`);
        if (params.name === "boom") throw new TypeError("a bug");
        return { status: 204 };
      },
    }),
  ];
}

async function call(handler: (req: Request) => Response | Promise<Response>, req: Request) {
  try {
    return await handler(req);
  } catch (error) {
    if (error instanceof HttpError) return error;
    throw error;
  }
}

function handler(options: ApiHandlerOptions = {}, calls: string[] = []) {
  return apiHandler(routes(calls), options);
}

Deno.test("apiHandler prefers a fixed segment over a parameter, whatever the declaration order", async () => {
  const calls: string[] = [];
  const res = await handler({}, calls)(
    new Request("http://x/items/stop", { method: "POST", body: JSON.stringify({ names: ["a", "b"] }) }),
  );
  assert.equal(res.status, 202);
  assert.deepEqual(calls, ["stop a,b"]);
  const info = await handler()(new Request("http://x/items/stop"));
  assert.equal(await info.text(), "stops items");
});

Deno.test("apiHandler parses path parameters (decoded) and the query for the handler", async () => {
  const calls: string[] = [];
  const res = await handler({}, calls)(new Request("http://x/items/ab?all&limit=3"));
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), "application/json");
  assert.deepEqual(await res.json(), { name: "ab", size: 1 });
  assert.deepEqual(calls, ["get ab all=true limit=3"]);
});

Deno.test("apiHandler answers a known path with another method 405, listing the methods in allow", async () => {
  const res = await call(handler(), new Request("http://x/items/ab", { method: "PUT" }));
  assert.ok(res instanceof HttpError);
  assert.equal(res.status, 405);
  assert.equal(new Headers(res.headers).get("allow"), "GET, DELETE, HEAD");
  assert.match(res.message, /PUT is not allowed here: use GET or DELETE or HEAD/);
});

Deno.test("apiHandler refuses bad input with a 400 that names the field", async () => {
  const h = handler();
  const cases: [Request, RegExp][] = [
    [new Request("http://x/items/AB"), /^path\.name: /],
    [new Request("http://x/items/ab?limit=0"), /^query\.limit: /],
    [new Request("http://x/items/ab?all=maybe"), /^query\.all: /],
    [new Request("http://x/items/stop", { method: "POST", body: '{"names": [1]}' }), /^body\.names\.0: /],
    [new Request("http://x/items/stop", { method: "POST", body: "[]" }), /^body: /],
    [new Request("http://x/items/stop", { method: "POST" }), /^body: /],
    [new Request("http://x/items/stop", { method: "POST", body: "names=a" }), /^body: not JSON: /],
  ];
  for (const [req, message] of cases) {
    const res = await call(h, req);
    assert.ok(res instanceof HttpError, `${req.method} ${req.url} passed`);
    assert.equal(res.status, 400, `${req.method} ${req.url}`);
    assert.match(res.message, message);
  }
});

Deno.test("apiHandler turns a handler's RangeError into a 400 with its message, and lets other errors through", async () => {
  const bad = await call(handler(), new Request("http://x/items/bad", { method: "DELETE" }));
  assert.ok(bad instanceof HttpError);
  assert.equal(bad.status, 400);
  assert.equal(bad.message, `"bad" is not an item name: use letters`);
  await assert.rejects(() => call(handler(), new Request("http://x/items/boom", { method: "DELETE" })), TypeError);
});

Deno.test("apiHandler asks authorize for routes that are not public only, and before the handler", async () => {
  const asked: string[] = [];
  const calls: string[] = [];
  const h = handler({
    authorize: (req) => {
      asked.push(new URL(req.url).pathname);
      if (!req.headers.has("authorization")) throw new HttpError(401, "No token");
    },
  }, calls);
  assert.equal((await h(new Request("http://x/items/stop"))).status, 200);
  assert.deepEqual(asked, []);
  const refused = await call(h, new Request("http://x/items/ab"));
  assert.ok(refused instanceof HttpError);
  assert.equal(refused.status, 401);
  assert.deepEqual(asked, ["/items/ab"]);
  assert.deepEqual(calls, []);
  assert.equal((await h(new Request("http://x/items/ab", { headers: { authorization: "yes" } }))).status, 200);
  assert.deepEqual(calls, ["get ab all=false limit=undefined"]);
});

Deno.test("apiHandler sends paths no route has to the fallback, or answers 404", async () => {
  const ui = handler({ fallback: (req) => new Response(`ui ${new URL(req.url).pathname}`) });
  assert.equal(await (await ui(new Request("http://x/app.js"))).text(), "ui /app.js");
  assert.equal(await (await ui(new Request("http://x/"))).text(), "ui /");
  // Under a route's first segment the path is the API's: a 404, whatever the method, not the UI's answer.
  for (const method of ["GET", "POST"]) {
    const api = await call(ui, new Request("http://x/items/a/b", { method }));
    assert.ok(api instanceof HttpError, method);
    assert.equal(api.status, 404);
    assert.match(api.message, /No such route: \/items\/a\/b/);
  }
  const none = await call(handler(), new Request("http://x/nowhere"));
  assert.ok(none instanceof HttpError);
  assert.equal(none.status, 404);
  assert.match(none.message, /No such route: \/nowhere/);
});

function checked(reply: () => unknown): Route {
  return route({
    method: "GET",
    path: "/checked",
    operationId: "checked",
    summary: "Answers what the test says",
    tag: "t",
    responses: { 200: { description: "An item", schema: Item }, 404: { description: "None" } },
    handle: () => reply() as { status: number },
  });
}

Deno.test("checkResponses refuses an undocumented status and a body that breaks its schema", async () => {
  const run = async (reply: () => unknown, checkResponses = true) =>
    await apiHandler([checked(reply)], { checkResponses })(new Request("http://x/checked"));
  assert.equal((await run(() => ({ status: 200, body: { name: "a", size: 2 } }))).status, 200);
  assert.equal((await run(() => ({ status: 404 }))).status, 404);
  await assert.rejects(
    () => run(() => ({ status: 201, body: {} })),
    /checked answered 201, which it does not document/,
  );
  await assert.rejects(
    () => run(() => new Response("x", { status: 202 })),
    /checked answered 202, which it does not document/,
  );
  await assert.rejects(
    () => run(() => ({ status: 200, body: { name: "a", size: 1.5 } })),
    /checked 200 breaks its schema: response\.size: /,
  );
  // Off (the default at run time), the reply goes out as it is.
  assert.equal((await run(() => ({ status: 200, body: { name: 1 } }), false)).status, 200);
});
