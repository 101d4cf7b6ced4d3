/**
 * `thv serve --openapi` as a user starts it: its `/api/openapi.json` is a valid OpenAPI 3.1 document (checked
 * with an OpenAPI 3.1 validator from npm) that lists every route, and `/api/doc` is Swagger UI served from the
 * npm package's own files, pointing at the document.
 * @module
 */
import assert from "node:assert/strict";
import { Validator } from "@seriousme/openapi-schema-validator";
import { privateHome, startServe } from "./harness/mod.ts";
import type { ServeDeps } from "../roles/serve/deps.ts";
import { apiRoutes } from "../roles/serve/routes/mod.ts";
import { SWAGGER_UI_DIST } from "../roles/serve/routes/api_doc.ts";

Deno.test("thv serve --openapi serves a valid OpenAPI 3.1 document of every route, and Swagger UI at /api/doc", async () => {
  await using home = await privateHome();
  await using serve = await startServe(home.env, { args: ["--openapi"] });
  const res = await fetch(`${serve.base}/api/openapi.json`);
  assert.equal(res.status, 200);
  const doc = await res.json();
  const result = await new Validator().validate(doc);
  assert.deepEqual(result.errors ?? [], [], "the document breaks OpenAPI 3.1");
  assert.equal(result.valid, true);
  assert.equal(doc.openapi, "3.1.0");

  // The routes as thv serve builds them; their handlers are not called, so any stand-in for their
  // dependencies does: each property of it is another stand-in.
  const standIn: object = new Proxy(function () {}, { get: () => standIn, apply: () => standIn });
  const routes = apiRoutes(standIn as ServeDeps);
  assert.ok(routes.length > 10, `only ${routes.length} routes`);
  const missing = routes.filter((r) => !doc.paths[r.path]?.[r.method.toLowerCase()]);
  assert.deepEqual(missing.map((r) => `${r.method} ${r.path}`), [], "routes missing from the document");
  for (const path of ["/api/openapi.json", "/api/doc", "/api/doc/{file}"]) assert.ok(doc.paths[path]?.get, path);
  const ids = Object.values(doc.paths).flatMap((ops) => Object.values(ops as object).map((op) => op.operationId));
  assert.equal(new Set(ids).size, ids.length, "operation ids repeat");

  const page = await fetch(`${serve.base}/api/doc`);
  assert.equal(page.status, 200);
  assert.match(page.headers.get("content-type") ?? "", /^text\/html/);
  assert.match(page.headers.get("content-security-policy") ?? "", /script-src 'self'/);
  const html = await page.text();
  assert.doesNotMatch(html, /https?:\/\//, "the page loads nothing from elsewhere");
  const init = await (await fetch(`${serve.base}/api/doc/init.js`)).text();
  assert.match(init, /url: "\/api\/openapi.json"/);
  assert.match(init, /validatorUrl: null/);
  for (const src of html.matchAll(/(?:src|href)="([^"]+)"/g)) {
    const file = await fetch(`${serve.base}${src[1]}`);
    assert.equal(file.status, 200, src[1]);
    const body = new Uint8Array(await file.arrayBuffer());
    const name = src[1]!.replace("/api/doc/", "");
    if (name !== "init.js") assert.deepEqual(body, await Deno.readFile(new URL(name, SWAGGER_UI_DIST)), name);
  }
  const other = await fetch(`${serve.base}/api/doc/package.json`);
  assert.equal(other.status, 400, "only the page's files are served");
  await other.body?.cancel();

  // Without --openapi neither is there.
  await using plain = await startServe(home.env);
  for (const path of ["/api/openapi.json", "/api/doc"]) {
    const none = await fetch(`${plain.base}${path}`);
    assert.equal(none.status, 404, path);
    await none.body?.cancel();
  }
});
