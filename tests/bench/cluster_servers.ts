/**
 * The MCPServers of the cluster bench and what a user does with them: `kubectl apply` one, call `echo` through
 * its proxy Service as soon as that answers (the apply → first call clock), and delete it again.
 * @module
 */
import { EVERYTHING_IMAGE, EVERYTHING_IN_IMAGE, type NodeCluster, poll } from "../harness/mod.ts";
import type { ClusterApi } from "./cluster_api.ts";
import type { Step, Timeline } from "./cluster_timeline.ts";
import { INIT } from "./mcp_client.ts";
import { type ServiceRoute, serviceRoute } from "./service_route.ts";

/** The namespace of the bench's MCPServers. */
export const BENCH_NAMESPACE = "bench-cluster";
/** The proxy's port (the MCPServer's default `proxyPort`). */
export const PROXY_PORT = 8080;
/** server-everything's HTTP port (it reads `PORT`, default 3001, not `MCP_PORT`). */
export const EVERYTHING_PORT = 3001;

/** The transports measured. */
export type BenchTransport = "stdio" | "streamable-http";

/** The MCPServer manifest of server-everything over `transport`. */
export function serverManifest(name: string, transport: BenchTransport): string {
  const spec: Record<string, unknown> = { image: EVERYTHING_IMAGE, transport };
  if (transport !== "stdio") {
    // The image has no entrypoint: args replace its command, so they name the whole command line.
    spec.args = [...EVERYTHING_IN_IMAGE, "streamableHttp"];
    spec.mcpPort = EVERYTHING_PORT;
  }
  return JSON.stringify({
    apiVersion: "toolhive.stacklok.dev/v1beta1",
    kind: "MCPServer",
    metadata: { name, namespace: BENCH_NAMESPACE },
    spec,
  });
}

/** The ClusterIP and first port of Service `name`, once it exists and has one. */
export function serviceAddress(api: ClusterApi, name: string): Promise<{ ip: string; port: number }> {
  return poll(async () => {
    const svc = await api.get(`/api/v1/namespaces/${BENCH_NAMESPACE}/services/${name}`);
    const ip = svc?.spec?.clusterIP;
    const port = svc?.spec?.ports?.[0]?.port;
    return ip && ip !== "None" && port ? { ip, port } : undefined;
  }, { what: `Service ${BENCH_NAMESPACE}/${name} to get a ClusterIP`, deadlineMs: 180_000, intervalMs: 50 });
}

/**
 * Whether kube-proxy has programmed `ip`:`port` on this node (a DNAT rule in the nat table's KUBE-SERVICES, which
 * it writes once the Service has a ready endpoint). Before that, the host's packets to the ClusterIP are not
 * rewritten (the harness's host guard refuses them; without it they would leave the machine by the default
 * route), so the bench does not connect earlier.
 */
export async function kubeProxyRoutes(ip: string, port: number): Promise<boolean> {
  const out = await new Deno.Command("iptables", { args: ["-t", "nat", "-S", "KUBE-SERVICES"], stdout: "piped" })
    .output();
  const rules = new TextDecoder().decode(out.stdout);
  return rules.split("\n").some((r) => r.includes(`-d ${ip}/32 `) && r.includes(`--dport ${port} `));
}

/** The route to `/mcp` of Service `name` from the host, once kube-proxy routes its ClusterIP. */
export async function routeTo(api: ClusterApi, name: string): Promise<ServiceRoute> {
  const address = await serviceAddress(api, name);
  await poll(() => kubeProxyRoutes(address.ip, address.port).then((ok) => ok || undefined), {
    what: `kube-proxy to route Service ${BENCH_NAMESPACE}/${name} (${address.ip}:${address.port}) on the node`,
    deadlineMs: 120_000,
    intervalMs: 100,
  });
  return serviceRoute({ name, namespace: BENCH_NAMESPACE, ...address }, "/mcp");
}

