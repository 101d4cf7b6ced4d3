import assert from "node:assert/strict";
import { McpServerSpec } from "../../crds/mod.ts";
import { computeStatus, invalidSpecStatus, specProblem, VALID_CONDITION } from "./status.ts";
import { mcpServer } from "./testing/servers.ts";

const now = new Date("2026-11-21T10:00:00Z");

Deno.test("an unparsable spec gets Valid=False with reason InvalidSpec naming the field, and phase Failed", () => {
  const parsed = McpServerSpec.safeParse({ image: "example/mcp:1", proxyPort: "eighty" });
  assert.equal(parsed.success, false);
  const problem = specProblem(parsed.error!.issues);
  assert.match(problem, /^spec\.proxyPort: /);
  const status = invalidSpecStatus({ metadata: { generation: 3 } }, problem, now);
  assert.equal(status.phase, "Failed");
  assert.equal(status.observedGeneration, 3);
  const valid = status.conditions!.find((c) => c.type === VALID_CONDITION)!;
  assert.deepEqual(
    { status: valid.status, reason: valid.reason, generation: valid.observedGeneration },
    { status: "False", reason: "InvalidSpec", generation: 3 },
  );
  assert.match(valid.message, /spec\.proxyPort/);
  assert.equal(status.conditions!.find((c) => c.type === "Ready")?.status, "False");
  // The same problem again is the same status: no second write.
  assert.deepEqual(
    invalidSpecStatus({ metadata: { generation: 3 }, status }, problem, new Date(now.getTime() + 1)),
    status,
  );
});

Deno.test("a spec that parses again drops the Valid=False condition", () => {
  const broken = invalidSpecStatus({ metadata: { generation: 1 } }, "spec.proxyPort: bad", now);
  const server = { ...mcpServer({}), status: broken };
  const fixed = computeStatus(server, { pods: [], missing: [], now });
  assert.equal(fixed.conditions!.some((c) => c.type === VALID_CONDITION), false);
  assert.equal(fixed.phase, "Pending");
});
