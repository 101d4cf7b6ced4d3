/**
 * `deno task bench:operator`: N MCPServers (BENCH_SERVERS, default 500) against a real control plane, with
 * `thv operator` as its own process under the chart's RBAC. Reports the time until every child exists, the
 * API requests the operator made, its peak RSS, and in steady state (several resync periods) its write
 * requests and the objects actually written (MODIFIED watch events), both of which must be 0. Writes the
 * `operator` section of docs/benchmarks.md.
 * @module
 */
import "../harness/quiet_deprecations.ts";
import { CustomObjectsApi, Watch } from "@kubernetes/client-node";
import { freePort, kubectl, operatorIdentity, REPO_ROOT, startControlPlane } from "../harness/mod.ts";
import { machineLine, writeBenchSection } from "./report.ts";

const N = Number(Deno.env.get("BENCH_SERVERS") ?? "500");
const RESYNC_S = 20;
const STEADY_S = Number(Deno.env.get("BENCH_STEADY_SECONDS") ?? "60");
const CONCURRENCY = 16;

await using cp = await startControlPlane();
const admin = cp.adminConfig();
const run = async (args: string[]) => {
  const res = await kubectl(cp.kubeconfigPath, args);
  if (res.code !== 0) throw new Error(res.stderr);
  return res.stdout;
};
await run(["apply", "--server-side", "-f", `${REPO_ROOT}crds/generated/`]);
await run(["wait", "--for=condition=Established", "crd/mcpservers.toolhive.stacklok.dev"]);
await run(["create", "namespace", "bench"]);
const identity = await operatorIdentity(cp, "thv-operator");

const port = freePort();
const operator = new Deno.Command(Deno.execPath(), {
  args: [
    "run",
    "-A",
    "main.ts",
    "operator",
    "--kubeconfig",
    identity.path,
    "--health-port",
    String(port),
    "--health-host",
    "127.0.0.1",
    "--resync-seconds",
    String(RESYNC_S),
    "--log-format",
    "json",
  ],
  cwd: REPO_ROOT,
  env: { TOOLHIVE_RUNNER_IMAGE: "localhost/thv:bench" },
  stdout: "null",
  stderr: "piped",
}).spawn();
const operatorLog = `${cp.dir}/operator.log`;
const logFile = await Deno.open(operatorLog, { create: true, write: true });
operator.stderr.pipeTo(logFile.writable).catch(() => {});

const metric = async (name: string) => {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return Number(text.split("\n").find((l) => l.startsWith(`${name} `))!.split(" ").at(-1));
};
const peakRss = async () => {
  const status = await Deno.readTextFile(`/proc/${operator.pid}/status`);
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)![1]) / 1024;
};

