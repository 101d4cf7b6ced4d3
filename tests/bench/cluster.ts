/**
 * `deno task bench:cluster`: MCPServers on the e2e tier's real single-node cluster, the operator installed with
 * the charts and running from the thv image. Measures `kubectl apply` → first answered `echo` through the proxy
 * Service for stdio and streamable HTTP (fresh servers each, with when each step of the flow was seen), calls/s
 * of `echo` through the proxy Service for stdio over attach and for streamable HTTP (and, in the same run,
 * direct to the backend Service `mcp-<name>`) at concurrency 1 and 32, the CPU time per call of every process on
 * the path, and the proxy pods' memory idle and after the load. Calls come from the host straight to the
 * ClusterIPs (service_route.ts), no port-forward. Writes the `cluster` section of docs/benchmarks.md.
 *
 * `BENCH_SERVERS` (3): fresh servers per transport for apply → first call. `BENCH_CALLS` (2000): calls per
 * measurement at concurrency 1, four times that at 32. `BENCH_SECONDS` (20): longest a measurement may run.
 * @module
 */
import "../harness/quiet_deprecations.ts";
import { buildThvImage } from "../../scripts/image.ts";
import {
  CLUSTER_PARENT,
  everythingArchive,
  installCrdsChart,
  installOperatorChart,
  type NodeCluster,
  OPERATOR_NAMESPACE,
  poll,
  startCluster,
} from "../harness/mod.ts";
import { type ClusterApi, clusterApi } from "./cluster_api.ts";
import { type CpuMeter, measureLoad } from "./cluster_load.ts";
import { firstCallTables, type LoadRow, loadTable, memoryTable } from "./cluster_report.ts";
import {
  applyToFirstCall,
  BENCH_NAMESPACE,
  type BenchTransport,
  deleteServer,
  EVERYTHING_PORT,
  type FirstCall,
  routeTo,
} from "./cluster_servers.ts";
import { Timeline } from "./cluster_timeline.ts";
import { type ContainerMemory, type NodeContainer, nodeContainer, parentPid, processCpuMicros } from "./pod_usage.ts";
import { machineLine, writeBenchSection } from "./report.ts";

const SERVERS = Math.max(1, Number(Deno.env.get("BENCH_SERVERS") ?? "3"));
const CALLS = Number(Deno.env.get("BENCH_CALLS") ?? "2000");
const SECONDS = Number(Deno.env.get("BENCH_SECONDS") ?? "20");
const TRANSPORTS: readonly BenchTransport[] = ["stdio", "streamable-http"];
const SHORT: Record<BenchTransport, string> = { stdio: "stdio", "streamable-http": "http" };

/** A namespace, once its default ServiceAccount exists (pods need it). */
async function namespace(c: NodeCluster, api: ClusterApi, name: string): Promise<void> {
  const r = await c.kubectl(["create", "namespace", name]);
  if (r.code !== 0) throw new Error(`kubectl create namespace ${name} failed: ${r.stderr.trim()}`);
  await poll(async () => (await api.get(`/api/v1/namespaces/${name}/serviceaccounts/default`)) ? true : undefined, {
    what: `namespace ${name} to get its default ServiceAccount`,
    deadlineMs: 60_000,
  });
}

/** CPU time of all cores of the machine (from /proc/stat), in microseconds. */
const machineCpu: CpuMeter = async () => {
  const cpu = (await Deno.readTextFile("/proc/stat")).split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal: everything but idle and iowait.
  const busy = cpu[0]! + cpu[1]! + cpu[2]! + cpu[5]! + cpu[6]! + cpu[7]!;
  return (busy / 100) * 1e6;
};

