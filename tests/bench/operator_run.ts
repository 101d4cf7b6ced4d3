/**
 * One pass of `bench:operator`: a fresh control plane with a source tree's CRDs, that tree's `thv operator` as
 * its own process under that tree's chart RBAC, N MCPServers created by 16 clients, and the figures: time until
 * every server's children exist, API requests until settled, RSS idle and at peak, and in steady state (several
 * resync periods) the operator's read and write requests and the objects actually written (watch events).
 * Every tree gets a control plane of its own, so neither run sees the other's objects or a warmed-up etcd.
 * @module
 */
import { THV_V8_FLAGS_ARG } from "../../lib/config/mod.ts";
import { CustomObjectsApi, Watch } from "@kubernetes/client-node";
import { delay, pollUntil } from "../../lib/async/mod.ts";
import { type ControlPlane, freePort, kubectl, operatorIdentity, startControlPlane } from "../harness/mod.ts";
import type { SourceTree } from "./baseline.ts";

/** What one pass measured. */
export interface OperatorFigures {
  /** MCPServers created. */
  readonly servers: number;
  /** Children expected in all (7 per server). */
  readonly children: number;
  /** Seconds the 16 clients took to create every MCPServer. */
  readonly createSeconds: number;
  /** Seconds from the first create until every server's children exist. */
  readonly settleSeconds: number;
  /** Read requests the operator made until the queue drained. */
  readonly settleReads: number;
  /** Write requests the operator made until the queue drained. */
  readonly settleWrites: number;
  /** CPU seconds (user + system) the operator spent from the first create until settled and drained. */
  readonly settleCpuSeconds: number;
  /** VmHWM once /readyz answered, before any MCPServer existed, MiB. */
  readonly rssIdleMiB: number;
  /** VmHWM at the end of the steady-state window, MiB. */
  readonly rssPeakMiB: number;
  /** Length of the steady-state window. */
  readonly steadySeconds: number;
  /** Resync period the operator ran with, or undefined when it has no such option. */
  readonly resyncSeconds: number | undefined;
  /** Steady-state reconciles per minute. */
  readonly steadyReconcilesPerMin: number;
  /** Steady-state read requests per minute (watches are not requests). */
  readonly steadyReadsPerMin: number;
  /** Steady-state write requests per minute. */
  readonly steadyWritesPerMin: number;
  /** Steady-state watch events (objects actually changed) per minute in the bench namespace. */
  readonly steadyObjectWritesPerMin: number;
  /** Steady-state CPU seconds of the operator per minute. */
  readonly steadyCpuSecondsPerMin: number;
  /** The machine's 1-minute load average when the pass started: how busy the other tenants kept it. */
  readonly loadAverage: number;
  /** Failed reconciles over the whole pass. */
  readonly reconcileErrors: number;
  /** The first error lines of the operator's log, when reconciles failed. */
  readonly errorLines: readonly string[];
}

/** Options of {@linkcode benchOperator}. */
export interface BenchOperatorOptions {
  /** MCPServers to create. */
  readonly servers: number;
  /** Steady-state window in seconds. */
  readonly steadySeconds: number;
  /** Resync period passed to operators that take `--resync-seconds`. */
  readonly resyncSeconds: number;
}

const CONCURRENCY = 16;
const NAMESPACE = "bench";
const USER = "thv-operator";
/** Children per server: SA + Role + RoleBinding of the proxy runner, the MCP pod's SA, the RunConfig, Deployment, Service. */
const CHILDREN_PER_SERVER = 7;
/** USER_HZ, the unit of /proc/<pid>/stat times: 100 on every Linux architecture the bench runs on. */
const CLOCK_TICKS = 100;

async function run(cp: ControlPlane, args: string[], stdin?: string): Promise<string> {
  const res = await kubectl(cp.kubeconfigPath, args, stdin);
  if (res.code !== 0) throw new Error(`kubectl ${args.slice(0, 2).join(" ")}: ${res.stderr.trim()}`);
  return res.stdout;
}

/** Binds the tree's own chart rules cluster-wide to {@linkcode USER} and returns that user's kubeconfig path. */
export async function treeIdentity(cp: ControlPlane, tree: SourceTree): Promise<string> {
  const rulesFile = `${tree.root}chart/thv-operator/files/operator-rules.yaml`;
  return (await operatorIdentity(cp, USER, { rulesFile })).path;
}

/** Whether the tree's `thv operator` takes `--resync-seconds` (a rewrite may drop periodic resyncs). */
async function takesResync(tree: SourceTree): Promise<boolean> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "main.ts", "operator", "--help"],
    cwd: tree.root,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    throw new Error(`thv operator --help failed in ${tree.label}: ${new TextDecoder().decode(out.stderr).trim()}`);
  }
  return new TextDecoder().decode(out.stdout).includes("--resync-seconds");
}

