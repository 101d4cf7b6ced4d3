/**
 * The groups scenario of `bench:operator`, on the working tree only (the baseline has no MCPGroup): 500
 * MCPServers spread over 10 MCPGroups and 5 MCPToolConfigs they reference. Settled = every group lists exactly
 * its members, every config's referencingWorkloads is exact, and every server's status is written with its
 * group reported valid. Then the steady state: the operator's read and write requests and the objects written
 * (watch events on the servers, groups and configs) over several resync periods.
 * @module
 */
import { CustomObjectsApi, Watch } from "@kubernetes/client-node";
import { delay, pollUntil } from "../../lib/async/mod.ts";
import { type ControlPlane, kubectl, startControlPlane } from "../harness/mod.ts";
import type { SourceTree } from "./baseline.ts";
import { READS, startOperator, treeIdentity, WRITES } from "./operator_run.ts";

/** What the groups scenario measured. */
export interface GroupFigures {
  /** MCPServers, MCPGroups and MCPToolConfigs created. */
  readonly servers: number;
  readonly groups: number;
  readonly configs: number;
  /** Seconds from the first create until settled. */
  readonly settleSeconds: number;
  /** Requests until settled. */
  readonly settleReads: number;
  readonly settleWrites: number;
  /** Phases of the servers when settled, e.g. `Failed 500` (toolConfigRef still refused) or `Pending 500`. */
  readonly phases: string;
  /** Steady state, per minute. */
  readonly steadySeconds: number;
  readonly steadyReadsPerMin: number;
  readonly steadyWritesPerMin: number;
  readonly steadyObjectWritesPerMin: number;
  readonly steadyReconcilesPerMin: number;
  /** Failed reconciles over the pass. */
  readonly reconcileErrors: number;
}

const NAMESPACE = "bench";
const CONCURRENCY = 16;
const API = { group: "toolhive.stacklok.dev", version: "v1beta1", namespace: NAMESPACE };
// deno-lint-ignore no-explicit-any
type Json = Record<string, any>;

async function run(cp: ControlPlane, args: string[]): Promise<string> {
  const res = await kubectl(cp.kubeconfigPath, args);
  if (res.code !== 0) throw new Error(`kubectl ${args.slice(0, 2).join(" ")}: ${res.stderr.trim()}`);
  return res.stdout;
}

/** Whether every group, config and server shows what `servers` objects over `groups` and `configs` should. */
async function settled(custom: CustomObjectsApi, n: { servers: number; groups: number; configs: number }) {
  const list = async (plural: string) => ((await custom.listNamespacedCustomObject({ ...API, plural })) as Json).items;
  const expected = (count: number, i: number) =>
    Array.from({ length: n.servers }, (_, s) => s).filter((s) => s % count === i).map((s) => `s${s}`).sort();
  for (const g of await list("mcpgroups") as Json[]) {
    const i = Number(g.metadata.name.slice(1));
    if (g.status?.phase !== "Ready" || (g.status.servers ?? []).join() !== expected(n.groups, i).join()) return false;
  }
  for (const c of await list("mcptoolconfigs") as Json[]) {
    const i = Number(c.metadata.name.slice(2));
    const names = (c.status?.referencingWorkloads ?? []).map((r: Json) => r.name).sort();
    if (names.join() !== expected(n.configs, i).join()) return false;
  }
  const servers = await list("mcpservers") as Json[];
  return servers.length === n.servers && servers.every((s) =>
    s.status?.phase !== undefined &&
    s.status.conditions?.some((c: Json) => c.type === "GroupRefValidated" && c.status === "True")
  );
}

/** Counts watch events on the bench namespace's servers, groups and configs from now on. */
async function watchWrites(cp: ControlPlane): Promise<{ count(): number } & Disposable> {
  let events = 0;
  const watches: AbortController[] = [];
  for (const plural of ["mcpservers", "mcpgroups", "mcptoolconfigs"]) {
    const path = `/apis/toolhive.stacklok.dev/v1beta1/namespaces/${NAMESPACE}/${plural}`;
    const rv = JSON.parse(await run(cp, ["get", "--raw", `${path}?limit=1`])).metadata.resourceVersion;
    watches.push(await new Watch(cp.adminConfig()).watch(path, { resourceVersion: rv }, () => events++, () => {}));
  }
  return { count: () => events, [Symbol.dispose]: () => watches.forEach((w) => w.abort()) };
}

