/**
 * The tables of the cluster bench (markdown, for the terminal and the `cluster` section of docs/benchmarks.md).
 * @module
 */
import type { LoadResult } from "./cluster_load.ts";
import type { FirstCall } from "./cluster_servers.ts";
import { STEPS } from "./cluster_timeline.ts";
import type { ContainerMemory } from "./pod_usage.ts";
import { ms, summarize, SUMMARY_HEADER, summaryRow } from "./report.ts";

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor((sorted.length - 1) / 2)]! : NaN;
};
const row = (cells: readonly (string | number)[]) => `| ${cells.join(" | ")} |`;
const header = (cells: readonly string[]) => [row(cells), row(cells.map(() => "---"))];

/** Apply → first call per transport (summary), then the median time at which each step was seen. */
export function firstCallTables(samples: Readonly<Record<string, readonly FirstCall[]>>): string[] {
  const transports = Object.keys(samples);
  const out = [SUMMARY_HEADER];
  for (const t of transports) {
    out.push(
      summaryRow(`\`kubectl apply\` → first \`echo\` answered, ${t}`, summarize(samples[t]!.map((s) => s.totalMs))),
    );
  }
  out.push("", ...header(["step seen (median ms after the apply)", ...transports]));
  for (const step of STEPS) {
    out.push(row([
      step,
      ...transports.map((t) => {
        const seen = samples[t]!.map((s) => s.steps[step]).filter((v): v is number => v !== undefined);
        return seen.length ? ms(median(seen)) : "–";
      }),
    ]));
  }
  out.push(
    row([
      "first `echo` answered through the proxy Service",
      ...transports.map((t) => ms(median(samples[t]!.map((s) => s.totalMs)))),
    ]),
  );
  out.push(
    "",
    `every sample (ms): ${
      transports.map((t) => `${t} ${samples[t]!.map((s) => ms(s.totalMs)).join(", ")}`).join("; ")
    }`,
  );
  return out;
}

/** One measured path. */
export interface LoadRow {
  /** What was called, and how. */
  readonly path: string;
  /** The measurement. */
  readonly result: LoadResult;
}

/** Calls per second and latency per path, and CPU µs per call of each meter. */
export function loadTable(rows: readonly LoadRow[]): string[] {
  const meters = [...new Set(rows.flatMap((r) => Object.keys(r.result.cpuPerCall)))];
  const out = header([
    "path",
    "concurrency",
    "calls",
    "s",
    "calls/s",
    "p50 ms",
    "p99 ms",
    ...meters.map((m) => `${m} CPU µs/call`),
  ]);
  for (const { path, result: r } of rows) {
    out.push(row([
      path,
      r.concurrency,
      r.calls,
      r.seconds.toFixed(1),
      Math.round(r.perSecond),
      ms(r.p50),
      ms(r.p99),
      ...meters.map((m) => r.cpuPerCall[m] === undefined ? "" : Math.round(r.cpuPerCall[m]!)),
    ]));
  }
  return out;
}

/** Memory of each proxy pod's container, idle and after the load. */
export function memoryTable(rows: readonly { readonly what: string; readonly memory: ContainerMemory }[]): string[] {
  const out = header([
    "container, when",
    "cgroup RSS (total_rss) MiB",
    "cgroup usage MiB",
    "cgroup peak (max_usage) MiB",
    "process VmRSS MiB",
    "process VmHWM MiB",
  ]);
  for (const { what, memory: m } of rows) {
    out.push(row([
      what,
      m.cgroupRss.toFixed(0),
      m.cgroupUsage.toFixed(0),
      m.cgroupPeak.toFixed(0),
      m.processRss.toFixed(0),
      m.processPeakRss.toFixed(0),
    ]));
  }
  return out;
}
