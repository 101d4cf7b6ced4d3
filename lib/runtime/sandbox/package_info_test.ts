import assert from "node:assert/strict";
import { packageBin, resolvedNpmPackage } from "./package_info.ts";

const info = (module: Record<string, unknown>, npmPackages: Record<string, unknown> = {}) =>
  JSON.stringify({ version: 1, roots: [], modules: [module], redirects: {}, npmPackages });

Deno.test("resolvedNpmPackage reads the exact version and cache folder deno info reports", () => {
  const json = info({ kind: "npm", npmPackage: "@m/s@2.0.1_zod@4.6.7" }, {
    "@m/s@2.0.1_zod@4.6.7": {
      name: "@m/s",
      version: "2.0.1",
      registryUrl: "https://registry.npmjs.org/",
      localPath: "/cache/npm/registry.npmjs.org/@m/s/2.0.1",
    },
  });
  assert.deepEqual(resolvedNpmPackage(json, "@m/s", "^2"), {
    version: "2.0.1",
    dir: "/cache/npm/registry.npmjs.org/@m/s/2.0.1",
    registryUrl: "https://registry.npmjs.org/",
  });
});

Deno.test("resolvedNpmPackage turns deno info's errors into one line saying what to check", () => {
  const table: Array<[string, string | undefined, string, string]> = [
    [
      "@x/nope",
      undefined,
      "npm package '@x/nope' does not exist.",
      "npm package @x/nope not found: check the name with npm view @x/nope",
    ],
    [
      "zod",
      "99.0.0",
      "Could not find npm package 'zod' matching '99.0.0'.",
      "npm package zod@99.0.0 not found: check the versions with npm view zod versions",
    ],
    [
      "zod",
      undefined,
      'Failed loading http://127.0.0.1:9/zod for package "zod"',
      'Cannot reach the npm registry for zod: Failed loading http://127.0.0.1:9/zod for package "zod"',
    ],
    ["zod", undefined, "something\nelse", "Cannot fetch npm package zod: something; else"],
  ];
  for (const [name, version, error, message] of table) {
    assert.throws(() => resolvedNpmPackage(info({ specifier: `npm:${name}`, error }), name, version), { message });
  }
  assert.throws(() => resolvedNpmPackage("not json", "zod"), /deno info did not answer JSON/);
  assert.throws(() => resolvedNpmPackage(info({ kind: "npm", npmPackage: "zod@1" }), "zod"), /did not report/);
});

Deno.test("packageBin chooses the bin as npx does", () => {
  assert.deepEqual(packageBin({ name: "@m/probe", bin: "./probe.js" }, "p"), { name: "probe", path: "probe.js" });
  assert.deepEqual(packageBin({ name: "@m/x", bin: { "mcp-x": "dist/index.js" } }, "p"), {
    name: "mcp-x",
    path: "dist/index.js",
  });
  assert.deepEqual(packageBin({ name: "x", bin: { a: "a.js", x: "./x.js" } }, "p"), { name: "x", path: "x.js" });
  assert.throws(() => packageBin({ name: "x", bin: { a: "a.js", b: "b.js" } }, "x@1"), {
    message: "Package x@1 has several bins (a, b) and none named x: thv cannot tell which one runs the MCP server",
  });
  assert.throws(() => packageBin({ name: "x" }, "x@1"), /has no bin in its package.json/);
  assert.throws(() => packageBin({ name: "x", bin: "../escape.js" }, "x@1"), /must stay inside the package/);
  assert.throws(() => packageBin({ bin: "x.js" }, "/p"), /no name in its package.json/);
});