/** Runs the groups scenario for `tree` on a control plane of its own. */
export async function benchGroups(
  tree: SourceTree,
  options: { servers: number; groups: number; configs: number; steadySeconds: number; resyncSeconds: number },
): Promise<GroupFigures> {
  const { servers, groups, configs, steadySeconds } = options;
  await using cp = await startControlPlane();
  await run(cp, ["apply", "--server-side", "-f", `${tree.root}crds/generated/`]);
  await run(cp, ["wait", "--for=condition=Established", "crd", "--all"]);
  await run(cp, ["create", "namespace", NAMESPACE]);
  const kubeconfig = await treeIdentity(cp, tree);
  await (await startOperator(cp, tree, { kubeconfig, resyncSeconds: options.resyncSeconds }))[Symbol.asyncDispose]();
  await using operator = await startOperator(cp, tree, { kubeconfig, resyncSeconds: options.resyncSeconds });
  const custom = cp.adminConfig().makeApiClient(CustomObjectsApi);
  const create = (plural: string, body: Json) => custom.createNamespacedCustomObject({ ...API, plural, body });
  const object = (kind: string, name: string, spec: Json) => ({
    apiVersion: "toolhive.stacklok.dev/v1beta1",
    kind,
    metadata: { name },
    spec,
  });

  const t0 = performance.now();
  for (let i = 0; i < groups; i++) await create("mcpgroups", object("MCPGroup", `g${i}`, {}));
  for (let i = 0; i < configs; i++) {
    await create("mcptoolconfigs", object("MCPToolConfig", `tc${i}`, { toolsFilter: [`tool${i}`] }));
  }
  let next = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < servers) {
      const i = next++;
      await create(
        "mcpservers",
        object("MCPServer", `s${i}`, {
          image: "example/mcp:1",
          transport: i % 2 ? "stdio" : "streamable-http",
          mcpPort: 3000,
          groupRef: { name: `g${i % groups}` },
          toolConfigRef: { name: `tc${i % configs}` },
        }),
      );
    }
  }));
  await pollUntil(() => settled(custom, { servers, groups, configs }), {
    deadline: 120_000 + servers * 1_000,
    interval: 500,
    what: `${groups} groups and ${configs} configs listing ${servers} servers, every server's status written`,
  });
  const settleSeconds = (performance.now() - t0) / 1000;
  await pollUntil(async () => (await operator.metric("thv_operator_queue_depth")) === 0, {
    deadline: 120_000,
    interval: 200,
    what: "the operator queue to drain",
  });
  await delay(2_000);
  const settleReads = await operator.metric(READS);
  const settleWrites = await operator.metric(WRITES);
  const items = ((await custom.listNamespacedCustomObject({ ...API, plural: "mcpservers" })) as Json).items as Json[];
  const byPhase = new Map<string, number>();
  for (const s of items) byPhase.set(s.status.phase, (byPhase.get(s.status.phase) ?? 0) + 1);
  const phases = [...byPhase].sort().map(([p, c]) => `${p} ${c}`).join(", ");

  using watched = await watchWrites(cp);
  const [writes0, reads0, reconciles0] = [
    await operator.metric(WRITES),
    await operator.metric(READS),
    await operator.metric("thv_operator_reconciles_total"),
  ];
  await delay(steadySeconds * 1_000);
  const minutes = steadySeconds / 60;
  return {
    servers,
    groups,
    configs,
    settleSeconds,
    settleReads,
    settleWrites,
    phases,
    steadySeconds,
    steadyReadsPerMin: (await operator.metric(READS) - reads0) / minutes,
    steadyWritesPerMin: (await operator.metric(WRITES) - writes0) / minutes,
    steadyObjectWritesPerMin: watched.count() / minutes,
    steadyReconcilesPerMin: (await operator.metric("thv_operator_reconciles_total") - reconciles0) / minutes,
    reconcileErrors: await operator.metric("thv_operator_reconcile_errors_total"),
  };
}

/** The markdown table of the groups scenario. */
export function groupsTable(label: string, f: GroupFigures, resyncSeconds: number): string {
  const perMin = (v: number) => v.toFixed(0);
  return [
    `| what | current ${label} |`,
    "| --- | --- |",
    `| MCPServers, MCPGroups, MCPToolConfigs | ${f.servers}, ${f.groups}, ${f.configs} |`,
    `| settle: groups list their members, configs their referrers, servers' status written | ${
      f.settleSeconds.toFixed(1)
    } s |`,
    `| API requests until settled (reads, writes) | ${
      f.settleReads + f.settleWrites
    } (${f.settleReads}, ${f.settleWrites}) |`,
    `| servers' phases when settled | ${f.phases} |`,
    `| resync period | ${resyncSeconds} s |`,
    `| steady state: API reads per minute besides watches (over ${f.steadySeconds} s) | ${
      perMin(f.steadyReadsPerMin)
    } |`,
    `| steady state: API writes per minute (must be 0) | ${perMin(f.steadyWritesPerMin)} |`,
    `| steady state: servers, groups and configs written per minute (must be 0) | ${
      perMin(f.steadyObjectWritesPerMin)
    } |`,
    `| steady state: reconciles per minute | ${perMin(f.steadyReconcilesPerMin)} |`,
    `| failed reconciles | ${f.reconcileErrors} |`,
  ].join("\n");
}