/** The proxy container and the MCP container of server `name`. */
async function containersOf(api: ClusterApi, name: string): Promise<{ proxy: NodeContainer; mcp: NodeContainer }> {
  const pods = await api.get(`/api/v1/namespaces/${BENCH_NAMESPACE}/pods?labelSelector=toolhive-name%3D${name}`);
  // deno-lint-ignore no-explicit-any
  const items: any[] = pods?.items ?? [];
  const mcp = items.find((p) => p.metadata.name === `${name}-0`);
  const proxy = items.find((p) => p.metadata.name !== `${name}-0` && !p.metadata.deletionTimestamp);
  if (!mcp || !proxy) throw new Error(`MCPServer ${name} has no proxy pod and MCP pod running`);
  return { proxy: await nodeContainer(proxy, "toolhive"), mcp: await nodeContainer(mcp, "mcp") };
}

/** The median wait from the proxy's `/health` turning 200 to the kubelet marking its pod Ready, per transport. */
function readinessWait(samples: Record<string, FirstCall[]>): string {
  const waits = Object.entries(samples).map(([transport, xs]) => {
    const gaps = xs.map((x) =>
      (x.steps["proxy pod Ready (kubelet's readiness probe on /health)"] ?? NaN) -
      (x.steps["proxy /health 200 (polled on the pod IP every 100 ms)"] ?? NaN)
    ).filter((g) => !Number.isNaN(g)).sort((a, b) => a - b);
    return `${transport} ${gaps.length ? (gaps[Math.floor((gaps.length - 1) / 2)]! / 1000).toFixed(1) : "–"} s`;
  });
  return `From the proxy's \`/health\` answering 200 to its pod turning Ready (the readiness probe's ` +
    `initialDelaySeconds and periodSeconds, roles/operator/desired/proxy.ts), median: ${waits.join(", ")}.`;
}

