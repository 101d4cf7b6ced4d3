/**
 * `deno task bench` (second part): figures of the e2e tier's single-node cluster: start to node Ready (and to
 * everything ready: CoreDNS Available, kube-router's rules), `kubectl apply` → pod Ready, memory of the idle
 * cluster per component, and teardown. Writes the `node` section of docs/benchmarks.md.
 *
 * `BENCH_RUNS` scales the repetitions (default 1 = the standard counts).
 * @module
 */
import "../harness/quiet_deprecations.ts";
import { BUSYBOX_IMAGE, type NodeCluster, startCluster } from "../harness/mod.ts";
import { processesMentioning } from "../harness/node/host.ts";
import { machineLine, summarize, SUMMARY_HEADER, summaryRow, writeBenchSection } from "./report.ts";

const scale = Math.max(1, Number(Deno.env.get("BENCH_RUNS") ?? "1"));
const rows: string[] = [];

function record(what: string, samples: number[]) {
  const row = summaryRow(what, summarize(samples));
  rows.push(row);
  console.log(row);
}

async function kib(pid: number, file: string, key: string): Promise<number> {
  const text = await Deno.readTextFile(`/proc/${pid}/${file}`).catch(() => "");
  return Number(text.match(new RegExp(`^${key}:\\s+(\\d+)`, "m"))?.[1] ?? 0);
}

/** RSS and PSS in MiB of each component, the containerd shims, and the processes in pods. */
async function memory(cluster: NodeCluster): Promise<string[][]> {
  const table: string[][] = [];
  let rss = 0, pss = 0;
  const add = async (label: string, pids: number[]) => {
    let r = 0, p = 0;
    for (const pid of pids) {
      r += await kib(pid, "status", "VmRSS");
      p += await kib(pid, "smaps_rollup", "Pss");
    }
    rss += r;
    pss += p;
    table.push([label, (r / 1024).toFixed(0), (p / 1024).toFixed(0)]);
  };
  for (const [name, pid] of Object.entries(cluster.pids())) await add(name, [pid]);
  const shims = (await processesMentioning(`${cluster.root}/containerd/containerd.sock`))
    .filter((x) => x.cmdline.includes("containerd-shim")).map((x) => x.pid);
  await add(`containerd shims (${shims.length})`, shims);
  // Pod processes: descendants of the shims.
  const parents = new Map<number, number>();
  for await (const e of Deno.readDir("/proc")) {
    if (!/^\d+$/.test(e.name)) continue;
    const stat = await Deno.readTextFile(`/proc/${e.name}/stat`).catch(() => "");
    parents.set(Number(e.name), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
  }
  const inPods = new Set<number>(shims);
  for (let grown = true; grown;) {
    grown = false;
    for (const [pid, ppid] of parents) {
      if (!inPods.has(pid) && inPods.has(ppid)) {
        inPods.add(pid);
        grown = true;
      }
    }
  }
  for (const s of shims) inPods.delete(s);
  await add(`pod processes (${inPods.size}: pause, CoreDNS)`, [...inPods]);
  table.push(["**total**", (rss / 1024).toFixed(0), (pss / 1024).toFixed(0)]);
  return table;
}

console.log(`machine: ${machineLine()}\n${SUMMARY_HEADER}`);
const nodeReady: number[] = [];
const allReady: number[] = [];
const teardown: number[] = [];
const applyToReady: number[] = [];
let memoryTable: string[][] = [];
for (let run = 0; run < 2 * scale; run++) {
  const t0 = performance.now();
  const cluster = await startCluster();
  console.error(`cluster up in ${(performance.now() - t0).toFixed(0)} ms`);
  nodeReady.push(cluster.timings.nodeReadyMs);
  allReady.push(cluster.timings.readyMs);
  try {
    if (run === 0) {
      // Idle: give the controllers' start-up work half a minute to settle before measuring.
      await new Promise((r) => setTimeout(r, 30_000));
      memoryTable = await memory(cluster);
      for (let i = 0; i < 5 * scale; i++) {
        const name = `bench-${i}`;
        const pod = {
          apiVersion: "v1",
          kind: "Pod",
          metadata: { name },
          spec: {
            terminationGracePeriodSeconds: 1,
            containers: [{ name: "sh", image: BUSYBOX_IMAGE, imagePullPolicy: "Never", command: ["sleep", "3600"] }],
          },
        };
        const t = performance.now();
        const applied = await cluster.kubectl(["apply", "-f", "-"], JSON.stringify(pod));
        if (applied.code !== 0) throw new Error(`kubectl apply failed: ${applied.stderr}`);
        const waited = await cluster.kubectl(["wait", "--for=condition=Ready", `pod/${name}`, "--timeout=120s"]);
        if (waited.code !== 0) throw new Error(`pod ${name} did not become Ready: ${waited.stderr}`);
        applyToReady.push(performance.now() - t);
      }
    }
  } finally {
    const t = performance.now();
    await cluster.stop();
    teardown.push(performance.now() - t);
  }
}
record("cluster start → node Ready (certificates, 7 processes)", nodeReady);
record("cluster start → ready (+ CoreDNS Available, kube-router rules)", allReady);
record("`kubectl apply` one pod → Ready (kubectl wait)", applyToReady);
record("teardown (pods, processes, host state restored)", teardown);
console.table(memoryTable);

const path = await writeBenchSection(
  "node",
  [
    "## Single-node cluster of the e2e tier (`deno task bench`)",
    "",
    `Measured ${new Date().toISOString().slice(0, 10)} on ${machineLine()}; kubelet, containerd, kube-proxy, ` +
    "CoreDNS and kube-router v1.33.13 on this machine (tests/harness/cluster.ts).",
    "",
    SUMMARY_HEADER,
    ...rows,
    "",
    "Memory of the idle cluster (30 s after the start, no test pods):",
    "",
    "| process | RSS MiB | PSS MiB |",
    "| --- | --- | --- |",
    ...memoryTable.map((r) => `| ${r.join(" | ")} |`),
  ].join("\n"),
);
console.log(`wrote ${path}`);
