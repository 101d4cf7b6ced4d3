import assert from "node:assert/strict";
import { cliCommands } from "./mod.ts";

Deno.test("each lazily loaded CLI command answers to the names the table gives it, in the order of thv --help", async () => {
  const table = cliCommands(() => {
    throw new Error("building a command must not need the context");
  });
  const built = await Promise.all(table.map((entry) => entry.build()));
  assert.deepEqual(built.map((command) => [command.name(), ...command.aliases()]), table.map((entry) => entry.names));
  assert.deepEqual(built.map((command) => command.name()), [
    "run",
    "list",
    "start",
    "restart",
    "stop",
    "rm",
    "group",
    "logs",
    "export",
    "registry",
    "search",
    "runtime",
    "proxy",
    "client",
    "secret",
  ]);
});
