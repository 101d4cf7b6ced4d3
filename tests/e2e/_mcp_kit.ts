/**
 * What the e2e steps with MCPServers share: the operator chart (installed once, reused when another step
 * installed it), applying a server and waiting for Ready, a client and `/health` through a port-forward to
 * the proxy Service, and a watch that records every phase the MCPServer passes through.
 * @module
 */
import assert from "node:assert/strict";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import {
  CLUSTER_PARENT,
  connectClient,
  EVERYTHING_IMAGE,
  everythingArchive,
  helm,
  type NodeCluster,
  openWatch,
  poll,
} from "../harness/mod.ts";
import { apply, type Forward, forwardToService, kwait, namespace } from "./_kube.ts";
import { installCrdsChart, installOperatorChart, OPERATOR_NAMESPACE, uninstallCharts } from "./_chart.ts";

/** The releases {@linkcode ensureOperator} installed itself (and so uninstalls). */
let installed: { operator: boolean; crds: boolean } | undefined;

/** Loads server-everything's image into the node unless it is there already (the tier starts with thv's only). */
async function ensureEverythingImage(c: NodeCluster): Promise<void> {
  const listed = await new Deno.Command("ctr", {
    args: ["--address", `${c.root}/containerd/containerd.sock`, "-n", "k8s.io", "images", "ls", "-q"],
    stdout: "piped",
  }).output();
  if (new TextDecoder().decode(listed.stdout).split("\n").includes(EVERYTHING_IMAGE)) return;
  const dir = await Deno.makeTempDir({ dir: CLUSTER_PARENT, prefix: "thv-e2e-everything-" });
  try {
    await c.importImage((await everythingArchive(`${dir}/everything.tar`)).path);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Loads server-everything's image and installs the CRDs and operator charts unless there already; idempotent. */
export async function ensureOperator(c: NodeCluster): Promise<void> {
  if (installed) return;
  await ensureEverythingImage(c);
  const has = async (release: string, ns: string) =>
    (await helm(["status", release, "--namespace", ns, "--kubeconfig", c.kubeconfigPath])).code === 0;
  const crd = await c.kubectl(["get", "crd", "mcpservers.toolhive.stacklok.dev", "-o", "name"]);
  const crds = crd.code !== 0 && !(await has("thv-operator-crds", "default"));
  if (crds) await installCrdsChart(c);
  await namespace(c, OPERATOR_NAMESPACE, {
    "pod-security.kubernetes.io/enforce": "restricted",
    "pod-security.kubernetes.io/enforce-version": "latest",
  });
  const operator = !(await has("thv-operator", OPERATOR_NAMESPACE));
  if (operator) await installOperatorChart(c);
  installed = { operator, crds };
}

/** Uninstalls what {@linkcode ensureOperator} installed (the CRDs stay: the chart keeps them). */
export async function releaseOperator(c: NodeCluster): Promise<void> {
  if (installed?.operator) await uninstallCharts(c, { crds: installed.crds });
  installed = undefined;
}

/** Applies MCPServer `name` with `spec` (YAML flow mapping lines) in `ns` and waits for it to be Ready. */
export async function readyServer(c: NodeCluster, ns: string, name: string, spec: string): Promise<void> {
  await apply(
    c,
    ns,
    `apiVersion: toolhive.stacklok.dev/v1beta1
kind: MCPServer
metadata: {name: ${name}}
spec:
${spec}`,
  );
  await kwait(c, ns, ["--for=condition=Ready", `mcpserver/${name}`]);
}

/** A port-forward to the proxy Service `mcp-<name>-proxy` (port 8080) and a client on its `/mcp`. */
export async function proxyClient(
  c: NodeCluster,
  ns: string,
  name: string,
): Promise<{ forward: Forward; client: Client }> {
  const forward = await forwardToService(c.adminConfig(), ns, `mcp-${name}-proxy`, 8080);
  try {
    const client = await poll(() => connectClient(`http://127.0.0.1:${forward.port}/mcp`), {
      what: `a client session through mcp-${name}-proxy`,
      deadlineMs: 30_000,
    });
    return { forward, client };
  } catch (e) {
    await forward.close();
    throw e;
  }
}

/** Calls `echo` and checks the answer. */
export async function echoes(client: Client, message: string): Promise<void> {
  const result = await client.callTool({ name: "echo", arguments: { message } });
  assert.deepEqual(result.content, [{ type: "text", text: `Echo: ${message}` }]);
}

/** The status code of `/health` through `forward` (0 when the request itself failed). */
export async function healthStatus(forward: Forward): Promise<number> {
  try {
    const res = await fetch(`http://127.0.0.1:${forward.port}/health`, { signal: AbortSignal.timeout(5000) });
    await res.body?.cancel();
    return res.status;
  } catch {
    return 0;
  }
}

/** Polls `/health` through `forward` every 100 ms until it answers `status`; returns when (epoch ms). */
export async function healthBecomes(forward: Forward, status: number, deadlineMs: number): Promise<number> {
  return await poll(async () => (await healthStatus(forward)) === status ? Date.now() : undefined, {
    what: `/health to answer ${status}`,
    deadlineMs,
    intervalMs: 100,
  });
}

/** One status the MCPServer was seen in. */
export interface Seen {
  /** When (epoch ms). */
  readonly at: number;
  /** `status.phase`. */
  readonly phase: string;
  /** The Ready condition's status. */
  readonly ready: string;
  /** The WorkloadReady condition's status (the StatefulSet and its pod). */
  readonly workload: string;
}

/** A watch on one MCPServer that records each status it passes through. */
export interface StatusRecorder extends Disposable {
  /** Everything seen so far, oldest first. */
  readonly seen: readonly Seen[];
  /** Resolves with the first status from `since` on that satisfies `test`; rejects after `deadlineMs`. */
  until(test: (s: Seen) => boolean, since: number, deadlineMs: number, what: string): Promise<Seen>;
}

/** Watches MCPServer `name` in `ns` and records every status it passes through. */
export async function recordStatus(c: NodeCluster, ns: string, name: string): Promise<StatusRecorder> {
  const seen: Seen[] = [];
  const path = `/apis/toolhive.stacklok.dev/v1beta1/namespaces/${ns}/mcpservers`;
  const watch = await openWatch(c.adminConfig(), `${path}?fieldSelector=metadata.name%3D${name}`, (_type, object) => {
    const status = (object.status ?? {}) as { phase?: string; conditions?: { type: string; status: string }[] };
    const ready = status.conditions?.find((x) => x.type === "Ready")?.status ?? "";
    const workload = status.conditions?.find((x) => x.type === "WorkloadReady")?.status ?? "";
    const last = seen.at(-1);
    const phase = status.phase ?? "";
    if (!last || last.phase !== phase || last.ready !== ready || last.workload !== workload) {
      seen.push({ at: Date.now(), phase, ready, workload });
    }
  });
  return {
    seen,
    until: (test, since, deadlineMs, what) =>
      poll(() => Promise.resolve(seen.find((s) => s.at >= since && test(s))), {
        what: `MCPServer ${ns}/${name} ${what} (seen: ${JSON.stringify(seen.map((s) => s.phase))})`,
        deadlineMs,
        intervalMs: 100,
      }),
    [Symbol.dispose]: () => watch.abort(),
  };
}

/** Whether a recorded status is Ready. */
export const isReady = (s: Seen): boolean => s.phase === "Ready" && s.ready === "True";