/** One whole MCP exchange (initialize, initialized, tools/call echo) over `route`, bounded by `timeoutMs`. */
export async function oneCall(route: ServiceRoute, timeoutMs: number): Promise<void> {
  const signal = AbortSignal.timeout(timeoutMs);
  const headers: Record<string, string> = {
    "content-type": "application/json",
    accept: "application/json, text/event-stream",
  };
  const post = async (body: unknown, extra: Record<string, string> = {}) => {
    const res = await fetch(route.url, {
      method: "POST",
      headers: { ...headers, ...extra },
      body: JSON.stringify(body),
      client: route.client,
      signal,
    });
    return { res, text: await res.text() };
  };
  const init = await post({ jsonrpc: "2.0", id: 0, method: "initialize", params: INIT });
  const sid = init.res.headers.get("mcp-session-id");
  if (!init.res.ok || !sid) throw new Error(`initialize: ${init.res.status} ${init.text.slice(0, 200)}`);
  const session = { "mcp-session-id": sid, "mcp-protocol-version": INIT.protocolVersion };
  await post({ jsonrpc: "2.0", method: "notifications/initialized" }, session);
  const call = await post({
    jsonrpc: "2.0",
    id: 1,
    method: "tools/call",
    params: { name: "echo", arguments: { message: "first" } },
  }, session);
  if (!call.text.includes("Echo: first")) throw new Error(`tools/call: ${call.res.status} ${call.text.slice(0, 200)}`);
  await fetch(route.url, { method: "DELETE", headers: { ...headers, ...session }, client: route.client, signal })
    .then((r) => r.body?.cancel(), () => {});
}

/**
 * Polls `/health` of server `name`'s proxy on its pod IP (pod IPs route to the bridge on the node) every 100 ms
 * until it answers 200 or `signal` aborts, and marks when it did: when the kubelet's readiness probe could first
 * have passed.
 */
async function pollHealth(timeline: Timeline, name: string, signal: AbortSignal): Promise<void> {
  while (!signal.aborted) {
    const ip = timeline.proxyIp(name);
    if (ip) {
      const res = await fetch(`http://${ip}:${PROXY_PORT}/health`, { signal: AbortSignal.timeout(1000) })
        .catch(() => undefined);
      await res?.body?.cancel();
      if (res?.status === 200) {
        timeline.mark(name, "proxy /health 200 (polled on the pod IP every 100 ms)", performance.now());
        return;
      }
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** What one apply → first call took: the whole, and when each step of the flow was seen (ms after the apply). */
export interface FirstCall {
  /** From the start of `kubectl apply` to the answer of the first `echo` through the proxy Service. */
  readonly totalMs: number;
  /** The steps the timeline saw. */
  readonly steps: Partial<Record<Step, number>>;
}

/**
 * Applies server `name` with `kubectl apply` and, once kube-proxy routes `mcp-<name>-proxy`, calls `echo` through
 * it every 100 ms until a call is answered (a failed call is retried; each attempt is bounded to 3 s).
 */
export async function applyToFirstCall(
  cluster: NodeCluster,
  deps: {
    readonly api: ClusterApi;
    readonly timeline: Timeline;
    readonly name: string;
    readonly transport: BenchTransport;
  },
): Promise<FirstCall> {
  const { api, timeline, name } = deps;
  const t0 = performance.now();
  const applied = await cluster.kubectl(["apply", "-f", "-"], serverManifest(name, deps.transport));
  if (applied.code !== 0) throw new Error(`kubectl apply of MCPServer ${name} failed: ${applied.stderr.trim()}`);
  const service = `mcp-${name}-proxy`;
  const health = new AbortController();
  const healthy = pollHealth(timeline, name, health.signal);
  const address = await serviceAddress(api, service);
  await poll(async () => {
    if (!await kubeProxyRoutes(address.ip, address.port)) return undefined;
    // A client per attempt: a failed attempt leaves no connection behind for the next one.
    const route = serviceRoute({ name: service, namespace: BENCH_NAMESPACE, ...address }, "/mcp");
    try {
      await oneCall(route, 3000);
      return true;
    } finally {
      route.client.close();
    }
  }, {
    what: `a first echo call through Service ${service} (kubectl -n ${BENCH_NAMESPACE} describe mcpserver ${name})`,
    deadlineMs: 240_000,
    intervalMs: 100,
  }).finally(() => health.abort());
  await healthy;
  return { totalMs: performance.now() - t0, steps: timeline.since(name, t0) };
}

/** Deletes MCPServer `name` and waits until every pod of it is gone. */
export async function deleteServer(cluster: NodeCluster, api: ClusterApi, name: string): Promise<void> {
  const r = await cluster.kubectl(["-n", BENCH_NAMESPACE, "delete", "mcpserver", name, "--timeout=120s"]);
  if (r.code !== 0) throw new Error(`kubectl delete mcpserver ${name} failed: ${r.stderr.trim()}`);
  await poll(async () => {
    const pods = await api.get(`/api/v1/namespaces/${BENCH_NAMESPACE}/pods?labelSelector=toolhive-name%3D${name}`);
    return pods?.items?.length === 0 || undefined;
  }, { what: `the pods of MCPServer ${name} to go`, deadlineMs: 120_000, intervalMs: 500 });
}
