/**
 * The MCPServer status from real health (decision 017) on a real control plane, the operator under the
 * chart's RBAC: `Ready` follows the proxy pods' readiness, `WorkloadReady` the proxy runner's StatefulSet and
 * its pods, an image that cannot be pulled or a crash loop fails the server with a message naming it, and
 * each recovers by itself. A control plane has no kubelet or StatefulSet controller, so pods and StatefulSets
 * are created as they would be and their status written through the status subresource.
 */
import "./harness/quiet_deprecations.ts";
import assert from "node:assert/strict";
import { type ControlPlane, namespaceObjects, REPO_ROOT, startControlPlane, startTestOperator } from "./harness/mod.ts";

// deno-lint-ignore no-explicit-any
type Json = Record<string, any>;

const NS = "status";

const proxyLabels = (name: string) => ({
  app: "mcpserver",
  "app.kubernetes.io/name": "mcpserver",
  "app.kubernetes.io/instance": name,
  toolhive: "true",
  "toolhive-name": name,
});

/** The labels the proxy runner gives the StatefulSet and its pods. */
const workloadLabels = (name: string) => ({
  app: name,
  "app.kubernetes.io/instance": name,
  toolhive: "true",
  "toolhive-name": name,
  "toolhive-transport": "stdio",
});

const running = (container: string, ready: boolean): Json => ({
  phase: "Running",
  conditions: [{ type: "Ready", status: ready ? "True" : "False" }],
  containerStatuses: [{
    name: container,
    image: "localhost/thv:test",
    imageID: "",
    ready,
    restartCount: 0,
    state: { running: {} },
  }],
});

function objects(cp: ControlPlane) {
  const o = namespaceObjects(cp, NS);
  const setStatus = (kind: string, name: string, status: Json) =>
    o.run(["patch", kind, name, "-n", NS, "--subresource=status", "--type=merge", "-p", JSON.stringify({ status })]);
  const apply = (object: Json) => o.run(["apply", "-n", NS, "-f", "-"], JSON.stringify(object));
  const condition = (server: Json, type: string) => server.status?.conditions?.find((c: Json) => c.type === type);
  return {
    ...o,
    setStatus,
    apply,
    condition,
    /** Waits until the server's condition `type` has `reason`; returns the server. */
    reason: (name: string, type: string, reason: string) =>
      o.eventually("mcpserver", name, (s) => condition(s, type)?.reason === reason),
    /** A proxy pod of `name` with the given status. */
    async proxyPod(name: string, pod: string, status: Json) {
      await apply({
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: pod, labels: proxyLabels(name) },
        spec: { containers: [{ name: "toolhive", image: "localhost/thv:test" }] },
      });
      await setStatus("pod", pod, status);
    },
    /** The StatefulSet the proxy runner writes, owned by the proxy Deployment, with `status`. */
    async statefulSet(name: string, image: string, status: Json) {
      const deployment = await o.eventually("deployment", name);
      await apply({
        apiVersion: "apps/v1",
        kind: "StatefulSet",
        metadata: {
          name,
          labels: workloadLabels(name),
          ownerReferences: [{ apiVersion: "apps/v1", kind: "Deployment", name, uid: deployment.metadata.uid }],
        },
        spec: {
          serviceName: name,
          selector: { matchLabels: { app: name } },
          template: {
            metadata: { labels: workloadLabels(name) },
            spec: { containers: [{ name: "mcp", image, stdin: true }] },
          },
        },
      });
      const sts = await o.eventually("statefulset", name);
      await setStatus("statefulset", name, { observedGeneration: sts.metadata.generation, replicas: 1, ...status });
    },
    /** The StatefulSet's pod `<name>-0` with `status`. */
    async mcpPod(name: string, image: string, status: Json, labels: Record<string, string> = {}) {
      await apply({
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: `${name}-0`, labels: { ...labels, ...workloadLabels(name) } },
        spec: { containers: [{ name: "mcp", image }] },
      });
      await setStatus("pod", `${name}-0`, status);
    },
  };
}

