import assert from "node:assert/strict";
import { absoluteSandboxImage, isSandboxImage, parseSandboxRef } from "./ref.ts";

Deno.test("parseSandboxRef reads npm packages with and without scope and version", () => {
  const table: Array<[string, unknown]> = [
    ["npx://left-pad", { kind: "npm", name: "left-pad" }],
    ["npx://left-pad@1.3.0", { kind: "npm", name: "left-pad", version: "1.3.0" }],
    ["npx://@modelcontextprotocol/server-everything", { kind: "npm", name: "@modelcontextprotocol/server-everything" }],
    [
      "npx://@modelcontextprotocol/server-everything@2026.8.31",
      { kind: "npm", name: "@modelcontextprotocol/server-everything", version: "2026.8.31" },
    ],
    ["npx://zod@latest", { kind: "npm", name: "zod", version: "latest" }],
    ["npx://zod@^3.2", { kind: "npm", name: "zod", version: "^3.2" }],
    ["npx://JSONStream@1.3.5", { kind: "npm", name: "JSONStream", version: "1.3.5" }],
  ];
  for (const [image, want] of table) assert.deepEqual(parseSandboxRef(image), want, image);
});

Deno.test("parseSandboxRef reads local package directories, relative ones against cwd", () => {
  assert.deepEqual(parseSandboxRef("npx:///srv/probe/"), { kind: "local", dir: "/srv/probe" });
  assert.deepEqual(parseSandboxRef("npx://./probe", "/work"), { kind: "local", dir: "/work/probe" });
  assert.deepEqual(parseSandboxRef("npx://../probe", "/work/x"), { kind: "local", dir: "/work/probe" });
  assert.throws(() => parseSandboxRef("npx://./probe"), /needs a working directory/);
});

Deno.test("parseSandboxRef refuses bad references with one line naming the reference and the valid forms", () => {
  for (const image of ["docker.io/x", "npx://", "npx://@", "npx://.hidden", "npx://_x", "npx://a b", "npx://x@1 2"]) {
    assert.throws(() => parseSandboxRef(image), (e: Error) => {
      assert.ok(e instanceof RangeError);
      assert.ok(e.message.startsWith(`Image ${JSON.stringify(image)} is not a valid npx reference: `), e.message);
      assert.match(e.message, /use npx:\/\/<package>\[@version\]/);
      assert.ok(!e.message.includes("\n"));
      return true;
    });
  }
  assert.throws(() => parseSandboxRef(`npx://${"a".repeat(215)}`), /is not an npm package name/);
  assert.throws(() => parseSandboxRef("npx://a/b"), /is not an npm package name/);
});

Deno.test("isSandboxImage is true only for npx:// images", () => {
  assert.equal(isSandboxImage("npx://left-pad"), true);
  assert.equal(isSandboxImage("ghcr.io/x/y:1"), false);
  assert.equal(isSandboxImage("uvx://x"), false);
});

Deno.test("absoluteSandboxImage makes a relative local package absolute and leaves every other image alone", () => {
  assert.equal(absoluteSandboxImage("npx://./srv", "/home/me"), "npx:///home/me/srv");
  assert.equal(absoluteSandboxImage("npx://../srv/", "/home/me/x"), "npx:///home/me/srv");
  assert.equal(absoluteSandboxImage("npx://.", "/home/me"), "npx:///home/me");
  for (const image of ["npx:///abs/srv", "npx://left-pad@1.3.0", "npx://@scope/pkg", "ghcr.io/x/y:1"]) {
    assert.equal(absoluteSandboxImage(image, "/home/me"), image);
  }
});
