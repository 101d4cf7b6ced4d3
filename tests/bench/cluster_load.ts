/**
 * Load through a Service of the test cluster: echo calls from sessions of the bench's raw MCP client, bounded by
 * a count and a time, with the CPU time each process on the path used per call (where the time goes).
 * @module
 */
import { type Caller, httpSession } from "./mcp_client.ts";
import { percentile } from "./report.ts";
import type { ServiceRoute } from "./service_route.ts";

/** Cumulative CPU time of something on the path, in microseconds. */
export type CpuMeter = () => Promise<number>;

/** Bounds of one measurement. */
export interface LoadBounds {
  /** Calls to make (fewer when the time runs out). */
  readonly calls: number;
  /** Longest time to keep calling. */
  readonly maxSeconds: number;
}

/** What one measurement gave. */
export interface LoadResult {
  /** Concurrent sessions, one call in flight each. */
  readonly concurrency: number;
  /** Calls answered. */
  readonly calls: number;
  /** Wall time. */
  readonly seconds: number;
  /** Calls answered per second. */
  readonly perSecond: number;
  /** Median latency, ms. */
  readonly p50: number;
  /** 99th percentile latency, ms. */
  readonly p99: number;
  /** CPU µs per call of each meter, by name. */
  readonly cpuPerCall: Readonly<Record<string, number>>;
}

/** Runs calls over `callers` (one worker each) until `bounds` end; latencies and calls per second. */
async function drive(callers: readonly Caller[], bounds: LoadBounds) {
  const latencies: number[] = [];
  let next = 1;
  const t0 = performance.now();
  const until = t0 + bounds.maxSeconds * 1000;
  await Promise.all(callers.map(async (caller) => {
    while (next <= bounds.calls && performance.now() < until) {
      const id = next++;
      const s = performance.now();
      await caller.call(id);
      latencies.push(performance.now() - s);
    }
  }));
  const seconds = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  return { calls: latencies.length, seconds, latencies };
}

/**
 * Opens `concurrency` sessions over `route`, warms them up with `warmup` calls, then measures within `bounds`,
 * reading every meter before and after; closes the sessions.
 */
export async function measureLoad(
  route: ServiceRoute,
  options: {
    readonly concurrency: number;
    readonly bounds: LoadBounds;
    readonly warmup: number;
    readonly meters: Readonly<Record<string, CpuMeter>>;
  },
): Promise<LoadResult> {
  const callers = await Promise.all(
    Array.from({ length: options.concurrency }, () => httpSession(route.url, route.client)),
  );
  try {
    await drive(callers, { calls: options.warmup, maxSeconds: options.bounds.maxSeconds });
    const names = Object.keys(options.meters);
    const before = await Promise.all(names.map((n) => options.meters[n]!()));
    const run = await drive(callers, options.bounds);
    const after = await Promise.all(names.map((n) => options.meters[n]!()));
    const cpuPerCall = Object.fromEntries(names.map((n, i) => [n, (after[i]! - before[i]!) / run.calls]));
    return {
      concurrency: options.concurrency,
      calls: run.calls,
      seconds: run.seconds,
      perSecond: run.calls / run.seconds,
      p50: percentile(run.latencies, 0.5),
      p99: percentile(run.latencies, 0.99),
      cpuPerCall,
    };
  } finally {
    await Promise.all(callers.map((c) => c.close()));
  }
}
