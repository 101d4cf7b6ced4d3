import assert from "node:assert/strict";
import { npmServer, registryOf } from "./_test_registry.ts";
import { resolveArgs } from "./args.ts";
import { parseRegistry } from "./parse.ts";

function entryWith(packageArguments: unknown[]) {
  return parseRegistry(
    registryOf(npmServer("io.x/server-files", {
      packages: [{
        registryType: "npm",
        identifier: "f",
        version: "1",
        transport: { type: "stdio" },
        packageArguments,
      }],
    })),
    "test",
  ).entries[0]!;
}

Deno.test("resolveArgs uses the defaults when the user gives none, and the user's args instead of them", () => {
  const entry = entryWith([{ type: "positional", value: "stdio" }, { type: "named", name: "--port", default: "1" }]);
  assert.deepEqual(resolveArgs(entry, []), ["stdio", "--port", "1"]);
  assert.deepEqual(resolveArgs(entry, ["sse"]), ["sse"]);
});

Deno.test("resolveArgs says how to give a required argument that has no value", () => {
  const positional = entryWith([{ type: "positional", valueHint: "allowed_directory", isRequired: true }]);
  assert.throws(() => resolveArgs(positional, []), {
    name: "RangeError",
    message: "Server files needs the argument <allowed_directory>: give it after --, " +
      "as in thv run files -- <allowed_directory>",
  });
  assert.deepEqual(resolveArgs(positional, ["/tmp/a", "/tmp/b"]), ["/tmp/a", "/tmp/b"]);
  const named = entryWith([{ type: "named", name: "--token", isRequired: true }]);
  assert.throws(() => resolveArgs(named, []), { message: /needs the argument --token <value>: / });
});
