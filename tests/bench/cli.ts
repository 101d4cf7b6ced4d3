/**
 * `deno task bench:cli`: what a laptop user waits for, measured as they run it (thv as a process from
 * source): `thv --version`, `thv list` (with one running workload, so it checks a PID, the engine and an
 * MCP ping), and `thv run` until the first successful tool call through the printed URL, for the Deno
 * sandbox (server-everything from npm, package already cached) and for Podman (server-everything in a
 * container built from local files). Each run is removed before the next. Prints a table and writes the
 * `cli` section of docs/benchmarks.md.
 *
 * `BENCH_RUNS` scales the repetitions (default 1 = the standard counts).
 * @module
 */
import "../harness/quiet_deprecations.ts";
import { connectClient, everythingImage, runThv, startPodman } from "../harness/mod.ts";
import { machineLine, summarize, SUMMARY_HEADER, summaryRow, timeRuns, writeBenchSection } from "./report.ts";

const scale = Math.max(1, Number(Deno.env.get("BENCH_RUNS") ?? "1"));
const rows: string[] = [];

function record(what: string, samples: number[]) {
  const row = summaryRow(what, summarize(samples));
  rows.push(row);
  console.log(row);
}

async function thv(args: string[], env: Record<string, string>): Promise<string> {
  const res = await runThv(args, env);
  if (res.code !== 0) throw new Error(`thv ${args.join(" ")} failed: ${res.stderr}`);
  return res.stdout;
}

async function firstCall(url: string): Promise<void> {
  const client = await connectClient(url);
  try {
    await client.callTool({ name: "echo", arguments: { message: "bench" } });
  } finally {
    await client.close();
  }
}

console.log(`machine: ${machineLine()}\n${SUMMARY_HEADER}`);
await using podman = await startPodman();
const image = await everythingImage(podman.docker);
const home = await Deno.makeTempDir({ prefix: "thv-bench-home-" });
const env = {
  HOME: home,
  XDG_CACHE_HOME: `${Deno.env.get("HOME")}/.cache/thv/test-xdg-cache`, // npm packages fetched once per machine
  PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
  TOOLHIVE_PODMAN_SOCKET: podman.socketPath,
};
try {
  await thv(["--version"], env); // warm Deno's module and type-check caches
  record("`thv --version` (process start to exit)", await timeRuns(10 * scale, () => thv(["--version"], env)));

  /** Times `thv run` → first tool call, then (untimed) `thv rm`; the rm is timed on its own. */
  const runToCall = async (target: string[], n: number) => {
    const run: number[] = [];
    const rm: number[] = [];
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      await firstCall((await thv(["run", "--name", "bench", ...target], env)).trim());
      run.push(performance.now() - t0);
      const t1 = performance.now();
      await thv(["rm", "bench"], env);
      rm.push(performance.now() - t1);
    }
    return { run, rm };
  };
  await runToCall(["everything"], 1); // fetches the package into the cache once
  const sandbox = await runToCall(["everything"], 5 * scale);
  record("`thv run everything` → first tool call (Deno sandbox)", sandbox.run);
  const podman = await runToCall(["--permission-profile", "none", image], 5 * scale);
  record("`thv run <image>` → first tool call (Podman, stdio)", podman.run);
  record("`thv rm` of a running workload (Deno sandbox)", sandbox.rm);
  record("`thv rm` of a running workload (Podman)", podman.rm);

  await thv(["run", "--name", "listed", "everything"], env);
  record("`thv list` (one running workload)", await timeRuns(10 * scale, () => thv(["list"], env)));
  await thv(["rm", "listed"], env);
} finally {
  await runThv(["rm", "bench"], env);
  await runThv(["rm", "listed"], env);
  await Deno.remove(home, { recursive: true });
}

const path = await writeBenchSection(
  "cli",
  [
    "## CLI (`deno task bench:cli`)",
    "",
    `Measured ${
      new Date().toISOString().slice(0, 10)
    } on ${machineLine()}. thv runs from source (\`deno run main.ts\`,`,
    "type-check cached), as `deno task thv` does; each `thv run` row ends at the first successful `tools/call` through",
    "the printed URL, from a fresh SDK client; the workload is then removed (timed apart) before the next run.",
    "",
    SUMMARY_HEADER,
    ...rows,
  ].join("\n"),
);
console.log(`wrote ${path}`);