const ROLLED_OUT = { updatedReplicas: 1, readyReplicas: 1, currentRevision: "r1", updateRevision: "r1" };

Deno.test("operator status follows real health: the proxy pods, the StatefulSet and the MCP pods", async (t) => {
  await using cp = await startControlPlane();
  const o = objects(cp);
  await o.run(["apply", "--server-side", "-f", `${REPO_ROOT}crds/generated/`]);
  await o.run(["wait", "--for=condition=Established", "crd/mcpservers.toolhive.stacklok.dev"]);
  await o.run(["create", "namespace", NS]);
  await using _operator = await startTestOperator(cp, { resyncMs: 60_000 });
  const server = (name: string, image: string) =>
    o.apply({
      apiVersion: "toolhive.stacklok.dev/v1beta1",
      kind: "MCPServer",
      metadata: { name },
      spec: { image, transport: "stdio" },
    });

  await t.step("a proxy that runs before its StatefulSet exists is Starting, waiting for the runner", async () => {
    await server("fetch", "localhost/fetch:1");
    await o.proxyPod("fetch", "fetch-proxy", running("toolhive", false));
    const s = await o.reason("fetch", "WorkloadReady", "StatefulSetNotCreated");
    assert.equal(s.status.phase, "Pending");
    assert.deepEqual([o.condition(s, "Ready").status, o.condition(s, "Ready").reason], ["False", "Starting"]);
    assert.match(s.status.message, /^MCP server is starting: Waiting for the proxy runner to create StatefulSet fetch/);
  });

  await t.step(
    "Ready only once the StatefulSet rolled out and the proxy pod is Ready; kubectl wait works",
    async () => {
      await o.statefulSet("fetch", "localhost/fetch:1", ROLLED_OUT);
      await o.mcpPod("fetch", "localhost/fetch:1", running("mcp", true));
      const s = await o.reason("fetch", "WorkloadReady", "StatefulSetReady");
      assert.equal(s.status.phase, "Pending", "the proxy's /health has not answered yet");
      assert.match(s.status.message, /waiting for the proxy's \/health/);
      const waiting = o.run(["wait", "-n", NS, "--for=condition=Ready", "mcpserver/fetch", "--timeout=20s"]);
      await o.setStatus("pod", "fetch-proxy", running("toolhive", true));
      await waiting;
      const ready = (await o.get("mcpserver", "fetch"))!;
      assert.deepEqual([ready.status.phase, ready.status.message, ready.status.readyReplicas], [
        "Ready",
        "MCP server is running",
        1,
      ]);
      assert.match(
        await o.run(["get", "mcpserver", "fetch", "-n", NS]),
        /fetch\s+Ready\s+True\s+1\s+http:\/\/mcp-fetch-proxy\.status\.svc\.cluster\.local:8080\/mcp/,
      );
    },
  );

  await t.step("a StatefulSet rolling under a Ready proxy is reported, and the server stays Ready", async () => {
    await o.setStatus("statefulset", "fetch", { updatedReplicas: 0, updateRevision: "r2" });
    const s = await o.reason("fetch", "WorkloadReady", "StatefulSetRolling");
    assert.equal(s.status.phase, "Ready");
    assert.match(o.condition(s, "WorkloadReady").message, /^StatefulSet fetch is rolling out: 0 of 1 pods updated/);
    await o.setStatus("statefulset", "fetch", ROLLED_OUT);
    await o.reason("fetch", "WorkloadReady", "StatefulSetReady");
  });

  await t.step("an MCP image that cannot be pulled fails the server naming it, then recovers by itself", async () => {
    await o.setStatus("pod", "fetch-proxy", running("toolhive", false));
    const pullError = 'failed to pull and unpack image "localhost/nope:1": not found';
    await o.mcpPod("fetch", "localhost/nope:1", {
      phase: "Pending",
      conditions: [{ type: "Ready", status: "False" }],
      containerStatuses: [{
        name: "mcp",
        image: "localhost/nope:1",
        imageID: "",
        ready: false,
        restartCount: 0,
        state: { waiting: { reason: "ErrImagePull", message: pullError } },
      }],
    });
    const failed = await o.reason("fetch", "Ready", "ImagePullFailed");
    assert.equal(failed.status.phase, "Failed");
    assert.equal(
      failed.status.message,
      `MCP server image "localhost/nope:1" cannot be pulled: ErrImagePull: ${pullError}: ` +
        "check spec.image and imagePullSecrets",
    );
    assert.equal(o.condition(failed, "WorkloadReady").reason, "ImagePullFailed");
    await o.setStatus("pod", "fetch-0", running("mcp", true));
    await o.setStatus("pod", "fetch-proxy", running("toolhive", true));
    await o.eventually("mcpserver", "fetch", (s) => s.status?.phase === "Ready");
  });

  await t.step("a crash-looping MCP container is named with its last termination", async () => {
    await o.setStatus("pod", "fetch-proxy", running("toolhive", false));
    await o.setStatus("pod", "fetch-0", {
      phase: "Running",
      containerStatuses: [{
        name: "mcp",
        image: "localhost/fetch:1",
        imageID: "",
        ready: false,
        restartCount: 4,
        state: { waiting: { reason: "CrashLoopBackOff", message: "back-off 40s restarting failed container" } },
        lastState: { terminated: { exitCode: 2, reason: "Error" } },
      }],
    });
    const failed = await o.reason("fetch", "Ready", "CrashLoopBackOff");
    assert.equal(failed.status.phase, "Failed");
    assert.equal(
      failed.status.message,
      'MCP server container "mcp" of pod fetch-0 is crash-looping, last exit code 2 (Error): ' +
        "see kubectl logs fetch-0 -c mcp --previous",
    );
    await o.setStatus("pod", "fetch-0", running("mcp", true));
    await o.setStatus("pod", "fetch-proxy", running("toolhive", true));
    await o.eventually("mcpserver", "fetch", (s) => s.status?.phase === "Ready");
  });

  await t.step("a StatefulSet deleted under a running proxy is named with the way to recreate it", async () => {
    await o.run(["delete", "statefulset", "fetch", "-n", NS]);
    const s = await o.reason("fetch", "Ready", "StatefulSetMissing");
    assert.equal(s.status.phase, "Pending");
    assert.match(s.status.message, /kubectl rollout restart deployment\/fetch/);
  });

  await t.step("a proxy that ran a minute without its StatefulSet is deleted, so a new one recreates it", async () => {
    const status = running("toolhive", false);
    status.containerStatuses[0].state = { running: { startedAt: new Date(Date.now() - 120_000).toISOString() } };
    await o.setStatus("pod", "fetch-proxy", status);
    await o.gone("pod", "fetch-proxy");
    const events = JSON.parse(await o.run(["get", "events", "-n", NS, "-o", "json"])).items as Json[];
    assert.ok(
      events.some((e) =>
        e.reason === "Restarted" &&
        e.message ===
          "Deleted proxy pod fetch-proxy: StatefulSet fetch is missing and the proxy runner of a new pod recreates it"
      ),
    );
  });

  await t.step("a server named mcpserver does not count its MCP pod as a proxy pod", async () => {
    await server("mcpserver", "localhost/fetch:1");
    await o.statefulSet("mcpserver", "localhost/fetch:1", ROLLED_OUT);
    // Its MCP pod carries every proxy label (app=mcpserver; the name label from a podTemplateSpec), and
    // also toolhive-transport, which only MCP pods carry.
    await o.mcpPod("mcpserver", "localhost/fetch:1", running("mcp", true), {
      "app.kubernetes.io/name": "mcpserver",
    });
    const s = await o.reason("mcpserver", "WorkloadReady", "StatefulSetReady");
    assert.equal(s.status.readyReplicas ?? 0, 0);
    assert.notEqual(s.status.phase, "Ready");
  });
});