try {
  for (let i = 0;; i++) {
    const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => (r.body?.cancel(), r.ok), () => false);
    if (ok) break;
    if (i > 300) throw new Error("operator not ready after 30 s");
    await new Promise((r) => setTimeout(r, 100));
  }
  const rssIdle = await peakRss();

  const custom = admin.makeApiClient(CustomObjectsApi);
  const t0 = performance.now();
  let next = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < N) {
      const i = next++;
      await custom.createNamespacedCustomObject({
        group: "toolhive.stacklok.dev",
        version: "v1beta1",
        namespace: "bench",
        plural: "mcpservers",
        body: {
          apiVersion: "toolhive.stacklok.dev/v1beta1",
          kind: "MCPServer",
          metadata: { name: `s${i}` },
          spec: { image: "example/mcp:1", transport: i % 2 ? "stdio" : "streamable-http", mcpPort: 3000 },
        },
      });
    }
  }));
  const created = performance.now() - t0;

  const counts = async () => {
    const lines = await run([
      "get",
      "deployments,services,configmaps,serviceaccounts,roles,rolebindings",
      "-n",
      "bench",
      "-o",
      "name",
    ]);
    return lines.trim().split("\n").filter((l) => l && !l.endsWith("/kube-root-ca.crt") && !l.endsWith("/default"))
      .length;
  };
  const expected = N * 7; // 3 RBAC objects, 2 ServiceAccounts... see desiredChildren: SA+Role+RB, SA, CM, Deploy, Svc
  let children = 0;
  while ((children = await counts()) < expected) await new Promise((r) => setTimeout(r, 500));
  const allChildren = performance.now() - t0;
  // Every status written (one per server) settles the initial burst.
  while ((await metric("thv_operator_queue_depth")) > 0) await new Promise((r) => setTimeout(r, 200));
  await new Promise((r) => setTimeout(r, 2000));
  const requestsToSettle = {
    reads: await metric('thv_operator_api_requests_total{verb="read"}'),
    writes: await metric('thv_operator_api_requests_total{verb="write"}'),
  };
  const rssPeak = await peakRss();

  // Steady state: count write requests and real writes (MODIFIED events of anything in the namespace).
  let modified = 0;
  const watches: AbortController[] = [];
  for (
    const path of [
      "/apis/apps/v1/namespaces/bench/deployments",
      "/api/v1/namespaces/bench/services",
      "/api/v1/namespaces/bench/configmaps",
      "/apis/toolhive.stacklok.dev/v1beta1/namespaces/bench/mcpservers",
    ]
  ) {
    const rv = JSON.parse(await run(["get", "--raw", `${path}?limit=1`])).metadata.resourceVersion;
    watches.push(
      await new Watch(admin).watch(path, { resourceVersion: rv }, (type) => {
        if (type === "MODIFIED" || type === "ADDED" || type === "DELETED") modified++;
      }, () => {}),
    );
  }
  const writes0 = await metric('thv_operator_api_requests_total{verb="write"}');
  const reads0 = await metric('thv_operator_api_requests_total{verb="read"}');
  const reconciles0 = await metric("thv_operator_reconciles_total");
  await new Promise((r) => setTimeout(r, STEADY_S * 1000));
  const minutes = STEADY_S / 60;
  const steady = {
    writeRequestsPerMin: (await metric('thv_operator_api_requests_total{verb="write"}') - writes0) / minutes,
    readRequestsPerMin: (await metric('thv_operator_api_requests_total{verb="read"}') - reads0) / minutes,
    reconcilesPerMin: (await metric("thv_operator_reconciles_total") - reconciles0) / minutes,
    objectWritesPerMin: modified / minutes,
  };
  watches.forEach((w) => w.abort());

  const rows = [
    `| MCPServers | ${N} |`,
    `| create all MCPServers (${CONCURRENCY} clients) | ${(created / 1000).toFixed(1)} s |`,
    `| until all ${expected} children exist | ${(allChildren / 1000).toFixed(1)} s (${
      (N / (allChildren / 1000)).toFixed(0)
    } servers/s) |`,
    `| API requests until settled | ${requestsToSettle.reads} reads, ${requestsToSettle.writes} writes (${
      ((requestsToSettle.reads + requestsToSettle.writes) / N).toFixed(1)
    } per server) |`,
    `| operator peak RSS | ${rssIdle.toFixed(0)} MiB idle, ${rssPeak.toFixed(0)} MiB with ${N} servers |`,
    `| steady state over ${STEADY_S} s (resync every ${RESYNC_S} s) | ${
      steady.reconcilesPerMin.toFixed(0)
    } reconciles/min, ${steady.readRequestsPerMin.toFixed(0)} read requests/min |`,
    `| steady-state write requests per minute (must be 0) | ${steady.writeRequestsPerMin.toFixed(0)} |`,
    `| steady-state objects written per minute (must be 0) | ${steady.objectWritesPerMin.toFixed(0)} |`,
  ];
  const table = ["| what | figure |", "| --- | --- |", ...rows].join("\n");
  console.log(`machine: ${machineLine()}\n${table}`);
  await writeBenchSection(
    "operator",
    `## Operator (\`deno task bench:operator\`)\n\nMeasured ${
      new Date().toISOString().slice(0, 10)
    } on ${machineLine()}, ` +
      "against etcd + kube-apiserver on the same machine; the operator runs as its own process under the chart's " +
      `RBAC. Children per server: ServiceAccount, Role and RoleBinding for the proxy runner, the MCP pod's ` +
      `ServiceAccount, the RunConfig ConfigMap, the proxy Deployment and Service.\n\n${table}\n`,
  );
  const errors = await metric("thv_operator_reconcile_errors_total");
  if (errors > 0) {
    const lines = (await Deno.readTextFile(operatorLog)).split("\n").filter((l) => l.includes('"error"'));
    console.error(`bench:operator: ${errors} failed reconciles; first: ${lines.slice(0, 3).join("\n")}`);
    Deno.exitCode = 1;
  }
  if (steady.writeRequestsPerMin !== 0 || steady.objectWritesPerMin !== 0) {
    console.error("bench:operator: steady state is not write-free");
    Deno.exitCode = 1;
  }
  void children;
} finally {
  operator.kill("SIGTERM");
  await operator.status;
}
