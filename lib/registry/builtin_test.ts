import assert from "node:assert/strict";
import denoJson from "../../deno.json" with { type: "json" };
import { builtinRegistry } from "./builtin.ts";
import { findServer } from "./lookup.ts";

Deno.test("the built-in catalog parses, and every server in it can be run", () => {
  const registry = builtinRegistry();
  assert.deepEqual(registry.skipped, []);
  assert.deepEqual(registry.entries.map((e) => e.shortName), [
    "everything",
    "filesystem",
    "github",
    "gofetch",
    "memory",
    "sequential-thinking",
  ]);
});

Deno.test("every built-in server declares its tier, tags, tools and permissions", () => {
  for (const entry of builtinRegistry().entries) {
    assert.ok(entry.tier, `${entry.name} has a tier`);
    assert.ok(entry.tags.length > 0, `${entry.name} has tags`);
    assert.ok(entry.tools.length > 0, `${entry.name} has tools`);
    assert.equal(entry.permissionSource, "registry", `${entry.name} declares permissions`);
    assert.ok(entry.repositoryUrl?.startsWith("https://github.com/"), `${entry.name} has a repository`);
  }
});

Deno.test("built-in everything is the server-everything version the repository pins", () => {
  const pinned = denoJson.imports["@modelcontextprotocol/server-everything"].replace(/^npm:/, "");
  const everything = findServer(builtinRegistry().entries, "everything")!;
  assert.equal(everything.reference, `npx://${pinned}`);
  assert.equal(everything.kind, "npm");
  assert.equal(everything.transport, "stdio");
});

Deno.test("built-in github needs its token as a secret, and reaches only GitHub on 443", () => {
  const github = findServer(builtinRegistry().entries, "github")!;
  assert.equal(github.kind, "image");
  const token = github.env.find((e) => e.name === "GITHUB_PERSONAL_ACCESS_TOKEN");
  assert.deepEqual({ required: token?.required, secret: token?.secret }, { required: true, secret: true });
  assert.deepEqual(github.permissions.network?.outbound, {
    allow_host: [".github.com", ".githubusercontent.com"],
    allow_port: [443],
  });
});

Deno.test("built-in servers that need no network get none", () => {
  for (const name of ["filesystem", "memory", "sequential-thinking"]) {
    const entry = findServer(builtinRegistry().entries, name)!;
    assert.deepEqual(entry.permissions, { name: "none", network: { outbound: {} } }, name);
  }
});