/** A started operator process and readers of its metrics and memory. */
export interface OperatorProcess extends AsyncDisposable {
  metric(name: string): Promise<number>;
  /** VmHWM, MiB. */
  peakRss(): Promise<number>;
  /** CPU seconds (user + system, all threads) so far. */
  cpuSeconds(): Promise<number>;
  /** Error lines of its log. */
  errorLines(): Promise<string[]>;
}

/** The V8 flags both operators run with: BENCH_OPERATOR_V8_FLAGS, else the ones thv ships with. */
export const OPERATOR_V8_FLAGS_ARG = Deno.env.get("BENCH_OPERATOR_V8_FLAGS") ?? THV_V8_FLAGS_ARG;

/** Starts the tree's `thv operator` as its own process and waits for /readyz. */
export async function startOperator(
  cp: ControlPlane,
  tree: SourceTree,
  options: { kubeconfig: string; resyncSeconds: number | undefined },
): Promise<OperatorProcess> {
  const port = freePort();
  // Both trees run with the V8 flags thv's own launchers set (the task, the image, the compiled binary), so the
  // comparison is of the code, run as it is deployed.
  const args = ["run", "-A", OPERATOR_V8_FLAGS_ARG, "main.ts", "operator", "--kubeconfig", options.kubeconfig];
  args.push("--health-port", String(port), "--health-host", "127.0.0.1", "--log-format", "json");
  if (options.resyncSeconds !== undefined) args.push("--resync-seconds", String(options.resyncSeconds));
  const child = new Deno.Command(Deno.execPath(), {
    args,
    cwd: tree.root,
    env: { TOOLHIVE_RUNNER_IMAGE: "localhost/thv:bench" },
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const logPath = `${cp.dir}/operator.log`;
  const logFile = await Deno.open(logPath, { create: true, write: true, truncate: true });
  const logged = child.stderr.pipeTo(logFile.writable).catch(() => {});
  const stop = async () => {
    try {
      child.kill("SIGTERM");
    } catch { /* already gone */ }
    await child.status;
    await logged;
  };
  const base = `http://127.0.0.1:${port}`;
  const metric = async (name: string) => {
    const text = await (await fetch(`${base}/metrics`)).text();
    const line = text.split("\n").find((l) => l.startsWith(`${name} `));
    if (!line) throw new Error(`The operator of ${tree.label} exposes no metric ${name}: the bench reads it`);
    return Number(line.slice(name.length + 1).trim().split(" ")[0]);
  };
  const peakRss = async () => {
    const status = await Deno.readTextFile(`/proc/${child.pid}/status`);
    return Number(/VmHWM:\s+(\d+) kB/.exec(status)![1]) / 1024;
  };
  // /proc/<pid>/stat: utime and stime are fields 14 and 15, counted after the parenthesised command name.
  const cpuSeconds = async () => {
    const stat = await Deno.readTextFile(`/proc/${child.pid}/stat`);
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  };
  const errorLines = async () =>
    (await Deno.readTextFile(logPath)).split("\n").filter((l) => l.includes('"error"')).slice(0, 3);
  try {
    const exited = child.status.then((s) => {
      throw new Error(`The operator of ${tree.label} exited with code ${s.code} before it was ready`);
    });
    exited.catch(() => {}); // once ready, its exit at shutdown is expected
    await Promise.race([
      exited,
      pollUntil(
        () => fetch(`${base}/readyz`).then((r) => (r.body?.cancel(), r.ok), () => false),
        { deadline: 60_000, interval: 100, what: `the operator of ${tree.label} to answer /readyz` },
      ),
    ]);
  } catch (e) {
    await stop();
    throw e;
  }
  return { metric, peakRss, cpuSeconds, errorLines, [Symbol.asyncDispose]: stop };
}

async function createServers(cp: ControlPlane, servers: number): Promise<void> {
  const custom = cp.adminConfig().makeApiClient(CustomObjectsApi);
  let next = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < servers) {
      const i = next++;
      await custom.createNamespacedCustomObject({
        group: "toolhive.stacklok.dev",
        version: "v1beta1",
        namespace: NAMESPACE,
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
}

/** Children in the bench namespace, less what the control plane puts in every namespace. */
async function countChildren(cp: ControlPlane): Promise<number> {
  const kinds = "deployments,services,configmaps,serviceaccounts,roles,rolebindings";
  const lines = await run(cp, ["get", kinds, "-n", NAMESPACE, "-o", "name"]);
  return lines.trim().split("\n").filter((l) => l && !l.endsWith("/kube-root-ca.crt") && !l.endsWith("/default"))
    .length;
}

/** Counts ADDED, MODIFIED and DELETED events of the bench namespace's children and MCPServers from now on. */
async function watchWrites(cp: ControlPlane): Promise<{ count(): number } & Disposable> {
  let events = 0;
  const watches: AbortController[] = [];
  for (
    const path of [
      `/apis/apps/v1/namespaces/${NAMESPACE}/deployments`,
      `/api/v1/namespaces/${NAMESPACE}/services`,
      `/api/v1/namespaces/${NAMESPACE}/configmaps`,
      `/api/v1/namespaces/${NAMESPACE}/serviceaccounts`,
      `/apis/rbac.authorization.k8s.io/v1/namespaces/${NAMESPACE}/roles`,
      `/apis/rbac.authorization.k8s.io/v1/namespaces/${NAMESPACE}/rolebindings`,
      `/apis/toolhive.stacklok.dev/v1beta1/namespaces/${NAMESPACE}/mcpservers`,
    ]
  ) {
    const rv = JSON.parse(await run(cp, ["get", "--raw", `${path}?limit=1`])).metadata.resourceVersion;
    watches.push(
      await new Watch(cp.adminConfig()).watch(path, { resourceVersion: rv }, (type) => {
        if (type === "MODIFIED" || type === "ADDED" || type === "DELETED") events++;
      }, () => {}),
    );
  }
  return { count: () => events, [Symbol.dispose]: () => watches.forEach((w) => w.abort()) };
}

/** The operator's read-request counter. */
export const READS = 'thv_operator_api_requests_total{verb="read"}';
/** The operator's write-request counter. */
export const WRITES = 'thv_operator_api_requests_total{verb="write"}';

/** Runs one pass of the operator bench for `tree` on a control plane of its own. */
export async function benchOperator(tree: SourceTree, options: BenchOperatorOptions): Promise<OperatorFigures> {
  const { servers, steadySeconds } = options;
  const resyncSeconds = (await takesResync(tree)) ? options.resyncSeconds : undefined;
  const loadAverage = Deno.loadavg()[0]!;
  await using cp = await startControlPlane();
  await run(cp, ["apply", "--server-side", "-f", `${tree.root}crds/generated/`]);
  await run(cp, ["wait", "--for=condition=Established", "crd/mcpservers.toolhive.stacklok.dev"]);
  await run(cp, ["create", "namespace", NAMESPACE]);
  const kubeconfig = await treeIdentity(cp, tree);
  // A tree's first run transpiles it into Deno's emit cache (per path), which a freshly written baseline has not
  // had: one throwaway start leaves every measured start equally warm.
  await (await startOperator(cp, tree, { kubeconfig, resyncSeconds }))[Symbol.asyncDispose]();
  await using operator = await startOperator(cp, tree, { kubeconfig, resyncSeconds });
  const rssIdleMiB = await operator.peakRss();

  const cpu0 = await operator.cpuSeconds();
  const t0 = performance.now();
  await createServers(cp, servers);
  const createSeconds = (performance.now() - t0) / 1000;
  const children = servers * CHILDREN_PER_SERVER;
  await pollUntil(async () => (await countChildren(cp)) >= children, {
    deadline: 120_000 + servers * 1_000,
    interval: 500,
    what: `all ${children} children of ${servers} MCPServers (${tree.label})`,
  });
  const settleSeconds = (performance.now() - t0) / 1000;
  // The status writes that follow the children drain the queue; a short grace covers the last one in flight.
  await pollUntil(async () => (await operator.metric("thv_operator_queue_depth")) === 0, {
    deadline: 120_000,
    interval: 200,
    what: `the operator queue of ${tree.label} to drain`,
  });
  await delay(2_000);
  const settleReads = await operator.metric(READS);
  const settleWrites = await operator.metric(WRITES);
  const settleCpuSeconds = await operator.cpuSeconds() - cpu0;

  using watched = await watchWrites(cp);
  const [writes0, reads0, reconciles0, steadyCpu0] = [
    await operator.metric(WRITES),
    await operator.metric(READS),
    await operator.metric("thv_operator_reconciles_total"),
    await operator.cpuSeconds(),
  ];
  await delay(steadySeconds * 1_000);
  const minutes = steadySeconds / 60;
  const steadyWritesPerMin = (await operator.metric(WRITES) - writes0) / minutes;
  const steadyReadsPerMin = (await operator.metric(READS) - reads0) / minutes;
  const steadyReconcilesPerMin = (await operator.metric("thv_operator_reconciles_total") - reconciles0) / minutes;
  const steadyObjectWritesPerMin = watched.count() / minutes;
  const steadyCpuSecondsPerMin = (await operator.cpuSeconds() - steadyCpu0) / minutes;
  const rssPeakMiB = await operator.peakRss();
  const reconcileErrors = await operator.metric("thv_operator_reconcile_errors_total");
  return {
    servers,
    children,
    createSeconds,
    settleSeconds,
    settleReads,
    settleWrites,
    settleCpuSeconds,
    rssIdleMiB,
    rssPeakMiB,
    steadySeconds,
    resyncSeconds,
    steadyReconcilesPerMin,
    steadyReadsPerMin,
    steadyWritesPerMin,
    steadyObjectWritesPerMin,
    steadyCpuSecondsPerMin,
    loadAverage,
    reconcileErrors,
    errorLines: reconcileErrors > 0 ? await operator.errorLines() : [],
  };
}
