/**
 * The side-by-side table of `bench:operator`: one column per source tree and the ratio current / baseline.
 * @module
 */
import type { OperatorFigures } from "./operator_run.ts";

/** One measured tree: how the report names it and what it measured. */
export interface MeasuredTree {
  /** Column heading, for example `f9fe678`. */
  readonly label: string;
  /** Its figures. */
  readonly figures: OperatorFigures;
}

/** `current / baseline` as `0.48×`; `=` when both are 0, `—` when only the baseline is 0. */
export function ratio(baseline: number, current: number): string {
  if (baseline === 0) return current === 0 ? "=" : "—";
  return `${(current / baseline).toFixed(2)}×`;
}

/** The middle value (the mean of the two middle ones for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError("median of no values");
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Several passes of one tree as one: the median of every figure, the sum of failed reconciles. */
export function combinePasses(passes: readonly OperatorFigures[]): OperatorFigures {
  const first = passes[0];
  if (!first) throw new RangeError("no passes to combine");
  const mid = (pick: (f: OperatorFigures) => number) => median(passes.map(pick));
  return {
    ...first,
    createSeconds: mid((f) => f.createSeconds),
    settleSeconds: mid((f) => f.settleSeconds),
    settleReads: mid((f) => f.settleReads),
    settleWrites: mid((f) => f.settleWrites),
    settleCpuSeconds: mid((f) => f.settleCpuSeconds),
    rssIdleMiB: mid((f) => f.rssIdleMiB),
    rssPeakMiB: mid((f) => f.rssPeakMiB),
    steadyReconcilesPerMin: mid((f) => f.steadyReconcilesPerMin),
    steadyReadsPerMin: mid((f) => f.steadyReadsPerMin),
    // A write in any pass breaks the write-free steady state: the worst pass counts.
    steadyWritesPerMin: Math.max(...passes.map((f) => f.steadyWritesPerMin)),
    steadyObjectWritesPerMin: Math.max(...passes.map((f) => f.steadyObjectWritesPerMin)),
    steadyCpuSecondsPerMin: mid((f) => f.steadyCpuSecondsPerMin),
    loadAverage: mid((f) => f.loadAverage),
    reconcileErrors: passes.reduce((sum, f) => sum + f.reconcileErrors, 0),
    errorLines: passes.flatMap((f) => f.errorLines).slice(0, 3),
  };
}

const perMin = (v: number) => v.toFixed(0);
const seconds = (v: number) => `${v.toFixed(1)} s`;
const mib = (v: number) => `${v.toFixed(0)} MiB`;
const cpu = (v: number) => `${v.toFixed(1)} s CPU`;

/** The markdown table comparing `baseline` with `current`, row by row. */
export function comparisonTable(baseline: MeasuredTree, current: MeasuredTree): string {
  const b = baseline.figures;
  const c = current.figures;
  const row = (what: string, pick: (f: OperatorFigures) => number, show: (v: number) => string) =>
    `| ${what} | ${show(pick(b))} | ${show(pick(c))} | ${ratio(pick(b), pick(c))} |`;
  const text = (what: string, show: (f: OperatorFigures) => string) => `| ${what} | ${show(b)} | ${show(c)} | |`;
  const servers = b.servers === c.servers ? String(b.servers) : `${b.servers} / ${c.servers}`;
  return [
    `| what | baseline ${baseline.label} | current ${current.label} | current / baseline |`,
    "| --- | --- | --- | --- |",
    text("MCPServers", (f) => String(f.servers)),
    row("create all MCPServers (16 clients)", (f) => f.createSeconds, seconds),
    row(`settle: until every server's children exist (${b.children} objects)`, (f) => f.settleSeconds, seconds),
    row("API requests until settled", (f) => f.settleReads + f.settleWrites, (v) => String(v)),
    text("… of which reads, writes", (f) => `${f.settleReads}, ${f.settleWrites}`),
    row("operator CPU until settled (user + system)", (f) => f.settleCpuSeconds, cpu),
    text("resync period", (f) => f.resyncSeconds === undefined ? "none" : `${f.resyncSeconds} s`),
    row(
      `steady state: API reads per minute besides watches (over ${b.steadySeconds} s)`,
      (f) => f.steadyReadsPerMin,
      perMin,
    ),
    row("steady state: API writes per minute (must be 0)", (f) => f.steadyWritesPerMin, perMin),
    row("steady state: objects written per minute (must be 0)", (f) => f.steadyObjectWritesPerMin, perMin),
    row("steady state: reconciles per minute", (f) => f.steadyReconcilesPerMin, perMin),
    row("steady state: operator CPU per minute", (f) => f.steadyCpuSecondsPerMin, cpu),
    row("operator RSS when idle (VmHWM at ready)", (f) => f.rssIdleMiB, mib),
    row(`operator peak RSS with ${servers} servers`, (f) => f.rssPeakMiB, mib),
    text("machine load average (1 min) when the pass started", (f) => f.loadAverage.toFixed(1)),
  ].join("\n");
}
