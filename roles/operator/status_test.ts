import assert from "node:assert/strict";
import type { V1Pod, V1StatefulSet } from "@kubernetes/client-node";
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

/** A StatefulSet `fetch` with `ready` of `replicas` pods ready, rolled out unless `rolling`. */
function sts(options: { ready?: number; replicas?: number; rolling?: boolean } = {}): V1StatefulSet {
  const replicas = options.replicas ?? 1;
  return {
    metadata: { name: "fetch", generation: 2 },
    spec: { replicas, selector: {}, serviceName: "fetch", template: {} },
    status: {
      replicas,
      observedGeneration: 2,
      updatedReplicas: options.rolling ? 0 : replicas,
      readyReplicas: options.ready ?? replicas,
      currentRevision: "fetch-a",
      updateRevision: options.rolling ? "fetch-b" : "fetch-a",
    },
  };
}

/** An MCP pod of `fetch` whose container `mcp` is waiting with `reason` (and `message`). */
function mcpPod(reason: string, message?: string, last?: { exitCode: number; reason: string }): V1Pod {
  return {
    metadata: { name: "fetch-0", labels: { app: "fetch", "toolhive-transport": "stdio" } },
    status: {
      phase: "Pending",
      containerStatuses: [{
        name: "mcp",
        image: "localhost/nope:1",
        imageID: "",
        ready: false,
        restartCount: 2,
        state: { waiting: { reason, ...(message ? { message } : {}) } },
        ...(last ? { lastState: { terminated: last } } : {}),
      }],
    },
  };
}

/** A Ready MCP pod of `fetch` (`deleting`: terminating, as after `kubectl delete pod`). */
function servingMcpPod(options: { deleting?: boolean } = {}): V1Pod {
  return {
    metadata: {
      name: "fetch-0",
      labels: { app: "fetch", "toolhive-transport": "stdio" },
      ...(options.deleting ? { deletionTimestamp: now } : {}),
    },
    status: { phase: "Running", conditions: [{ type: "Ready", status: "True" }] },
  };
}

/** Observed state; a StatefulSet given without MCP pods comes with as many serving pods as it counts ready. */
const observe = (o: Partial<Observed>): Observed => ({
  pods: [],
  missing: [],
  now,
  ...(o.statefulSet && !o.mcpPods
    ? { mcpPods: Array.from({ length: o.statefulSet.status?.readyReplicas ?? 0 }, () => servingMcpPod()) }
    : {}),
  ...o,
});
const ready = (status: ReturnType<typeof computeStatus>) => status.conditions!.find((c) => c.type === "Ready");
const workload = (status: ReturnType<typeof computeStatus>) =>
  status.conditions!.find((c) => c.type === "WorkloadReady");

