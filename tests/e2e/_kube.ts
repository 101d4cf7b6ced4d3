/**
 * What the e2e tests do to the cluster, the way a user does it: kubectl apply/wait/exec, and from Deno with
 * @kubernetes/client-node, attach and port-forward.
 * @module
 */
import assert from "node:assert/strict";
import net from "node:net";
import { PassThrough } from "node:stream";
import { CoreV1Api, type KubeConfig, PortForward } from "@kubernetes/client-node";
import { type NodeCluster, poll } from "../harness/mod.ts";

/** A namespace of its own for one test (deleted with the cluster). */
export async function namespace(
  cluster: NodeCluster,
  name: string,
  labels: Record<string, string> = {},
): Promise<string> {
  const meta = { name, labels };
  const r = await cluster.kubectl(
    ["apply", "-f", "-"],
    JSON.stringify({ apiVersion: "v1", kind: "Namespace", metadata: meta }),
  );
  assert.equal(r.code, 0, r.stderr);
  // Pods need the namespace's default ServiceAccount and root CA ConfigMap, which controllers add shortly after.
  await poll(async () => {
    const sa = await cluster.kubectl(["-n", name, "get", "serviceaccount", "default", "-o", "name"]);
    const ca = await cluster.kubectl(["-n", name, "get", "configmap", "kube-root-ca.crt", "-o", "name"]);
    return sa.code === 0 && ca.code === 0 || undefined;
  }, { what: `namespace ${name} to get its default ServiceAccount`, deadlineMs: 60_000 });
  return name;
}

/** `kubectl apply -f -` in `ns`; fails the test with kubectl's message. */
export async function apply(cluster: NodeCluster, ns: string, yaml: string): Promise<void> {
  const r = await cluster.kubectl(["-n", ns, "apply", "-f", "-"], yaml);
  assert.equal(r.code, 0, `kubectl apply failed: ${r.stderr}`);
}

/** `kubectl wait` with a deadline generous enough for a busy 2-core machine. */
export async function kwait(cluster: NodeCluster, ns: string, args: readonly string[]): Promise<void> {
  const r = await cluster.kubectl(["-n", ns, "wait", "--timeout=240s", ...args]);
  if (r.code !== 0) {
    const pods = await cluster.kubectl(["-n", ns, "get", "pods,events", "-o", "wide"]);
    assert.fail(`kubectl wait ${args.join(" ")} failed: ${r.stderr}\n${pods.stdout}`);
  }
}

/** `kubectl exec <pod> -- <command>`: its stdout, or undefined when it failed. */
export async function exec(cluster: NodeCluster, ns: string, pod: string, command: readonly string[]) {
  const r = await cluster.kubectl(["-n", ns, "exec", pod, "--", ...command]);
  return r.code === 0 ? r.stdout : undefined;
}

/** Polls an HTTP GET from inside `pod` until it returns `expected` (kube-proxy and DNS settle within seconds). */
export async function eventuallyGets(
  cluster: NodeCluster,
  ns: string,
  pod: string,
  url: string,
  expected: string,
): Promise<void> {
  // busybox 1.35's `wget -T` crashes: bound the request with timeout instead.
  await poll(
    async () => (await exec(cluster, ns, pod, ["timeout", "5", "wget", "-qO-", url]))?.trim() === expected || undefined,
    {
      what: `${pod} to get "${expected}" from ${url}`,
      deadlineMs: 60_000,
      intervalMs: 500,
    },
  );
}

/** Whether a GET from inside `pod` fails (a blocked connection times out after 3 s). */
export async function getFails(cluster: NodeCluster, ns: string, pod: string, url: string): Promise<boolean> {
  return (await exec(cluster, ns, pod, ["timeout", "3", "wget", "-qO-", url])) === undefined;
}

/** A port on 127.0.0.1 forwarded to a pod's port through the API server (client-node's PortForward). */
export interface Forward extends AsyncDisposable {
  /** The local port. */
  readonly port: number;
  /** Stops listening and closes the open connections. */
  close(): Promise<void>;
}

/** Forwards a free local port to `pod`:`port`, one port-forward stream per accepted connection. */
export async function forwardToPod(kc: KubeConfig, ns: string, pod: string, port: number): Promise<Forward> {
  const forward = new PortForward(kc, true);
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    forward.portForward(ns, pod, [port], socket, null, socket).catch(() => socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const local = (server.address() as net.AddressInfo).port;
  const close = async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return { port: local, close, [Symbol.asyncDispose]: close };
}

/**
 * Forwards a free local port to a Service the way `kubectl port-forward svc/<name>` does: to a ready pod the
 * Service selects, on the target port behind `servicePort`.
 */
export async function forwardToService(
  kc: KubeConfig,
  ns: string,
  service: string,
  servicePort: number,
): Promise<Forward> {
  const core = kc.makeApiClient(CoreV1Api);
  const svc = await core.readNamespacedService({ namespace: ns, name: service });
  const selector = Object.entries(svc.spec?.selector ?? {}).map(([k, v]) => `${k}=${v}`).join(",");
  assert.ok(selector, `Service ${service} has no selector`);
  const spec = svc.spec?.ports?.find((p) => p.port === servicePort);
  assert.ok(spec, `Service ${service} has no port ${servicePort}`);
  const pods = await core.listNamespacedPod({ namespace: ns, labelSelector: selector });
  const ready = pods.items.find((p) => p.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True"));
  assert.ok(ready?.metadata?.name, `Service ${service} selects no ready pod`);
  let target = spec.targetPort ?? servicePort;
  if (typeof target === "string") {
    const named = ready.spec?.containers.flatMap((c) => c.ports ?? []).find((p) => p.name === target);
    assert.ok(named, `no container port named ${target}`);
    target = named.containerPort;
  }
  return forwardToPod(kc, ns, ready.metadata.name, Number(target));
}

/** Attaches to a container's stdin and stdout (client-node's Attach over WebSocket). */
export async function attach(kc: KubeConfig, ns: string, pod: string, container: string) {
  const { Attach } = await import("@kubernetes/client-node");
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const ws = await new Attach(kc).attach(ns, pod, container, stdout, stderr, stdin, false);
  return { stdin, stdout, stderr, close: () => ws.close() };
}
