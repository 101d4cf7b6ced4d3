import assert from "node:assert/strict";
import { nameFromImage, parseEnv } from "./run.ts";

Deno.test("nameFromImage takes the last path segment without tag or digest", () => {
  assert.equal(nameFromImage("ghcr.io/stackloklabs/gofetch/server:latest"), "server");
  assert.equal(nameFromImage("localhost/thv-test-everything:2026.8.31"), "thv-test-everything");
  assert.equal(nameFromImage("Registry:5000/Team/My_Server@sha256:abc"), "my_server");
  assert.equal(nameFromImage("---"), "mcp");
});

Deno.test("parseEnv reads KEY=VALUE and names a bad entry", () => {
  assert.deepEqual(parseEnv(["A=1", "B=x=y", "EMPTY="]), { A: "1", B: "x=y", EMPTY: "" });
  assert.throws(() => parseEnv(["=1"]), { name: "RangeError", message: /^-e =1 is not KEY=VALUE/ });
  assert.throws(() => parseEnv(["1A=x"]), /is not KEY=VALUE/);
  assert.throws(() => parseEnv(["NOEQUALS"]), /is not KEY=VALUE/);
});
