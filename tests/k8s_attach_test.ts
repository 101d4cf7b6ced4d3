/**
 * lib/k8s attach and the StatefulSet stdio connector against a real kube-apiserver without a node: the
 * connector gives up clearly after its bounded wait for a Ready pod, and an attach the server refuses
 * rejects. (Attaching for real needs a kubelet: tests/e2e.)
 */
import "./harness/quiet_deprecations.ts";
import assert from "node:assert/strict";
import { attach, kubernetesStdioConnector, loadKubeConfig, NoPodError } from "../lib/k8s/mod.ts";
import { type ControlPlane, kubectl, startControlPlane } from "./harness/mod.ts";

let started: Promise<ControlPlane> | undefined;
const plane = () => started ??= startControlPlane();

const cpTest = (name: string, fn: (cp: ControlPlane) => Promise<void>) =>
  Deno.test({ name, sanitizeOps: false, sanitizeResources: false, fn: async () => fn(await plane()) });

cpTest("the connector gives up with a NoPodError after its bounded wait when the pod does not exist", async (cp) => {
  const config = loadKubeConfig({ kubeconfigPath: cp.kubeconfigPath, inCluster: false });
  const connector = kubernetesStdioConnector({
    config,
    namespace: "default",
    statefulSet: "absent",
    noPodTimeoutMs: 1500,
  });
  const began = Date.now();
  await assert.rejects(connector.connect(), (e: Error) => {
    assert.ok(e instanceof NoPodError);
    assert.match(e.message, /No Ready pod default\/absent-0 of StatefulSet absent for 1500 ms \(it does not exist\)/);
    return true;
  });
  assert.ok(Date.now() - began >= 1500, "it waited the whole bound");
  const gaveUp = await connector.gaveUp;
  assert.ok(gaveUp instanceof NoPodError);
  await assert.rejects(connector.connect(), (e: Error) => e === gaveUp);
});

cpTest("the connector does not attach to a pod that is not Ready, and says why it gave up", async (cp) => {
  const pod = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "pending-0", namespace: "default" },
    spec: { containers: [{ name: "mcp", image: "localhost/none:1", stdin: true }] },
  };
  const r = await kubectl(cp.kubeconfigPath, ["apply", "-f", "-"], JSON.stringify(pod));
  assert.equal(r.code, 0, r.stderr);
  const config = loadKubeConfig({ kubeconfigPath: cp.kubeconfigPath, inCluster: false });
  const connector = kubernetesStdioConnector({
    config,
    namespace: "default",
    statefulSet: "pending",
    noPodTimeoutMs: 1000,
  });
  await assert.rejects(connector.connect(), /pending-0 .* \(it is not Ready \(Pending\)\)/);
  await assert.rejects(
    attach(config, { namespace: "default", pod: "pending-0", container: "mcp" }),
    /Cannot attach to pod default\/pending-0 container mcp: the pod is Pending, not Running/,
  );
});

cpTest("an attach the server refuses rejects naming the pod", async (cp) => {
  const config = loadKubeConfig({ kubeconfigPath: cp.kubeconfigPath, inCluster: false });
  await assert.rejects(
    attach(config, { namespace: "default", pod: "absent", container: "mcp" }),
    /Cannot attach to pod default\/absent container mcp: pods "absent" not found \(HTTP 404\)/,
  );
});

cpTest("an aborted attach rejects with the signal's reason", async (cp) => {
  const config = loadKubeConfig({ kubeconfigPath: cp.kubeconfigPath, inCluster: false });
  const stop = new AbortController();
  stop.abort(new Error("shutting down"));
  await assert.rejects(
    attach(config, { namespace: "default", pod: "p", container: "mcp", signal: stop.signal }),
    /shutting down/,
  );
});

Deno.test({
  name: "stop the control plane of the attach tests",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => await (await plane()).stop(),
});
