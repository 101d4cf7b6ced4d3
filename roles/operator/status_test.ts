import assert from "node:assert/strict";
import type { V1Pod } from "@kubernetes/client-node";
import { computeStatus, type Observed } from "./status.ts";
import { mcpServer } from "./testing/servers.ts";

const now = new Date("2026-11-21T10:00:00Z");
const later = new Date("2026-11-21T11:00:00Z");

function pod(
  phase: string,
  options: { ready?: boolean; waiting?: string; exitCode?: number; deleting?: boolean } = {},
): V1Pod {
  return {
    metadata: { name: "p", ...(options.deleting ? { deletionTimestamp: now } : {}) },
    status: {
      phase,
      conditions: [{ type: "Ready", status: options.ready ? "True" : "False" }],
      containerStatuses: [{
        name: "toolhive",
        image: "i",
        imageID: "",
        ready: !!options.ready,
        restartCount: 0,
        state: options.waiting
          ? { waiting: { reason: options.waiting } }
          : options.exitCode !== undefined
          ? { terminated: { exitCode: options.exitCode, reason: "Error" } }
          : { running: {} },
      }],
    },
  };
}

const observe = (o: Partial<Observed>): Observed => ({ pods: [], missing: [], now, ...o });
const ready = (status: ReturnType<typeof computeStatus>) => status.conditions!.find((c) => c.type === "Ready");

Deno.test("computeStatus: phase and message follow the pods and the Deployment", () => {
  const table: Array<[string, Partial<Observed>, string, string, number]> = [
    ["no pods", {}, "Pending", "MCP server is being created", 0],
    ["a pending pod", { pods: [pod("Pending")] }, "Pending", "MCP server is starting", 0],
    ["a running pod not yet ready", { pods: [pod("Running")] }, "Pending", "MCP server is starting", 0],
    ["a ready pod", { pods: [pod("Running", { ready: true })] }, "Ready", "MCP server is running", 1],
    [
      "two ready pods and one terminating",
      { pods: [pod("Running", { ready: true }), pod("Running", { ready: true }), pod("Running", { deleting: true })] },
      "Ready",
      "MCP server is running",
      2,
    ],
    [
      "a crash-looping pod",
      { pods: [pod("Running", { waiting: "CrashLoopBackOff" })] },
      "Failed",
      "MCP server pod failed: CrashLoopBackOff",
      0,
    ],
    [
      "an image still pulling",
      { pods: [pod("Pending", { waiting: "ImagePullBackOff" })] },
      "Pending",
      "MCP server is starting",
      0,
    ],
    [
      "a container that exited 1",
      { pods: [pod("Running", { exitCode: 1 })] },
      "Failed",
      "MCP server pod failed: Error",
      0,
    ],
    [
      "a Deployment scaled to 0",
      { deployment: { spec: { replicas: 0, selector: {}, template: {} } } },
      "Stopped",
      "MCP server is stopped (0 replicas)",
      0,
    ],
    ["a missing Secret", { missing: ['Secret "gh"'] }, "Pending", 'Waiting for Secret "gh" to exist', 0],
  ];
  for (const [what, observed, phase, message, readyReplicas] of table) {
    const status = computeStatus(mcpServer({}), observe(observed));
    assert.equal(status.phase, phase, what);
    assert.equal(status.message, message, what);
    assert.equal(status.readyReplicas, readyReplicas, what);
    assert.equal(ready(status)!.status, phase === "Ready" ? "True" : "False", what);
    assert.equal(ready(status)!.reason, phase === "Ready" ? "Ready" : "NotReady", what);
  }
});

Deno.test("computeStatus: url, observedGeneration, and conditions carry observedGeneration", () => {
  const status = computeStatus(mcpServer({ transport: "sse" }, { generation: 7 }), observe({}));
  assert.equal(status.url, "http://mcp-fetch-proxy.tools.svc.cluster.local:8080/sse#fetch");
  assert.equal(status.observedGeneration, 7);
  assert.ok(status.conditions!.every((c) => c.observedGeneration === 7));
});

Deno.test("computeStatus: a missing reference is a condition naming it", () => {
  const status = computeStatus(mcpServer({}), observe({ missing: ['Secret "gh"', 'ConfigMap "profile"'] }));
  const refs = status.conditions!.find((c) => c.type === "ReferencesResolved")!;
  assert.equal(refs.status, "False");
  assert.equal(refs.reason, "ReferenceNotFound");
  assert.equal(refs.message, 'Not found: Secret "gh", ConfigMap "profile"');
});

Deno.test("computeStatus: an invalid podTemplateSpec fails the server with PodTemplateValid=False", () => {
  const status = computeStatus(
    mcpServer({}),
    observe({ podTemplateError: "spec.podTemplateSpec.spec.containers.0.name: x" }),
  );
  assert.equal(status.phase, "Failed");
  const cond = status.conditions!.find((c) => c.type === "PodTemplateValid")!;
  assert.deepEqual([cond.status, cond.reason], ["False", "InvalidPodTemplateSpec"]);
});

Deno.test("computeStatus: stdio with replicas > 1 reports the cap", () => {
  const status = computeStatus(mcpServer({ replicas: 3 }), observe({}));
  assert.equal(status.conditions!.find((c) => c.type === "StdioReplicaCapped")?.reason, "StdioTransportCapAt1");
  assert.equal(
    computeStatus(mcpServer({}), observe({})).conditions!.some((c) => c.type === "StdioReplicaCapped"),
    false,
  );
});

Deno.test("computeStatus is stable: recomputing over its own result at a later time changes nothing", () => {
  const server = mcpServer({});
  const first = computeStatus(server, observe({ pods: [pod("Running", { ready: true })] }));
  const again = computeStatus(
    { ...server, status: first },
    observe({ pods: [pod("Running", { ready: true })], now: later }),
  );
  assert.deepEqual(again, first);
  const changed = computeStatus({ ...server, status: first }, observe({ now: later }));
  assert.equal(ready(changed)!.lastTransitionTime, "2026-11-21T11:00:00Z", "a transition is stamped");
});
