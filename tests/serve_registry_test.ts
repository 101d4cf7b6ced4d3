/**
 * `thv serve`'s registry routes over real HTTP against a real `thv serve`: ToolHive's `/api/v1beta/registry`
 * read side over the built-in catalog (the same servers `thv registry list` shows), the upstream MCP registry
 * read API with its cursor, limit and search, the 404s and 400s, and no write side.
 */
import assert from "node:assert/strict";
import { privateHome, runThv, startServe } from "./harness/mod.ts";
import { errorAnswer as error, jsonAnswer as body } from "./harness/mod.ts";
import {
  RegistryDetail,
  RegistryList,
  RegistryServerDetail,
  RegistryServerList,
  UpstreamServerList,
  UpstreamServerResponse,
} from "../roles/serve/schemas/registry.ts";
import catalog from "../lib/registry/builtin.json" with { type: "json" };

const EVERYTHING = "io.github.modelcontextprotocol/server-everything";

Deno.test("the registry API lists the built-in registry and its servers as thv registry list does", async () => {
  await using home = await privateHome();
  await using serve = await startServe(home.env);
  const cli = JSON.parse((await runThv(["registry", "list", "--format", "json"], home.env)).stdout) as {
    name: string;
    reference: string;
  }[];
  assert.deepEqual(RegistryList.parse(await body(await serve.api("/api/v1beta/registry"), 200)), {
    registries: [{
      name: "default",
      type: "default",
      source: "",
      version: catalog.version,
      last_updated: catalog.meta.last_updated,
      server_count: cli.length,
    }],
  });
  const detail = RegistryDetail.parse(await body(await serve.api("/api/v1beta/registry/default"), 200));
  assert.deepEqual(Object.keys(detail.registry.servers).sort(), cli.map((s) => s.name).sort());
  const list = RegistryServerList.parse(await body(await serve.api("/api/v1beta/registry/default/servers"), 200));
  assert.deepEqual(list.servers.map((s) => [s.name, s.image]), cli.map((s) => [s.name, s.reference]));
  assert.deepEqual(list.remote_servers, []);

  const byShort = RegistryServerDetail.parse(
    await body(await serve.api("/api/v1beta/registry/default/servers/everything"), 200),
  );
  assert.equal(byShort.server.name, EVERYTHING);
  assert.equal(byShort.server.short_name, "everything");
  assert.equal(byShort.is_remote, false);
  const byFull = await body(
    await serve.api(`/api/v1beta/registry/default/servers/${encodeURIComponent(EVERYTHING)}`),
    200,
  );
  assert.deepEqual(byFull, byShort);

  assert.match(
    await error(await serve.api("/api/v1beta/registry/nope"), 404),
    /^No registry named nope: thv has one, default/,
  );
  assert.match(await error(await serve.api("/api/v1beta/registry/nope/servers"), 404), /No registry named nope/);
  assert.match(
    await error(await serve.api("/api/v1beta/registry/default/servers/evrything"), 404),
    /^No server named evrything in the registry \(did you mean everything\?\)/,
  );
  // thv has no write side: no route adds, changes, refreshes or logs in to a registry.
  assert.equal((await serve.api("/api/v1beta/registry", { method: "POST", body: "{}" })).status, 405);
  assert.equal((await serve.api("/api/v1beta/registry/default", { method: "PUT", body: "{}" })).status, 405);
  assert.equal((await serve.api("/api/v1beta/registry/default", { method: "DELETE" })).status, 405);
  assert.equal((await serve.api("/api/v1beta/registry/default/refresh", { method: "POST" })).status, 404);
  assert.equal((await serve.api("/api/v1beta/registry/auth/login", { method: "POST" })).status, 404);
});

Deno.test("the upstream registry API pages the servers by cursor, finds by name and gives one's latest version", async () => {
  await using home = await privateHome();
  await using serve = await startServe(home.env);
  const v01 = "/registry/default/v0.1/servers";
  const names: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const query = `?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
    const page = UpstreamServerList.parse(await body(await serve.api(`${v01}${query}`), 200));
    assert.equal(page.metadata.count, page.servers.length);
    assert.ok(page.servers.length <= 2);
    names.push(...page.servers.map((s) => s.server.name as string));
    cursor = page.metadata.nextCursor;
    pages++;
  } while (cursor && pages < 10);
  const all = catalog.data.servers.map((s) => s.name).sort();
  assert.deepEqual(names, all);
  assert.equal(pages, Math.ceil(all.length / 2));

  const found = UpstreamServerList.parse(await body(await serve.api(`${v01}?search=EVERY`), 200));
  assert.deepEqual(found.servers.map((s) => s.server.name), [EVERYTHING]);
  assert.deepEqual(found.servers[0]!._meta["io.modelcontextprotocol.registry/official"], {
    status: "active",
    updatedAt: catalog.meta.last_updated,
    isLatest: true,
  });

  const latest = UpstreamServerResponse.parse(
    await body(await serve.api(`${v01}/${encodeURIComponent(EVERYTHING)}/versions/latest`), 200),
  );
  assert.deepEqual(latest.server, catalog.data.servers.find((s) => s.name === EVERYTHING));

  assert.match(await error(await serve.api(`${v01}?limit=0`), 400), /^query\.limit: must be from 1 to 100/);
  assert.match(await error(await serve.api(`${v01}?limit=ten`), 400), /^query\.limit: must be a whole number/);
  assert.match(
    await error(await serve.api(`${v01}?updated_since=2026-01-01T00:00:00Z`), 400),
    /^query: .*updated_since/,
  );
  assert.match(await error(await serve.api("/registry/nope/v0.1/servers"), 404), /No registry named nope/);
  assert.match(
    await error(await serve.api(`${v01}/everything/versions/latest`), 404),
    /^No server named everything in registry built-in: give the full reverse-DNS name/,
  );
});

Deno.test("the OpenAPI document lists the groups, clients, registry and secrets routes, and no registry write side", async () => {
  await using home = await privateHome();
  await using serve = await startServe(home.env, { args: ["--openapi"] });
  const doc = (await body(await fetch(`${serve.base}/api/openapi.json`), 200)) as {
    paths: Record<string, Record<string, unknown>>;
  };
  const ops = Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m} ${path}`));
  for (
    const op of [
      "get /api/v1beta/groups",
      "delete /api/v1beta/groups/{name}",
      "post /api/v1beta/clients/register",
      "delete /api/v1beta/clients/{name}/groups/{group}",
      "get /api/v1beta/discovery/clients",
      "get /api/v1beta/registry/{name}/servers/{serverName}",
      "get /registry/{registryName}/v0.1/servers",
      "get /registry/{registryName}/v0.1/servers/{serverName}/versions/latest",
      "put /api/v1beta/secrets/default/keys/{key}",
    ]
  ) assert.ok(ops.includes(op), op);
  const registryWrites = ops.filter((op) => op.includes("/registry") && !op.startsWith("get "));
  assert.deepEqual(registryWrites, []);
});
