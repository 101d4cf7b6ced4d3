/**
 * `deno task bench:cli`: what a laptop user waits for, measured as they run it: thv as a process, from source
 * (`deno run … main.ts`, Deno's module and code caches warm, as `deno task thv` runs it): `thv --version`,
 * `thv list` (with one running workload, so it checks a PID, the engine and an MCP ping), and `thv run` until
 * the first successful tool call through the printed URL, for the Deno sandbox (server-everything from npm,
 * package already cached) and for Podman (server-everything in a container built from local files). Each run
 * is removed before the next. Prints a table and writes the `cli` section of docs/benchmarks.md, with the
 * start-up aims of docs/decisions/014-start-up.md.
 *
 * - `BENCH_RUNS` scales the repetitions (default 1 = the standard counts).
 * - `BENCH_BASELINE_REF=<git ref>` measures that commit too (from a temporary worktree), each repetition of the
 *   two taken in turn, so both meet the same load on a shared machine: a before/after in one run.
 * - `THV_BIN=<path>` measures a compiled thv (`deno task compile`) too.
 * @module
 */
import "../harness/quiet_deprecations.ts";
import { THV_PERMISSIONS } from "../../lib/config/mod.ts";
import { connectClient, everythingImage, REPO_ROOT, startPodman, type ThvResult } from "../harness/mod.ts";
import { machineLine, summarize, SUMMARY_HEADER, summaryRow, writeBenchSection } from "./report.ts";

const scale = Math.max(1, Number(Deno.env.get("BENCH_RUNS") ?? "1"));
const baselineRef = Deno.env.get("BENCH_BASELINE_REF");
const binary = Deno.env.get("THV_BIN");
const DENO_DIR = Deno.env.get("DENO_DIR") ?? `${Deno.env.get("HOME")}/.cache/deno`;

/** One way of running thv: this checkout from source, a baseline checkout, or a compiled binary. */
interface Variant {
  readonly label: string;
  readonly command: readonly string[];
  readonly cwd: string;
  readonly home: string;
}

function fromSource(label: string, root: string, home: string): Variant {
  return { label, command: [Deno.execPath(), "run", ...THV_PERMISSIONS, "main.ts"], cwd: root, home };
}

async function git(args: string[]): Promise<void> {
  const out = await new Deno.Command("git", { args, cwd: REPO_ROOT, stdout: "null", stderr: "piped" }).output();
  if (!out.success) throw new Error(`git ${args.join(" ")} failed: ${new TextDecoder().decode(out.stderr)}`);
}

/** A worktree of `ref` with its npm packages installed; removed on dispose. */
async function baselineCheckout(ref: string): Promise<AsyncDisposable & { root: string }> {
  const root = await Deno.makeTempDir({ prefix: "thv-bench-baseline-" });
  await git(["worktree", "add", "--detach", root, ref]);
  const install = await new Deno.Command(Deno.execPath(), {
    args: ["install", "--frozen"],
    cwd: root,
    stdout: "null",
    stderr: "piped",
  }).output();
  if (!install.success) throw new Error(`deno install in ${root} failed: ${new TextDecoder().decode(install.stderr)}`);
  return { root, [Symbol.asyncDispose]: () => git(["worktree", "remove", "--force", root]) };
}

console.log(`machine: ${machineLine()}, load average ${Deno.loadavg().join(" ")}\n${SUMMARY_HEADER}`);
await using podman = await startPodman();
const image = await everythingImage(podman.docker);
const homes: string[] = [];
const home = async () => (homes.push(await Deno.makeTempDir({ prefix: "thv-bench-home-" })), homes.at(-1)!);
const variants: Variant[] = [fromSource("", REPO_ROOT, await home())];
await using baseline = baselineRef ? await baselineCheckout(baselineRef) : undefined;
if (baseline) variants.push(fromSource(` [baseline ${baselineRef}]`, baseline.root, await home()));
if (binary) variants.push({ label: " [compiled]", command: [binary], cwd: REPO_ROOT, home: await home() });
const load1 = () => (Deno.loadavg()[0] ?? 0).toFixed(1);
const loadBefore = load1();

