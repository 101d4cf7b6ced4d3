/**
 * `deno task bench:serve`: `thv serve` as a laptop user meets it. With `BENCH_WORKLOADS` (default 50) real
 * workloads of the sandbox probe fixture (`npx://<repo>/tests/fixtures/sandbox_probe`, Deno sandbox) started
 * with `thv run`: the latency of `GET /api/v1beta/workloads` (sequential, after a warm-up; with `?all` when
 * some could not be started and were saved stopped instead, which the section then says), and the web UI's
 * first load in Debian's Chromium through playwright-core: from `goto(<printed link>)` in a fresh browser
 * context to the workloads table showing every workload. Prints the figures and writes the `serve` section
 * of docs/benchmarks.md.
 *
 * - `BENCH_WORKLOADS` the number of workloads (default 50).
 * - `BENCH_RUNS` scales the repetitions (default 1: 200 requests, 5 page loads).
 * @module
 */
import "../harness/quiet_deprecations.ts";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { privateHome, runThv, startServe } from "../harness/mod.ts";
import { machineLine, ms, percentile, writeBenchSection } from "./report.ts";

const scale = Math.max(1, Number(Deno.env.get("BENCH_RUNS") ?? "1"));
const wanted = Math.max(1, Number(Deno.env.get("BENCH_WORKLOADS") ?? "50"));
const CACHE = `${Deno.env.get("HOME")}/.cache/thv/test-xdg-cache`;
const PROBE = `npx://${fileURLToPath(new URL("../fixtures/sandbox_probe", import.meta.url))}`;
const CHROMIUM = "/usr/bin/chromium";
const REQUESTS = 200 * scale;
const LOADS = 5 * scale;

interface Stats {
  readonly n: number;
  readonly p50: number;
  readonly p99: number;
  readonly min: number;
  readonly max: number;
}

function stats(samples: readonly number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    n: sorted.length,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    min: sorted[0]!,
    max: sorted.at(-1)!,
  };
}

const row = (what: string, s: Stats) =>
  `| ${what} | ${s.n} | ${ms(s.p50)} | ${ms(s.p99)} | ${ms(s.min)} | ${ms(s.max)} |`;
const HEADER = "| what | runs | p50 ms | p99 ms | min ms | max ms |\n| --- | --- | --- | --- | --- | --- |";

const load1 = () => (Deno.loadavg()[0] ?? 0).toFixed(1);
const loadBefore = load1();
console.log(`machine: ${machineLine()}, load average ${Deno.loadavg().join(" ")}`);
await using home = await privateHome({ XDG_CACHE_HOME: CACHE, TOOLHIVE_RUNTIME: "deno" });
const env = home.env;
const names = Array.from({ length: wanted }, (_, i) => `bench-${String(i).padStart(2, "0")}`);
let running = 0;
let stopped = 0;
const rows: string[] = [];
let uiNote = "";
try {
  const t0 = performance.now();
  for (const name of names) {
    const res = await runThv(["run", "--name", name, PROBE], env);
    if (res.code === 0) {
      running++;
      continue;
    }
    console.log(`thv run ${name} failed (${running} running): ${res.stderr.trim().split("\n")[0]}`);
    // Saved, then stopped: it is still listed (with ?all).
    const again = await runThv(["run", "--name", name, PROBE], env);
    if (again.code === 0 && (await runThv(["stop", name], env)).code === 0) stopped++;
  }
  console.log(`${running} running, ${stopped} stopped, started in ${((performance.now() - t0) / 1000).toFixed(0)} s`);

  await using serve = await startServe(env);
  const path = `/api/v1beta/workloads${stopped ? "?all=true" : ""}`;
  const get = async () => {
    const res = await serve.api(path);
    const body = await res.json() as { workloads: unknown[] };
    if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}: ${JSON.stringify(body)}`);
    return body.workloads.length;
  };
  const listed = await get();
  if (listed !== running + stopped) throw new Error(`GET ${path} lists ${listed} workloads, not ${running + stopped}`);
  for (let i = 0; i < 10; i++) await get();
  const latencies: number[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    const t = performance.now();
    await get();
    latencies.push(performance.now() - t);
  }
  const what = `\`GET ${path}\` (${running} running${stopped ? `, ${stopped} stopped` : ""}; sequential)`;
  rows.push(row(what, stats(latencies)));
  console.log(rows.at(-1));

  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: Deno.uid() === 0 ? ["--no-sandbox"] : [],
  });
  try {
    const loads: number[] = [];
    for (let i = 0; i <= LOADS; i++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      const t = performance.now();
      await page.goto(serve.uiLink);
      await page.locator(`tr[data-workload="${names[listed - 1]}"]`).waitFor({ timeout: 60_000 });
      const took = performance.now() - t;
      const shown = await page.locator("tr[data-workload]").count();
      if (shown < running) throw new Error(`the UI shows ${shown} workloads, not ${running}`);
      if (i > 0) loads.push(took); // the first load warms Chromium itself
      await context.close();
    }
    rows.push(row(`web UI first load → workloads table with all ${running} running (fresh context)`, stats(loads)));
    console.log(rows.at(-1));
  } catch (e) {
    uiNote = `The web UI load was not measured: ${String(e).split("\n")[0]}.`;
    console.log(uiNote);
  } finally {
    await browser.close();
  }
} finally {
  await runThv(["rm", "--group", "default"], env);
}

const load = `load average ${loadBefore} at the start, ${load1()} at the end`;
console.log(load);
const file = await writeBenchSection(
  "serve",
  [
    "## thv serve (`deno task bench:serve`)",
    "",
    `Measured ${new Date().toISOString().slice(0, 10)} on ${machineLine()} (${load}). thv serve runs from source`,
    `with ${running} sandbox workloads of the probe fixture running` +
    (stopped ? ` and ${stopped} saved stopped (they could not be started), so the list asks for \`?all\`` : "") +
    `. ${REQUESTS} sequential requests after a warm-up of 10.`,
    `The UI row times \`goto(<printed link>)\` in a fresh Chromium context (Debian's, headless, playwright-core)`,
    `until the workloads table shows the last workload, ${LOADS} loads after one that warms Chromium.`,
    ...(uiNote ? [uiNote] : []),
    "",
    HEADER,
    ...rows,
  ].join("\n"),
);
console.log(`wrote ${file}`);
