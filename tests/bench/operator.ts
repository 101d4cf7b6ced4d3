/**
 * `deno task bench:operator`: the operator of a baseline commit (BENCH_BASELINE_REF, default f9fe678, the
 * operator before the controller framework) and the operator of this working tree, side by side in one run.
 * Each pass gets a fresh control plane and N MCPServers (BENCH_SERVERS, default 500); see operator_run.ts for
 * what is measured. BENCH_ROUNDS (default 1) repeats the pair, alternating which goes first, and reports the
 * median of each figure, since the machine's other tenants make single wall-clock figures noisy. Prints one
 * table with both columns and their ratio and writes it to the `operator` section of docs/benchmarks.md. Fails
 * when either operator's reconciles fail or its steady state writes.
 * @module
 */
import "../harness/quiet_deprecations.ts";
import { REPO_ROOT } from "../harness/mod.ts";
import { baselineTree, type SourceTree, workingTree } from "./baseline.ts";
import { benchOperator, OPERATOR_V8_FLAGS_ARG, type OperatorFigures } from "./operator_run.ts";
import { benchGroups, groupsTable } from "./operator_groups.ts";
import { combinePasses, comparisonTable, type MeasuredTree } from "./operator_table.ts";
import { machineLine, writeBenchSection } from "./report.ts";

const options = {
  servers: Number(Deno.env.get("BENCH_SERVERS") ?? "500"),
  steadySeconds: Number(Deno.env.get("BENCH_STEADY_SECONDS") ?? "60"),
  resyncSeconds: 20,
};
const baselineRef = Deno.env.get("BENCH_BASELINE_REF") ?? "f9fe678";
const rounds = Number(Deno.env.get("BENCH_ROUNDS") ?? "1");
if (!Number.isInteger(rounds) || rounds < 1) throw new RangeError(`BENCH_ROUNDS ${rounds}: give a whole number ≥ 1`);

const current = await workingTree(REPO_ROOT);
const passes: [OperatorFigures[], OperatorFigures[]] = [[], []];
let baselineLabel = baselineRef;
{
  await using baseline = await baselineTree(REPO_ROOT, baselineRef);
  baselineLabel = baseline.label;
  const trees: [SourceTree, SourceTree] = [baseline, current];
  for (let round = 0; round < rounds; round++) {
    // Alternate the order (AB, BA, AB…) so that neither tree always runs on a warmer or quieter machine.
    for (const i of round % 2 ? [1, 0] : [0, 1]) {
      const tree = trees[i]!;
      console.error(`bench:operator: round ${round + 1}/${rounds}, ${tree.label}, ${options.servers} MCPServers`);
      passes[i]!.push(await benchOperator(tree, options));
    }
  }
}
console.error(`bench:operator: groups scenario, ${current.label}, ${options.servers} MCPServers`);
const groups = await benchGroups(current, { ...options, groups: 10, configs: 5 });
const before: MeasuredTree = { label: baselineLabel, figures: combinePasses(passes[0]) };
const after: MeasuredTree = { label: current.label, figures: combinePasses(passes[1]) };
const table = comparisonTable(before, after);
console.log(`machine: ${machineLine()}\n${table}`);
const order = rounds > 1 ? ` (${rounds} rounds, alternating which goes first; each figure is the median)` : "";
const intro =
  `Measured ${new Date().toISOString().slice(0, 10)} on ${machineLine()}: the operator of ${before.label} ` +
  `(BENCH_BASELINE_REF) and of the working tree (${after.label}), one after the other in one run${order}, each ` +
  "against a fresh etcd + kube-apiserver on the same machine with its own CRDs, as its own process under its own " +
  `chart RBAC, both with \`${OPERATOR_V8_FLAGS_ARG}\` (the V8 flags thv's launchers set). Settled = every ` +
  "server's children exist: ServiceAccount, Role and RoleBinding for the proxy " +
  "runner, the MCP pod's ServiceAccount, the RunConfig ConfigMap, the proxy Deployment and Service. Requests " +
  "come from the operator's `thv_operator_api_requests_total`, objects written are watch events in the " +
  "namespace, CPU is the operator process's user + system time. Other tenants share the machine: wall-clock " +
  "figures move with the load average (last row), CPU seconds much less.";
const groupsIntro = `The working tree alone (the baseline has no MCPGroup): ${groups.servers} MCPServers, each in ` +
  `one of ${groups.groups} MCPGroups and referencing one of ${groups.configs} MCPToolConfigs, on a fresh control ` +
  "plane. Settled = every group's `status.servers` is exactly its members, every config's " +
  "`referencingWorkloads` is exactly its referrers, and every server's status is written with " +
  "`GroupRefValidated=True`. Each server's children (RBAC, RunConfig with its tool filter, proxy Deployment and " +
  "Service) are applied too; a control plane runs no pods, so servers settle Pending. Objects written are " +
  "watch events on the namespace's MCPServers, MCPGroups and MCPToolConfigs.";
const groupsSection = `### MCPGroups and shared configs\n\n${groupsIntro}\n\n${
  groupsTable(current.label, groups, options.resyncSeconds)
}\n`;
console.log(groupsTable(current.label, groups, options.resyncSeconds));
await writeBenchSection(
  "operator",
  `## Operator (\`deno task bench:operator\`)\n\n${intro}\n\n${table}\n\n${groupsSection}`,
);

const problems = (label: string, f: OperatorFigures) => [
  ...(f.reconcileErrors > 0
    ? [`${label}: ${f.reconcileErrors} failed reconciles; first: ${f.errorLines.join("\n")}`]
    : []),
  ...(f.steadyWritesPerMin !== 0 || f.steadyObjectWritesPerMin !== 0
    ? [`${label}: steady state is not write-free`]
    : []),
];
const failed = [
  ...problems(before.label, before.figures),
  ...problems(after.label, after.figures),
  ...(groups.reconcileErrors > 0 ? [`groups scenario: ${groups.reconcileErrors} failed reconciles`] : []),
  ...(groups.steadyWritesPerMin !== 0 || groups.steadyObjectWritesPerMin !== 0
    ? ["groups scenario: steady state is not write-free"]
    : []),
];
for (const line of failed) console.error(`bench:operator: ${line}`);
if (failed.length > 0) Deno.exitCode = 1;