console.log(`machine: ${machineLine()}`);
const images = await Deno.makeTempDir({ dir: CLUSTER_PARENT, prefix: "thv-bench-images-" });
let cluster: NodeCluster | undefined;
let api: ClusterApi | undefined;
const watching = new AbortController();
try {
  const [thv, everything] = await Promise.all([
    buildThvImage(`${images}/thv`),
    everythingArchive(`${images}/everything.tar`),
  ]);
  cluster = await startCluster({ images: [thv.path, everything.path] });
  const c = cluster;
  api = await clusterApi(c);
  console.error(`cluster ready in ${(c.timings.readyMs / 1000).toFixed(1)} s; installing the charts`);
  await namespace(c, api, OPERATOR_NAMESPACE);
  await installCrdsChart(c);
  await installOperatorChart(c);
  await namespace(c, api, BENCH_NAMESPACE);
  const timeline = new Timeline();
  const watched = timeline.watch(api, BENCH_NAMESPACE, watching.signal).catch((e) =>
    console.error(`timeline watch ended: ${e.message}`)
  );

  // 1. kubectl apply → first call, fresh servers taking turns by transport; the last of each stays for the load.
  const firstCalls: Record<string, FirstCall[]> = { stdio: [], "streamable-http": [] };
  const kept: Partial<Record<BenchTransport, string>> = {};
  for (let i = 0; i < SERVERS; i++) {
    for (const transport of TRANSPORTS) {
      const name = `${SHORT[transport]}-${i}`;
      const sample = await applyToFirstCall(c, { api, timeline, name, transport });
      firstCalls[transport]!.push(sample);
      console.log(`apply → first call ${transport} (${name}): ${sample.totalMs.toFixed(0)} ms`, sample.steps);
      if (i < SERVERS - 1) await deleteServer(c, api, name);
      else kept[transport] = name;
    }
  }

  // 2. Idle memory, once start-up work has settled.
  await new Promise((r) => setTimeout(r, 15_000));
  const stdio = await containersOf(api, kept.stdio!);
  const http = await containersOf(api, kept["streamable-http"]!);
  const memory: { what: string; memory: ContainerMemory }[] = [
    { what: "stdio proxy (toolhive), idle", memory: await stdio.proxy.memory() },
    { what: "streamable-http proxy (toolhive), idle", memory: await http.proxy.memory() },
  ];

  // 3. Load through the Services, at concurrency 1 then 32.
  const pids = c.pids();
  const pidMeter = (pid: number | undefined): CpuMeter => () => pid ? processCpuMicros(pid) : Promise.resolve(0);
  const stdioShim = await parentPid((await stdio.mcp.pids())[0]!);
  const common: Record<string, CpuMeter> = {
    "kube-apiserver": pidMeter(pids["kube-apiserver"]),
    kubelet: pidMeter(pids.kubelet),
    containerd: pidMeter(pids.containerd),
    "bench client": pidMeter(Deno.pid),
    machine: machineCpu,
  };
  const targets = [
    {
      path: "stdio over attach, through the proxy Service",
      route: await routeTo(api, `mcp-${kept.stdio}-proxy`),
      meters: {
        proxy: stdio.proxy.cpuMicros,
        "MCP server": stdio.mcp.cpuMicros,
        "MCP shim": pidMeter(stdioShim),
        ...common,
      },
    },
    {
      path: "streamable HTTP, through the proxy Service",
      route: await routeTo(api, `mcp-${kept["streamable-http"]}-proxy`),
      meters: { proxy: http.proxy.cpuMicros, "MCP server": http.mcp.cpuMicros, ...common },
    },
    {
      path: `streamable HTTP, direct to the backend Service mcp-${kept["streamable-http"]} (:${EVERYTHING_PORT})`,
      route: await routeTo(api, `mcp-${kept["streamable-http"]}`),
      meters: { proxy: http.proxy.cpuMicros, "MCP server": http.mcp.cpuMicros, ...common },
    },
  ];
  const loads: LoadRow[] = [];
  for (const concurrency of [1, 32]) {
    for (const target of targets) {
      const result = await measureLoad(target.route, {
        concurrency,
        bounds: { calls: concurrency === 1 ? CALLS : 4 * CALLS, maxSeconds: SECONDS },
        warmup: Math.min(200, CALLS),
        meters: target.meters,
      });
      loads.push({ path: target.path, result });
      console.log(
        `${target.path} c=${concurrency}: ${Math.round(result.perSecond)} calls/s, p50 ${result.p50.toFixed(2)} ms`,
        Object.fromEntries(Object.entries(result.cpuPerCall).map(([k, v]) => [k, Math.round(v)])),
      );
    }
  }
  for (const t of targets) t.route.client.close();
  memory.push(
    { what: "stdio proxy (toolhive), after the load", memory: await stdio.proxy.memory() },
    { what: "streamable-http proxy (toolhive), after the load", memory: await http.proxy.memory() },
  );
  watching.abort();
  await watched;

  // 4. Report.
  const perSecond = (path: string, c: number) =>
    loads.find((l) => l.path === path && l.result.concurrency === c)!.result.perSecond;
  const [viaStdio, viaHttp, direct] = targets.map((t) => t.path) as [string, string, string];
  const ratios = [1, 32].map((n) => `c=${n} ${(perSecond(viaHttp, n) / perSecond(direct, n)).toFixed(2)}`).join(", ");
  const medianOf = (xs: FirstCall[]) =>
    [...xs.map((x) => x.totalMs)].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
  const peakProxy = Math.max(...memory.map((m) => m.memory.cgroupPeak));
  const stdio32 = loads.find((l) => l.path === viaStdio && l.result.concurrency === 32)!.result.cpuPerCall;
  const cpu = (...names: string[]) => names.reduce((sum, n) => sum + (stdio32[n] ?? 0), 0);
  const relays = cpu("kube-apiserver", "kubelet", "containerd", "MCP shim");
  const named = relays + cpu("proxy", "MCP server", "bench client");
  const budget = `Where the time of stdio over attach goes (c=32, CPU µs per call): the machine's cores were busy ` +
    `${cpu("machine").toFixed(0)} µs per call, a ceiling of ` +
    `${(navigator.hardwareConcurrency * 1e6 / cpu("machine")).toFixed(0)} calls/s on ` +
    `${navigator.hardwareConcurrency} cores; of that the attach relays (kube-apiserver → kubelet → containerd → ` +
    `shim) ${relays.toFixed(0)}, the proxy ${cpu("proxy").toFixed(0)}, the MCP server ${
      cpu("MCP server").toFixed(0)
    }, ` +
    `the bench client ${cpu("bench client").toFixed(0)}, and ${(cpu("machine") - named).toFixed(0)} the rest ` +
    "(the kernel's network and netfilter work, the other cluster processes, other tenants).";
  const aims = [
    `apply → first call under 10 s: stdio ${(medianOf(firstCalls.stdio!) / 1000).toFixed(1)} s, ` +
    `streamable-http ${(medianOf(firstCalls["streamable-http"]!) / 1000).toFixed(1)} s (medians)`,
    `stdio over attach at least 5,000 calls/s: ${Math.round(perSecond(viaStdio, 32))} at c=32, ` +
    `${Math.round(perSecond(viaStdio, 1))} at c=1`,
    `proxy pod under 100 MiB: highest cgroup peak ${peakProxy.toFixed(0)} MiB`,
  ];
  const lines = [
    "## MCPServers on the real single-node cluster (`deno task bench:cluster`)",
    "",
    `Measured ${new Date().toISOString().slice(0, 10)} on ${machineLine()}: the e2e tier's cluster ` +
    "(tests/harness/cluster.ts) with the CRDs and operator charts installed, the operator and every proxy runner " +
    "running from the thv image, server-everything (Node.js, a local image) as the MCP server. Clients run on " +
    "the host (the node) and reach the ClusterIPs directly through kube-proxy's rules, no port-forward " +
    "(tests/bench/service_route.ts); load generator, cluster and pods share the 2 cores.",
    "",
    `### \`kubectl apply\` → first call (${SERVERS} fresh servers per transport, taking turns)`,
    "",
    "The clock starts before `kubectl apply` of the MCPServer and stops when the first `echo` (initialize, " +
    "initialized, tools/call on a new session) through the proxy Service `mcp-<name>-proxy` is answered; calls " +
    "are tried every 100 ms once kube-proxy routes the Service's ClusterIP on the node. It includes the " +
    "operator's reconcile, the proxy pod's start (`thv run` in the thv image), the runner applying the " +
    "StatefulSet and waiting for its rollout, the MCP pod's start, the attach (stdio), the proxy's readiness " +
    "probe passing on `/health`, and kube-proxy adding the endpoint. Steps are when watches of the namespace's " +
    "Deployments and pods saw them (a container shows as running when the kubelet next writes the pod's status, " +
    "so that step can trail later ones); `/health` 200 is the bench's own poll of the proxy pod's IP.",
    "",
    ...firstCallTables(firstCalls),
    "",
    readinessWait(firstCalls),
    "",
    `### Calls/s of \`tools/call\` echo (${CALLS} calls at c=1, ${4 * CALLS} at c=32, at most ${SECONDS} s each)`,
    "",
    "Each concurrent worker has its own session, one call in flight. CPU µs/call per process on the path over " +
    "the measurement: proxy and MCP server are their containers' cpuacct; the stdio path also runs through " +
    "kube-apiserver → kubelet → containerd → the MCP container's shim (the attach streams); machine is the " +
    "busy time of both cores (everything, other tenants included).",
    "",
    ...loadTable(loads),
    "",
    `streamable HTTP through the proxy / direct to the backend, calls/s: ${ratios}`,
    "",
    budget,
    "",
    "### Proxy pod memory",
    "",
    "The `toolhive` container of each proxy pod, from its memory cgroup on the node and /proc of its process; " +
    "idle is 15 s after the last server's first call.",
    "",
    ...memoryTable(memory),
    "",
    "Aims (issue 12):",
    "",
    ...aims.map((a) => `- ${a}`),
  ];
  console.log(lines.join("\n"));
  console.log(`wrote ${await writeBenchSection("cluster", lines.join("\n"))}`);
} finally {
  watching.abort();
  api?.close();
  if (cluster) await cluster.stop();
  await Deno.remove(images, { recursive: true }).catch(() => {});
}
