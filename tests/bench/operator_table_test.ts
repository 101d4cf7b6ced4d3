import assert from "node:assert/strict";
import type { OperatorFigures } from "./operator_run.ts";
import { combinePasses, comparisonTable, median, ratio } from "./operator_table.ts";

Deno.test("ratio is current over baseline, = when both are 0, — when only the baseline is", () => {
  assert.equal(ratio(41.6, 20.8), "0.50×");
  assert.equal(ratio(4500, 0), "0.00×");
  assert.equal(ratio(0, 0), "=");
  assert.equal(ratio(0, 3), "—");
});

const figures = (over: Partial<OperatorFigures>): OperatorFigures => ({
  servers: 500,
  children: 3500,
  createSeconds: 2.2,
  settleSeconds: 41.6,
  settleReads: 2545,
  settleWrites: 5000,
  settleCpuSeconds: 30,
  rssIdleMiB: 147,
  rssPeakMiB: 380,
  steadySeconds: 60,
  resyncSeconds: 20,
  steadyReconcilesPerMin: 1500,
  steadyReadsPerMin: 4500,
  steadyWritesPerMin: 0,
  steadyObjectWritesPerMin: 0,
  steadyCpuSecondsPerMin: 6,
  loadAverage: 2.5,
  reconcileErrors: 0,
  errorLines: [],
  ...over,
});

Deno.test("comparisonTable puts both trees side by side with the ratio of each figure", () => {
  const table = comparisonTable(
    { label: "f9fe678", figures: figures({}) },
    {
      label: "HEAD 1a2b3c4",
      figures: figures({ settleSeconds: 19.9, rssPeakMiB: 140, steadyReadsPerMin: 0, resyncSeconds: undefined }),
    },
  );
  const lines = table.split("\n");
  assert.equal(lines[0], "| what | baseline f9fe678 | current HEAD 1a2b3c4 | current / baseline |");
  assert.ok(lines.includes("| settle: until every server's children exist (3500 objects) | 41.6 s | 19.9 s | 0.48× |"));
  assert.ok(lines.includes("| steady state: API reads per minute besides watches (over 60 s) | 4500 | 0 | 0.00× |"));
  assert.ok(lines.includes("| steady state: API writes per minute (must be 0) | 0 | 0 | = |"));
  assert.ok(lines.includes("| operator peak RSS with 500 servers | 380 MiB | 140 MiB | 0.37× |"));
  assert.ok(lines.includes("| operator RSS when idle (VmHWM at ready) | 147 MiB | 147 MiB | 1.00× |"));
  assert.ok(lines.includes("| resync period | 20 s | none | |"));
  assert.ok(lines.includes("| operator CPU until settled (user + system) | 30.0 s CPU | 30.0 s CPU | 1.00× |"));
  assert.ok(lines.every((l) => l.split("|").length === 6), "every row has four cells");
});

Deno.test("median takes the middle value, or the mean of the two middle ones", () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([40, 60]), 50);
  assert.throws(() => median([]), RangeError);
});

Deno.test("combinePasses takes the median of each figure but the worst steady-state writes and every error", () => {
  const combined = combinePasses([
    figures({ settleSeconds: 40, steadyWritesPerMin: 0, reconcileErrors: 1, errorLines: ["a"] }),
    figures({ settleSeconds: 90, steadyWritesPerMin: 2, reconcileErrors: 0 }),
    figures({ settleSeconds: 50, steadyWritesPerMin: 0, reconcileErrors: 2, errorLines: ["b"] }),
  ]);
  assert.equal(combined.settleSeconds, 50);
  assert.equal(combined.steadyWritesPerMin, 2);
  assert.equal(combined.reconcileErrors, 3);
  assert.deepEqual(combined.errorLines, ["a", "b"]);
  assert.deepEqual(combinePasses([figures({})]), figures({}));
});