Deno.test("computeStatus: phase, Ready's reason and the message follow the proxy pods and the workload", () => {
  const up = pod("Running", { ready: true });
  const table: Array<[string, Partial<Observed>, string, string, string, number]> = [
    ["no pods", {}, "Pending", "Creating", "MCP server is being created", 0],
    [
      "a pending proxy pod, no StatefulSet yet",
      { pods: [pod("Pending")] },
      "Pending",
      "Starting",
      "MCP server is starting: Waiting for the proxy runner to create StatefulSet fetch (kubectl logs deployment/fetch)",
      0,
    ],
    [
      "a running proxy not yet ready, the workload ready",
      { pods: [pod("Running")], statefulSet: sts() },
      "Pending",
      "Starting",
      "MCP server is starting: waiting for the proxy's /health: the MCP server has not answered a ping yet",
      0,
    ],
    [
      "a running proxy not yet ready, the StatefulSet rolling",
      { pods: [pod("Running")], statefulSet: sts({ rolling: true }) },
      "Pending",
      "Starting",
      "MCP server is starting: StatefulSet fetch is rolling out: 0 of 1 pods updated, 1 ready " +
      "(kubectl rollout status statefulset/fetch)",
      0,
    ],
    ["a ready proxy and StatefulSet", { pods: [up], statefulSet: sts() }, "Ready", "Ready", "MCP server is running", 1],
    [
      "a ready proxy while the StatefulSet rolls",
      { pods: [up], statefulSet: sts({ rolling: true }) },
      "Ready",
      "Ready",
      "MCP server is running",
      1,
    ],
    [
      "two ready proxy pods and one terminating",
      { pods: [up, up, pod("Running", { deleting: true })], statefulSet: sts() },
      "Ready",
      "Ready",
      "MCP server is running",
      2,
    ],
    [
      "a ready proxy whose MCP pod is terminating (kubectl delete pod fetch-0)",
      { pods: [up], statefulSet: sts(), mcpPods: [servingMcpPod({ deleting: true })] },
      "Pending",
      "WorkloadNotReady",
      "MCP server is being replaced: StatefulSet fetch has 0 of 1 pods ready (kubectl describe pod -l app=fetch)",
      1,
    ],
    [
      "a ready proxy whose MCP pod is gone, its replacement not yet Ready",
      { pods: [up], statefulSet: sts({ ready: 0 }), mcpPods: [mcpPod("ContainerCreating")] },
      "Pending",
      "WorkloadNotReady",
      "MCP server is being replaced: StatefulSet fetch has 0 of 1 pods ready (kubectl describe pod -l app=fetch)",
      1,
    ],
    [
      "a ready proxy whose StatefulSet was deleted",
      { pods: [up] },
      "Pending",
      "StatefulSetMissing",
      "StatefulSet fetch of the MCP server is missing while its proxy runs: the operator replaces a proxy pod " +
      "that ran a minute without it, whose runner recreates it (now: kubectl rollout restart deployment/fetch)",
      1,
    ],
    [
      "an MCP image that does not exist",
      {
        pods: [pod("Running")],
        statefulSet: sts({ ready: 0 }),
        mcpPods: [mcpPod("ErrImagePull", 'failed to pull "localhost/nope:1": not found')],
      },
      "Failed",
      "ImagePullFailed",
      'MCP server image "localhost/nope:1" cannot be pulled: ErrImagePull: failed to pull "localhost/nope:1": ' +
      "not found: check spec.image and imagePullSecrets",
      0,
    ],
    [
      "an MCP image in back-off",
      { pods: [pod("Running")], statefulSet: sts({ ready: 0 }), mcpPods: [mcpPod("ImagePullBackOff")] },
      "Failed",
      "ImagePullFailed",
      'MCP server image "localhost/nope:1" cannot be pulled: ImagePullBackOff: check spec.image and imagePullSecrets',
      0,
    ],
    [
      "a crash-looping MCP container",
      {
        pods: [pod("Running")],
        statefulSet: sts({ ready: 0 }),
        mcpPods: [mcpPod("CrashLoopBackOff", "back-off 20s", { exitCode: 3, reason: "Error" })],
      },
      "Failed",
      "CrashLoopBackOff",
      'MCP server container "mcp" of pod fetch-0 is crash-looping, last exit code 3 (Error): ' +
      "see kubectl logs fetch-0 -c mcp --previous",
      0,
    ],
    [
      "a crash-looping proxy",
      { pods: [pod("Running", { waiting: "CrashLoopBackOff" })] },
      "Failed",
      "CrashLoopBackOff",
      'Proxy container "toolhive" of pod p is crash-looping, no termination recorded: ' +
      "see kubectl logs p -c toolhive --previous",
      0,
    ],
    [
      "a proxy image that cannot be pulled",
      { pods: [pod("Pending", { waiting: "ImagePullBackOff" })] },
      "Failed",
      "ImagePullFailed",
      'Proxy image "i" cannot be pulled: ImagePullBackOff: ' +
      "check the operator's TOOLHIVE_RUNNER_IMAGE and the proxy's imagePullSecrets",
      0,
    ],
    [
      "a proxy container that exited 1",
      { pods: [pod("Running", { exitCode: 1 })] },
      "Failed",
      "PodFailed",
      'Proxy container "toolhive" of pod p exited with code 1 (Error): see kubectl logs p -c toolhive --previous',
      0,
    ],
    [
      "a Deployment scaled to 0",
      { deployment: { spec: { replicas: 0, selector: {}, template: {} } } },
      "Stopped",
      "Stopped",
      "MCP server is stopped (0 replicas)",
      0,
    ],
    [
      "a missing Secret",
      { missing: ['Secret "gh"'] },
      "Pending",
      "ReferenceNotFound",
      'Waiting for Secret "gh" to exist',
      0,
    ],
  ];
  for (const [what, observed, phase, reason, message, readyReplicas] of table) {
    const status = computeStatus(mcpServer({}), observe(observed));
    assert.equal(status.phase, phase, what);
    assert.equal(status.message, message, what);
    assert.equal(status.readyReplicas, readyReplicas, what);
    assert.equal(ready(status)!.status, phase === "Ready" ? "True" : "False", what);
    assert.equal(ready(status)!.reason, reason, what);
    assert.equal(ready(status)!.message, message, what);
  }
});

