import assert from "node:assert/strict";
import { configHash, sharedConfigStatus } from "./status.ts";

const now = new Date("2026-12-02T10:00:00Z");
const reasons = { valid: "ValidationSucceeded", invalid: "ValidationFailed" };

Deno.test("configHash ignores key order and changes with any value", () => {
  assert.equal(configHash({ a: 1, b: [1, 2] }), configHash({ b: [1, 2], a: 1 }));
  assert.notEqual(configHash({ a: 1, b: [1, 2] }), configHash({ a: 1, b: [2, 1] }));
  assert.match(configHash({}), /^[0-9a-f]{16}$/);
});

Deno.test("sharedConfigStatus: Valid, sorted referrers, and DeletionBlocked only while deleting and referenced", () => {
  const object = { metadata: { generation: 3 } };
  const referrers = [{ kind: "MCPServer", name: "b" }, { kind: "MCPRemoteProxy", name: "z" }, {
    kind: "MCPServer",
    name: "a",
  }] as const;
  const status = sharedConfigStatus(object, { hash: "h", referrers, deleting: false, reasons, now });
  assert.deepEqual(status.referencingWorkloads?.map((r) => `${r.kind}/${r.name}`), [
    "MCPRemoteProxy/z",
    "MCPServer/a",
    "MCPServer/b",
  ]);
  assert.deepEqual(status.conditions?.map((c) => [c.type, c.status, c.reason, c.observedGeneration]), [
    ["Valid", "True", "ValidationSucceeded", 3],
  ]);
  const deleting = sharedConfigStatus({ ...object, status }, { hash: "h", referrers, deleting: true, reasons, now });
  const blocked = deleting.conditions?.find((c) => c.type === "DeletionBlocked");
  assert.equal(blocked?.reason, "ReferencedByWorkloads");
  assert.match(blocked!.message, /MCPRemoteProxy\/z, MCPServer\/a, MCPServer\/b/);
  const free = sharedConfigStatus({ ...object, status: deleting }, {
    hash: "h",
    referrers: [],
    deleting: true,
    reasons,
    now,
  });
  assert.equal(free.conditions?.some((c) => c.type === "DeletionBlocked"), false);
});

Deno.test("sharedConfigStatus: an invalid spec is Valid=False with the problem, keeping the transition time", () => {
  const first = sharedConfigStatus({ metadata: {} }, {
    problem: "spec.x: bad",
    hash: "h",
    referrers: [],
    deleting: false,
    reasons,
    now,
  });
  const again = sharedConfigStatus({ metadata: {}, status: first }, {
    problem: "spec.x: bad",
    hash: "h",
    referrers: [],
    deleting: false,
    reasons,
    now: new Date("2026-12-02T11:00:00Z"),
  });
  assert.deepEqual(again, first);
  assert.equal(first.conditions?.[0]?.message, "spec.x: bad");
});
