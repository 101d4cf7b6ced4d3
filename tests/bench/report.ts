/**
 * Shared helpers of the `deno task bench*` benchmarks: timing samples, summary statistics, and writing a
 * bench's own section of `docs/benchmarks.md` (between `<!-- bench:NAME -->` markers) without touching
 * the others.
 * @module
 */
import { fileURLToPath } from "node:url";

/** Summary of a list of durations, in milliseconds. */
export interface Summary {
  /** Number of samples. */
  readonly n: number;
  /** Median. */
  readonly p50: number;
  /** 90th percentile (nearest rank). */
  readonly p90: number;
  /** Smallest sample. */
  readonly min: number;
  /** Largest sample. */
  readonly max: number;
}

/** Nearest-rank percentile of `sorted` (ascending), `q` in [0, 1]. */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) throw new RangeError("percentile of no samples");
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}

/** Summarises samples in milliseconds. */
export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    n: sorted.length,
    p50: percentile(sorted, 0.5),
    p90: percentile(sorted, 0.9),
    min: sorted[0]!,
    max: sorted.at(-1)!,
  };
}

/** Runs `fn` `n` times in sequence and returns each run's wall time in milliseconds. */
export async function timeRuns(n: number, fn: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return out;
}

/** Formats milliseconds with sensible precision. */
export function ms(value: number): string {
  return value < 10 ? value.toFixed(2) : value < 100 ? value.toFixed(1) : value.toFixed(0);
}

/** A markdown table row for one measured thing. */
export function summaryRow(what: string, s: Summary): string {
  return `| ${what} | ${s.n} | ${ms(s.p50)} | ${ms(s.p90)} | ${ms(s.min)} | ${ms(s.max)} |`;
}

/** Header of the table that {@linkcode summaryRow} fills. */
export const SUMMARY_HEADER =
  "| what | runs | p50 ms | p90 ms | min ms | max ms |\n| --- | --- | --- | --- | --- | --- |";

/** Replaces (or appends) the section `name` of a markdown document. */
export function replaceSection(document: string, name: string, body: string): string {
  const start = `<!-- bench:${name} -->`;
  const end = `<!-- /bench:${name} -->`;
  const block = `${start}\n${body.trim()}\n${end}`;
  const i = document.indexOf(start);
  const j = document.indexOf(end);
  if (i >= 0 && j > i) return document.slice(0, i) + block + document.slice(j + end.length);
  return `${document.trimEnd()}\n\n${block}\n`;
}

/** Writes the section `name` of docs/benchmarks.md. */
export async function writeBenchSection(name: string, body: string): Promise<string> {
  const path = fileURLToPath(new URL("../../docs/benchmarks.md", import.meta.url));
  const current = await Deno.readTextFile(path).catch(() =>
    "# Benchmarks\n\nFigures written by `deno task bench*` on the machine that ran them. These machines are " +
    "noisy (2 shared cores): compare ratios measured in one run, not absolute figures across runs.\n"
  );
  await Deno.writeTextFile(path, replaceSection(current, name, body));
  return path;
}

/** A short description of the machine, for the report. */
export function machineLine(): string {
  const cpus = navigator.hardwareConcurrency;
  const memGiB = (Deno.systemMemoryInfo().total / 2 ** 30).toFixed(0);
  return `${Deno.build.os}/${Deno.build.arch}, ${cpus} cores, ${memGiB} GiB, Deno ${Deno.version.deno}`;
}
