import assert from "node:assert/strict";
import type { ConfigLookup } from "./shared_config/mod.ts";
import { combineServerRefs, type Lookup, TOOL_CONFIG_REF } from "./server_refs.ts";
import { mcpServer } from "./testing/servers.ts";

const lookupOf = (found: ConfigLookup<unknown>): Lookup => (() => found) as Lookup;
const withRef = mcpServer({ toolConfigRef: { name: "tools" } });

Deno.test("toolConfigRef: a valid MCPToolConfig gives tools_filter, tools_override and its hash", () => {
  const refs = combineServerRefs(
    withRef,
    lookupOf({
      state: "valid",
      hash: "abc",
      spec: { toolsFilter: ["echo"], toolsOverride: { echo: { name: "say", description: "Says", annotations: {} } } },
    }),
    [TOOL_CONFIG_REF],
  );
  assert.deepEqual(refs.runConfig, {
    tools_filter: ["echo"],
    tools_override: { echo: { name: "say", description: "Says" } },
  });
  assert.deepEqual(refs.hashes, { toolConfigHash: "abc" });
  assert.deepEqual(refs.conditions.map((c) => [c.type, c.status, c.reason]), [
    ["ToolConfigValidated", "True", "ToolConfigValid"],
  ]);
  assert.deepEqual(refs.failures, []);
});

Deno.test("toolConfigRef: a missing or invalid MCPToolConfig fails the server with ToolHive's reason", () => {
  const missing = combineServerRefs(withRef, lookupOf({ state: "missing" }));
  assert.deepEqual(missing.failures, [{
    reason: "ToolConfigNotFound",
    message: "MCPToolConfig 'tools' not found in namespace 'tools'",
  }]);
  const invalid = combineServerRefs(withRef, lookupOf({ state: "invalid", message: "spec.x: bad" }));
  assert.equal(invalid.conditions[0]?.reason, "ToolConfigInvalid");
  assert.match(invalid.failures[0]!.message, /spec\.x: bad/);
});

Deno.test("no toolConfigRef: no condition, and the copied hash is cleared", () => {
  const refs = combineServerRefs(mcpServer({}), lookupOf({ state: "missing" }), [TOOL_CONFIG_REF]);
  assert.deepEqual(refs.dropped, ["ToolConfigValidated"]);
  assert.deepEqual(refs.hashes, { toolConfigHash: undefined });
  assert.deepEqual(refs.failures, []);
});

Deno.test("toolConfigRef: an override's annotations reach the RunConfig", () => {
  const refs = combineServerRefs(
    withRef,
    lookupOf({
      state: "valid",
      hash: "abc",
      spec: { toolsOverride: { echo: { annotations: { readOnlyHint: true, title: undefined } } } },
    }),
  );
  assert.deepEqual(refs.runConfig, { tools_override: { echo: { annotations: { readOnlyHint: true } } } });
});
