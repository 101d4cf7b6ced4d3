import assert from "node:assert/strict";
import type { GroupLookup } from "../group/mod.ts";
import { combineServerRefs, type Lookup } from "../server_refs.ts";
import { mcpServer } from "../testing/servers.ts";

const noConfigs = (() => ({ state: "missing" })) as Lookup;
const refsWith = (found: GroupLookup, spec: Record<string, unknown> = { groupRef: { name: "team" } }) =>
  combineServerRefs(mcpServer(spec), noConfigs, undefined, () => found);
const condition = (found: GroupLookup) => refsWith(found).conditions.find((c) => c.type === "GroupRefValidated");

Deno.test("groupRef: ToolHive's GroupRefValidated for a ready, missing, deleted and unready group", () => {
  assert.deepEqual(condition({ state: "found", phase: "Ready" }), {
    type: "GroupRefValidated",
    status: "True",
    reason: "GroupRefIsValid",
    message: "MCPGroup 'team' is valid and ready",
  });
  const missing = condition({ state: "missing" });
  assert.deepEqual([missing?.status, missing?.reason], ["False", "GroupRefNotFound"]);
  assert.match(missing!.message, /^MCPGroup 'team' not found in namespace '.+'$/);
  assert.deepEqual(condition({ state: "deleting" }), {
    type: "GroupRefValidated",
    status: "False",
    reason: "GroupRefNotFound",
    message: "Referenced MCPGroup is being deleted",
  });
  assert.deepEqual(condition({ state: "found", phase: "Pending" }), {
    type: "GroupRefValidated",
    status: "False",
    reason: "GroupRefNotReady",
    message: "MCPGroup 'team' is not ready (current phase: Pending)",
  });
});

Deno.test("groupRef: advisory, never a failure; no groupRef drops the condition", () => {
  for (const found of [{ state: "missing" }, { state: "deleting" }] as const) {
    assert.deepEqual(refsWith(found).failures, []);
  }
  const none = refsWith({ state: "missing" }, {});
  assert.ok(none.dropped.includes("GroupRefValidated"));
  assert.equal(none.conditions.some((c) => c.type === "GroupRefValidated"), false);
});