/** Runs `thv <args>` as `variant` with only a user's environment (as tests/harness/thv.ts does). */
async function thv(variant: Variant, args: string[], options: { check?: boolean } = {}): Promise<ThvResult> {
  const out = await new Deno.Command(variant.command[0]!, {
    args: [...variant.command.slice(1), ...args],
    cwd: variant.cwd,
    env: {
      NO_COLOR: "1",
      DENO_DIR,
      HOME: variant.home,
      XDG_CACHE_HOME: `${Deno.env.get("HOME")}/.cache/thv/test-xdg-cache`, // npm packages fetched once per machine
      PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
      TOOLHIVE_PODMAN_SOCKET: podman.socketPath,
    },
    clearEnv: true,
  }).output();
  const dec = new TextDecoder();
  const res = { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
  if (options.check !== false && res.code !== 0) throw new Error(`thv ${args.join(" ")} failed: ${res.stderr}`);
  return res;
}

async function firstCall(url: string): Promise<void> {
  const client = await connectClient(url);
  try {
    await client.callTool({ name: "echo", arguments: { message: "bench" } });
  } finally {
    await client.close();
  }
}

/** Samples of one measured thing, per variant. */
type Samples = Map<Variant, number[]>;
const samples = (): Samples => new Map(variants.map((v) => [v, []]));

/** Times `fn` `n` times for each variant, the variants in turn within each repetition. */
async function timeEach(n: number, fn: (v: Variant) => Promise<unknown>, into = samples()): Promise<Samples> {
  for (let i = 0; i < n; i++) {
    for (const variant of variants) {
      const t0 = performance.now();
      await fn(variant);
      into.get(variant)!.push(performance.now() - t0);
    }
  }
  return into;
}

const rows: string[] = [];
function record(what: string, measured: Samples) {
  for (const [variant, values] of measured) {
    const row = summaryRow(`${what}${variant.label}`, summarize(values));
    rows.push(row);
    console.log(row);
  }
}

// Podman's container names are the machine's: not another run's, nor another variant's.
const nameOf = (variant: Variant) => `bench-${Deno.pid}-${variants.indexOf(variant)}`;
try {
  for (const variant of variants) await thv(variant, ["--version"]); // warm Deno's module and code caches
  record("`thv --version` (process start to exit)", await timeEach(10 * scale, (v) => thv(v, ["--version"])));

  /** Times `thv run` → first tool call, then (untimed) `thv rm`; the rm is timed on its own. */
  const runToCall = async (target: string[], n: number) => {
    const run = samples();
    const rm = samples();
    for (let i = 0; i < n; i++) {
      await timeEach(
        1,
        async (v) => await firstCall((await thv(v, ["run", "--name", nameOf(v), ...target])).stdout.trim()),
        run,
      );
      await timeEach(1, (v) => thv(v, ["rm", nameOf(v)]), rm);
    }
    return { run, rm };
  };
  await runToCall(["everything"], 1); // fetches the package into the cache once
  const sandbox = await runToCall(["everything"], 5 * scale);
  record("`thv run everything` → first tool call (Deno sandbox)", sandbox.run);
  const container = await runToCall(["--permission-profile", "none", image], 5 * scale);
  record("`thv run <image>` → first tool call (Podman, stdio)", container.run);
  record("`thv rm` of a running workload (Deno sandbox)", sandbox.rm);
  record("`thv rm` of a running workload (Podman)", container.rm);

  for (const variant of variants) await thv(variant, ["run", "--name", `${nameOf(variant)}-listed`, "everything"]);
  record("`thv list` (one running workload)", await timeEach(10 * scale, (v) => thv(v, ["list"])));
} finally {
  for (const variant of variants) {
    await thv(variant, ["rm", nameOf(variant)], { check: false });
    await thv(variant, ["rm", `${nameOf(variant)}-listed`], { check: false });
  }
  for (const dir of homes) await Deno.remove(dir, { recursive: true });
}

const load = `load average ${loadBefore} at the start, ${load1()} at the end`;
console.log(load);
const path = await writeBenchSection(
  "cli",
  [
    "## CLI (`deno task bench:cli`)",
    "",
    `Measured ${new Date().toISOString().slice(0, 10)} on ${machineLine()} (${load}). thv runs from source`,
    "(`deno run main.ts`, with Deno's module and code caches warm), as `deno task thv` does" +
    (baselineRef ? `; rows marked [baseline ${baselineRef}] are that commit, measured in turn with this one` : "") +
    (binary ? "; rows marked [compiled] are the binary of `deno task compile`" : "") + ".",
    "Each `thv run` row ends at the first successful `tools/call` through the printed URL, from a fresh SDK client;",
    "the workload is then removed (timed apart) before the next run. Aims (docs/decisions/014-start-up.md):",
    "`thv --version` ≤ 60 ms, `thv run` → first tool call ≤ 300 ms.",
    "",
    SUMMARY_HEADER,
    ...rows,
  ].join("\n"),
);
console.log(`wrote ${path}`);
