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

const perMin = (v: number) => v.toFixed(0);
const seconds = (v: number) => `${v.toFixed(1)} s`;
const mib = (v: number) => `${v.toFixed(0)} MiB`;

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
    text("resync period", (f) => f.resyncSeconds === undefined ? "none" : `${f.resyncSeconds} s`),
    row(
      `steady state: API reads per minute besides watches (over ${b.steadySeconds} s)`,
      (f) => f.steadyReadsPerMin,
      perMin,
    ),
    row("steady state: API writes per minute (must be 0)", (f) => f.steadyWritesPerMin, perMin),
    row("steady state: objects written per minute (must be 0)", (f) => f.steadyObjectWritesPerMin, perMin),
    row("steady state: reconciles per minute", (f) => f.steadyReconcilesPerMin, perMin),
    row("operator RSS when idle (VmHWM at ready)", (f) => f.rssIdleMiB, mib),
    row(`operator peak RSS with ${servers} servers`, (f) => f.rssPeakMiB, mib),
  ].join("\n");
}
