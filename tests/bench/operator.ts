/**
 * `deno task bench:operator`: the operator of a baseline commit (BENCH_BASELINE_REF, default f9fe678, the
 * operator before the controller framework) and the operator of this working tree, side by side in one run.
 * Each gets a fresh control plane and N MCPServers (BENCH_SERVERS, default 500); see operator_run.ts for what
 * is measured. Prints one table with both columns and their ratio and writes it to the `operator` section of
 * docs/benchmarks.md. Fails when either operator's reconciles fail or its steady state writes.
 * @module
 */
import "../harness/quiet_deprecations.ts";
import { REPO_ROOT } from "../harness/mod.ts";
import { baselineTree, type SourceTree, workingTree } from "./baseline.ts";
import { benchOperator, type OperatorFigures } from "./operator_run.ts";
import { comparisonTable, type MeasuredTree } from "./operator_table.ts";
import { machineLine, writeBenchSection } from "./report.ts";

const options = {
  servers: Number(Deno.env.get("BENCH_SERVERS") ?? "500"),
  steadySeconds: Number(Deno.env.get("BENCH_STEADY_SECONDS") ?? "60"),
  resyncSeconds: 20,
};
const baselineRef = Deno.env.get("BENCH_BASELINE_REF") ?? "f9fe678";

const current = await workingTree(REPO_ROOT);
const measured: MeasuredTree[] = [];
{
  await using baseline = await baselineTree(REPO_ROOT, baselineRef);
  for (const tree of [baseline, current] as SourceTree[]) {
    console.error(`bench:operator: ${tree.label}, ${options.servers} MCPServers`);
    measured.push({ label: tree.label, figures: await benchOperator(tree, options) });
  }
}
const [before, after] = measured as [MeasuredTree, MeasuredTree];
const table = comparisonTable(before, after);
console.log(`machine: ${machineLine()}\n${table}`);
await writeBenchSection(
  "operator",
  `## Operator (\`deno task bench:operator\`)\n\nMeasured ${
    new Date().toISOString().slice(0, 10)
  } on ${machineLine()}: ` +
    `the operator of ${before.label} (BENCH_BASELINE_REF) and of the working tree (${after.label}), one after the ` +
    "other in one run, each against a fresh etcd + kube-apiserver on the same machine with its own CRDs, as its own " +
    "process under its own chart RBAC. Settled = every server's children exist: ServiceAccount, Role and " +
    "RoleBinding for the proxy runner, the MCP pod's ServiceAccount, the RunConfig ConfigMap, the proxy Deployment " +
    "and Service. Steady-state requests come from the operator's `thv_operator_api_requests_total`; objects " +
    `written are watch events in the namespace.\n\n${table}\n`,
);

const problems = (label: string, f: OperatorFigures) => [
  ...(f.reconcileErrors > 0
    ? [`${label}: ${f.reconcileErrors} failed reconciles; first: ${f.errorLines.join("\n")}`]
    : []),
  ...(f.steadyWritesPerMin !== 0 || f.steadyObjectWritesPerMin !== 0
    ? [`${label}: steady state is not write-free`]
    : []),
];
const failed = measured.flatMap((m) => problems(m.label, m.figures));
for (const line of failed) console.error(`bench:operator: ${line}`);
if (failed.length > 0) Deno.exitCode = 1;
