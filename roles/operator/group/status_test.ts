import assert from "node:assert/strict";
import { bucketMembers, groupStatus } from "./status.ts";

const now = new Date("2026-12-02T10:00:00Z");

Deno.test("bucketMembers: by kind, sorted, empty lists not absent, other kinds not members", () => {
  assert.deepEqual(
    bucketMembers([
      { kind: "MCPServer", name: "b" },
      { kind: "MCPRemoteProxy", name: "p" },
      { kind: "MCPServer", name: "a" },
      { kind: "VirtualMCPServer", name: "v" },
    ]),
    { servers: ["a", "b"], remoteProxies: ["p"], entries: [] },
  );
});

Deno.test("groupStatus: Ready with counts and MCPServersChecked; a second pass is identical", () => {
  const object = { metadata: { generation: 2 } };
  const first = groupStatus(object, [{ kind: "MCPServer", name: "s" }, { kind: "MCPServerEntry", name: "e" }], now);
  assert.equal(first.phase, "Ready");
  assert.deepEqual([first.servers, first.serverCount, first.entries, first.entryCount], [["s"], 1, ["e"], 1]);
  assert.deepEqual([first.remoteProxies, first.remoteProxyCount, first.observedGeneration], [[], 0, 2]);
  assert.deepEqual(first.conditions?.map((c) => [c.type, c.status, c.reason, c.observedGeneration]), [
    ["MCPServersChecked", "True", "ListMCPServersCheckSucceeded", 2],
  ]);
  const again = groupStatus({ ...object, status: first }, [{ kind: "MCPServerEntry", name: "e" }, {
    kind: "MCPServer",
    name: "s",
  }], new Date("2026-12-02T11:00:00Z"));
  assert.deepEqual(again, first);
});
