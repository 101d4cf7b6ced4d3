import assert from "node:assert/strict";
import { NotFoundError } from "../errors.ts";
import { npmServer, registryOf, stacklokMeta } from "./_test_registry.ts";
import { parseRegistry } from "./parse.ts";
import { OFFICIAL_META, upstreamLatest, upstreamServers } from "./upstream_api.ts";

const registry = parseRegistry(
  registryOf(
    npmServer("io.github.c/gamma", { icons: [{ src: "https://example.com/i.png" }] }),
    npmServer("io.github.a/alpha"),
    npmServer("io.github.b/beta", {
      _meta: stacklokMeta("npx://@example/pkg@1.2.3", { status: "Deprecated" }),
    }),
  ),
  "test",
);

Deno.test("parseRegistry keeps the file's version and each server.json as written, unknown keys included", () => {
  assert.equal(registry.version, "1.0.0");
  assert.deepEqual(registry.servers.map((s) => s.name), ["io.github.c/gamma", "io.github.a/alpha", "io.github.b/beta"]);
  assert.deepEqual(registry.servers[0]!.icons, [{ src: "https://example.com/i.png" }]);
});

Deno.test("upstreamServers pages by name with an opaque cursor until no nextCursor is given", () => {
  const first = upstreamServers(registry, { limit: 2 });
  assert.deepEqual(first.servers.map((s) => s.server.name), ["io.github.a/alpha", "io.github.b/beta"]);
  assert.equal(first.metadata.count, 2);
  assert.ok(first.metadata.nextCursor);
  const second = upstreamServers(registry, { limit: 2, cursor: first.metadata.nextCursor! });
  assert.deepEqual(second.servers.map((s) => s.server.name), ["io.github.c/gamma"]);
  assert.deepEqual(second.metadata, { count: 1 });
  assert.equal(upstreamServers(registry).servers.length, 3);
});

Deno.test("upstreamServers finds by name substring ignoring case and carries the registry's status", () => {
  const found = upstreamServers(registry, { search: "BET" });
  assert.deepEqual(found.servers.map((s) => s.server.name), ["io.github.b/beta"]);
  assert.deepEqual(found.servers[0]!._meta[OFFICIAL_META], {
    status: "deprecated",
    updatedAt: "2026-11-01T00:00:00Z",
    isLatest: true,
  });
  assert.deepEqual(upstreamServers(registry, { search: "nothing" }), { servers: [], metadata: { count: 0 } });
  assert.throws(() => upstreamServers(registry, { limit: 0 }), /limit 0 is out of range: use 1 to 100/);
});

Deno.test("upstreamLatest gives a server by its exact name and a NotFoundError naming it otherwise", () => {
  assert.equal(upstreamLatest(registry, "io.github.a/alpha").server.name, "io.github.a/alpha");
  assert.throws(
    () => upstreamLatest(registry, "alpha"),
    (e) => e instanceof NotFoundError && /No server named alpha/.test(e.message),
  );
});
