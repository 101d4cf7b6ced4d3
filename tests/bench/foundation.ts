/**
 * `deno task bench`: figures for the foundation, in one run: how fast the `thv` program starts, how long
 * the test control plane and the Podman service take to come up, how long a test image takes to build,
 * and the round trip of a JSON-RPC line through a container's stdio attach (the path a stdio MCP server in
 * a container will take). Prints a table and writes the `foundation` section of docs/benchmarks.md.
 *
 * `BENCH_RUNS` scales the repetitions (default 1 = the standard counts).
 * @module
 */
import "../harness/quiet_deprecations.ts";
import { attachStdio } from "../../lib/runtime/docker/mod.ts";
import { buildTestImage, LineReader, runThv, startControlPlane, startPodman } from "../harness/mod.ts";
import { machineLine, summarize, SUMMARY_HEADER, summaryRow, timeRuns, writeBenchSection } from "./report.ts";

const scale = Math.max(1, Number(Deno.env.get("BENCH_RUNS") ?? "1"));
const rows: string[] = [];
const notes: string[] = [];

function record(what: string, samples: number[]) {
  const row = summaryRow(what, summarize(samples));
  rows.push(row);
  console.log(row);
}

async function thv(args: string[]): Promise<void> {
  const res = await runThv(args, { TOOLHIVE_RUNTIME: "deno" });
  if (res.code !== 0) throw new Error(`thv ${args.join(" ")} failed: ${res.stderr}`);
}

console.log(`machine: ${machineLine()}\n${SUMMARY_HEADER}`);

await thv(["--version"]); // warm the module cache and type-check cache
record("`thv --version` (process start to exit)", await timeRuns(10 * scale, () => thv(["--version"])));
record("`thv runtime check` (Deno sandbox)", await timeRuns(10 * scale, () => thv(["runtime", "check"])));

record(
  "control plane start → /readyz (etcd + kube-apiserver)",
  await timeRuns(3 * scale, async () => {
    const cp = await startControlPlane();
    await cp.stop();
  }),
);

record(
  "Podman service start → ping",
  await timeRuns(3 * scale, async () => {
    const p = await startPodman();
    await p.stop();
  }),
);

{
  await using podman = await startPodman();
  const { docker } = podman;
  record(
    "test image build (busybox rootfs, import)",
    await timeRuns(5 * scale, () => buildTestImage(docker, { tag: "localhost/thv-bench-cat:1", cmd: ["/bin/cat"] })),
  );
  await buildTestImage(docker, { tag: "localhost/thv-bench-cat:1", cmd: ["/bin/cat"], applets: ["cat"] });
  const container = await docker.createContainer({
    Image: "localhost/thv-bench-cat:1",
    OpenStdin: true,
    StdinOnce: true,
    AttachStdin: true,
    AttachStdout: true,
    Tty: false,
    HostConfig: { NetworkMode: "none" },
  });
  try {
    const io = await attachStdio(docker, container.id);
    await container.start();
    const lines = new LineReader(io.stdout);
    const line = (i: number) => JSON.stringify({ jsonrpc: "2.0", id: i, method: "tools/call", params: { n: i } });
    let i = 0;
    const roundTrips = await timeRuns(500 * scale, async () => {
      const sent = line(i++);
      io.stdin.write(`${sent}\n`);
      if ((await lines.next()) !== sent) throw new Error("attach returned a different line");
    });
    record("JSON-RPC line round trip through a container attach (cat)", roundTrips);

    const burst = 20_000 * scale;
    const sent = Array.from({ length: burst }, (_, k) => line(k));
    const bytes = sent.reduce((n, l) => n + l.length + 1, 0);
    const t0 = performance.now();
    for (const l of sent) io.stdin.write(`${l}\n`);
    for (const l of sent) {
      if ((await lines.next()) !== l) throw new Error("attach returned lines out of order or changed");
    }
    const seconds = (performance.now() - t0) / 1000;
    const note = `Pipelined through the attach, every line checked in order: ${burst} lines ` +
      `(${(bytes / 2 ** 20).toFixed(1)} MiB) in ${seconds.toFixed(3)} s = ${Math.round(burst / seconds)} lines/s, ` +
      `${(bytes / 2 ** 20 / seconds).toFixed(1)} MiB/s.`;
    notes.push(note);
    console.log(note);
    io.stdin.end();
    await container.wait();
    io.close();
  } finally {
    await container.remove({ force: true });
  }
}

const path = await writeBenchSection(
  "foundation",
  [
    "## Foundation (`deno task bench`)",
    "",
    `Measured ${new Date().toISOString().slice(0, 10)} on ${machineLine()}.`,
    "",
    SUMMARY_HEADER,
    ...rows,
    "",
    ...notes,
  ].join("\n"),
);
console.log(`wrote ${path}`);