Deno.test("computeStatus: WorkloadReady reports the StatefulSet and its pods, and goes when no proxy may run", () => {
  const table: Array<[string, Partial<Observed>, string | undefined, string | undefined]> = [
    ["no StatefulSet, no proxy", {}, undefined, undefined],
    ["no StatefulSet, a proxy pod", { pods: [pod("Pending")] }, "False", "StatefulSetNotCreated"],
    ["rolled out", { statefulSet: sts() }, "True", "StatefulSetReady"],
    ["rolling", { statefulSet: sts({ rolling: true }) }, "False", "StatefulSetRolling"],
    ["pods not ready", { statefulSet: sts({ ready: 1, replicas: 2 }) }, "False", "PodsNotReady"],
    [
      "the StatefulSet counts a terminating pod ready",
      { statefulSet: sts(), mcpPods: [servingMcpPod({ deleting: true })] },
      "False",
      "PodsNotReady",
    ],
    ["an image pull", { statefulSet: sts(), mcpPods: [mcpPod("InvalidImageName")] }, "False", "ImagePullFailed"],
    ["a config error", { statefulSet: sts(), mcpPods: [mcpPod("CreateContainerConfigError")] }, "False", "PodFailed"],
    ["a missing Secret", { missing: ['Secret "gh"'] }, undefined, undefined],
    ["a podTemplateSpec error", { podTemplateError: "spec.x: y" }, undefined, undefined],
  ];
  for (const [what, observed, status, reason] of table) {
    const condition = workload(computeStatus(mcpServer({}), observe(observed)));
    assert.equal(condition?.status, status, what);
    assert.equal(condition?.reason, reason, what);
  }
  const rolled = workload(computeStatus(mcpServer({}), observe({ statefulSet: sts() })))!;
  assert.equal(rolled.message, "StatefulSet fetch has 1 of 1 pods ready");
});

Deno.test("computeStatus: an image that cannot be pulled goes back to Ready by itself once the pod runs", () => {
  const server = mcpServer({});
  const failing = computeStatus(
    server,
    observe({ pods: [pod("Running")], statefulSet: sts({ ready: 0 }), mcpPods: [mcpPod("ErrImagePull", "nope")] }),
  );
  assert.equal(failing.phase, "Failed");
  const recovered = computeStatus(
    { ...server, status: failing },
    observe({ pods: [pod("Running", { ready: true })], statefulSet: sts(), now: later }),
  );
  assert.equal(recovered.phase, "Ready");
  assert.equal(workload(recovered)!.status, "True");
  assert.equal(ready(recovered)!.lastTransitionTime, "2026-11-21T11:00:00Z");
});

Deno.test("computeStatus: a bad restart annotation is a condition, removed once it is fixed", () => {
  const server = mcpServer({});
  const bad = computeStatus(server, observe({ restartProblem: "Annotation x is bad" }));
  const condition = bad.conditions!.find((c) => c.type === "RestartAnnotationValid")!;
  assert.deepEqual([condition.status, condition.reason, condition.message], [
    "False",
    "InvalidRestartAnnotation",
    "Annotation x is bad",
  ]);
  const fixed = computeStatus({ ...server, status: bad }, observe({}));
  assert.equal(fixed.conditions!.some((c) => c.type === "RestartAnnotationValid"), false);
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
  const up = { pods: [pod("Running", { ready: true })], statefulSet: sts(), mcpPods: [servingMcpPod()] };
  const first = computeStatus(server, observe(up));
  const again = computeStatus({ ...server, status: first }, observe({ ...up, now: later }));
  assert.deepEqual(again, first);
  const changed = computeStatus({ ...server, status: first }, observe({ now: later }));
  assert.equal(ready(changed)!.lastTransitionTime, "2026-11-21T11:00:00Z", "a transition is stamped");
});

Deno.test("computeStatus keeps an enforced reference's condition as it was, not re-stamped on every pass", () => {
  const server = mcpServer({ externalAuthConfigRef: { name: "x" } });
  const condition = {
    type: "ExternalAuthConfigValidated",
    status: "True" as const,
    reason: "ExternalAuthConfigValid",
    message: "MCPExternalAuthConfig 'x' is valid",
  };
  const refs = {
    conditions: [condition],
    dropped: [],
    hashes: {},
    runConfig: {},
    failures: [],
    unresolved: [],
    proxyPod: { env: [], volumes: [], volumeMounts: [] },
  };
  const unenforced = { refused: [], notApplied: [] };
  const first = computeStatus(server, { pods: [], missing: [], now, refs, unenforced });
  const again = computeStatus({ ...server, status: first }, { pods: [], missing: [], now: later, refs, unenforced });
  const kept = again.conditions!.find((c) => c.type === "ExternalAuthConfigValidated");
  assert.equal(kept?.lastTransitionTime, now.toISOString().replace(/\.\d+Z$/, "Z"));
});
