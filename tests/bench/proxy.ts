/**
 * `deno task bench:proxy`: an echo tool called directly and through the proxy, in one run: the fixture over
 * streamable HTTP (direct, and through `thv proxy --target-uri`) and over stdio (direct on its pipe, and
 * through `thv proxy stdio`), at concurrency 1 and 32, plus one HTTP round trip to a bare server at
 * concurrency 1 (the floor of what the stdio bridge adds). Reports p50/p99 latency, calls per second, the
 * proxy's CPU time per call, and each proxy's peak RSS (VmHWM) and private memory (RssAnon, the highest
 * sampled under load); ends with one line of ratios, and writes the `proxy` section of docs/benchmarks.md.
 * The proxies start as the `thv` task starts them (with thv's V8 flags). The client is a minimal raw MCP
 * client (fetch, or lines on a pipe), so client overhead stays small.
 *
 * The reverse proxy is measured a second time with authentication (a real OpenID provider, oidc-provider from
 * npm, in this process; tokens validated against its JWKS) and Cedar authorization on, with the same calls
 * carrying a bearer token: what the guards add per call.
 *
 * `BENCH_CALLS` sets the calls per measurement (default 2000). `BENCH_PROXY_BASELINE=<dir>` also runs the
 * reverse proxy of another checkout (say a `git worktree` of main, with its `deno install` done) the way
 * its own `thv` task does, against the same server: the streamable HTTP paths (direct, this proxy, that one)
 * then take turns for `BENCH_ROUNDS` rounds (default 3; each figure the median), old and new side by side.
 * @module
 */
import { THV_V8_FLAGS_ARG } from "../../lib/config/mod.ts";
import { freePort, REPO_ROOT } from "../harness/mod.ts";
import { startOidcProvider } from "../harness/oidc_provider.ts";
import { type Caller, holdStreams, httpSession, INIT } from "./mcp_client.ts";
import { type MemoryFigures, ProcessUsage } from "./process_usage.ts";
import { machineLine, ms, percentile, writeBenchSection } from "./report.ts";

const CALLS = Number(Deno.env.get("BENCH_CALLS") ?? "2000");
const BASELINE = Deno.env.get("BENCH_PROXY_BASELINE");
/** Rounds each reverse proxy is measured in when there is a baseline (they take turns). */
const ROUNDS = Number(Deno.env.get("BENCH_ROUNDS") ?? "3");
/** Open event streams (one session and connection each) the reverse proxies hold for a memory figure. */
const STREAMS = Number(Deno.env.get("BENCH_STREAMS") ?? "500");
const FIXTURE = `${REPO_ROOT}tests/fixtures/mcp_fixture.ts`;
/** The fixture on a pipe, called directly: requests are pipelined and matched by id. */
async function stdioDirect(): Promise<Caller & { pid: number }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", FIXTURE, "stdio"],
    stdin: "piped",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const writer = child.stdin.getWriter();
  const waiting = new Map<number, () => void>();
  (async () => {
    let buffered = "";
    for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) {
      buffered += chunk;
      let i: number;
      while ((i = buffered.indexOf("\n")) >= 0) {
        const line = buffered.slice(0, i);
        buffered = buffered.slice(i + 1);
        const m = JSON.parse(line);
        if (m.id !== undefined) waiting.get(m.id)?.();
      }
    }
  })();
  const send = (m: unknown) => writer.write(new TextEncoder().encode(JSON.stringify(m) + "\n"));
  const request = (id: number, method: string, params: unknown) => {
    const done = new Promise<void>((r) => waiting.set(id, () => (waiting.delete(id), r())));
    send({ jsonrpc: "2.0", id, method, params });
    return done;
  };
  await request(0, "initialize", INIT);
  await send({ jsonrpc: "2.0", method: "notifications/initialized" });
  return {
    pid: child.pid,
    call: (id) => request(id, "tools/call", { name: "echo", arguments: { message: "x" } }),
    async close() {
      await writer.close().catch(() => {});
      child.kill("SIGTERM");
      await child.status;
    },
  };
}

const BARE = "HTTP round trip alone (no MCP)";

/** A server in its own process that answers every POST at once with the echo result: no MCP, no proxy. */
async function bareHttpServer(): Promise<{ url: string; stop: () => Promise<void> }> {
  const code = `
    Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: ({ port }) => console.log("http://127.0.0.1:" + port + "/mcp") },
      async (req) => {
        const id = req.method === "POST" ? (await req.json()).id : undefined;
        const result = { content: [{ type: "text", text: "Echo: x" }] };
        const body = id === undefined ? null : JSON.stringify({ jsonrpc: "2.0", id, result });
        return new Response(body, { status: body ? 200 : 202, headers: { "content-type": "application/json", "mcp-session-id": "bare" } });
      });`;
  const child = new Deno.Command(Deno.execPath(), { args: ["eval", code], stdout: "piped", stderr: "null" }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("\n")) text += (await reader.read()).value ?? "";
  reader.releaseLock();
  return {
    url: text.trim(),
    async stop() {
      child.kill("SIGTERM");
      await child.status;
    },
  };
}

/** Runs `calls` calls over `callers` (one worker each); returns latencies (ms) and calls per second. */
async function measure(callers: Caller[], calls: number) {
  const latencies: number[] = [];
  let next = 1;
  const t0 = performance.now();
  await Promise.all(callers.map(async (caller) => {
    while (next <= calls) {
      const id = next++;
      const s = performance.now();
      await caller.call(id);
      latencies.push(performance.now() - s);
    }
  }));
  const seconds = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  return { p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), perSecond: calls / seconds };
}

/** A running proxy: its URL, and what its process costs. */
interface ProxyProcess {
  readonly url: string;
  readonly usage: ProcessUsage;
  stop(): Promise<void>;
}

/** Starts a `thv` process (of the checkout at `root`, with `runFlags` before main.ts); returns the URL it prints. */
async function thv(
  args: string[],
  options: { root?: string; runFlags?: string[] } = {},
): Promise<ProxyProcess> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", ...(options.runFlags ?? [THV_V8_FLAGS_ARG]), "main.ts", ...args],
    cwd: options.root ?? REPO_ROOT,
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const usage = new ProcessUsage(child.pid);
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("\n")) text += (await reader.read()).value ?? "";
  reader.releaseLock();
  return {
    url: text.trim(),
    usage,
    async stop() {
      usage.stop();
      child.kill("SIGTERM");
      await child.status;
    },
  };
}

async function waitHealthy(origin: string) {
  for (let i = 0; i < 300; i++) {
    if (await fetch(`${origin}/health`).then((r) => (r.body?.cancel(), r.ok), () => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${origin}/health never turned 200`);
}

type Measured = { p50: number; p99: number; perSecond: number; cpuPerCall?: number };
type Row = Measured & { config: string; c: number };
const rows: Row[] = [];
const record = (config: string, c: number, r: Measured) => {
  rows.push({ config, c, ...r });
  const cpu = r.cpuPerCall === undefined ? "" : `  proxy CPU ${r.cpuPerCall.toFixed(0)} µs/call`;
  console.log(
    `${config.padEnd(34)} c=${String(c).padEnd(3)} p50 ${ms(r.p50).padStart(6)} ms  p99 ${ms(r.p99).padStart(6)} ms  ${
      Math.round(r.perSecond)
    } calls/s${cpu}`,
  );
};
/** One path to measure; with `proxy`, also the proxy's CPU time per call. */
interface Target {
  readonly config: string;
  readonly open: () => Promise<Caller>;
  readonly proxy?: ProxyProcess;
}

/** One measurement of `target` at concurrency `c`, on fresh sessions after a warm-up. */
async function measureTarget(target: Target, c: number): Promise<Measured> {
  const callers = await Promise.all(Array.from({ length: c }, target.open));
  await measure(callers, Math.min(200, CALLS)); // warm-up
  const calls = c === 1 ? CALLS : CALLS * 2;
  const cpu0 = await target.proxy?.usage.cpuMicros();
  const measured: Measured = await measure(callers, calls);
  if (target.proxy) measured.cpuPerCall = (await target.proxy.usage.cpuMicros() - cpu0!) / calls;
  await Promise.all(callers.map((x) => x.close()));
  return measured;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/**
 * Measures each target at concurrency 1 and 32. With more than one round the targets take turns, in
 * alternating order, and each figure is the median of its rounds: on a shared machine a burst of load
 * from elsewhere then falls on both sides of a comparison rather than on one.
 */
async function run(targets: Target[], rounds = 1) {
  for (const c of [1, 32]) {
    const results = new Map<Target, Measured[]>(targets.map((t) => [t, []]));
    for (let round = 0; round < rounds; round++) {
      for (const target of round % 2 ? [...targets].reverse() : targets) {
        results.get(target)!.push(await measureTarget(target, c));
      }
    }
    for (const [target, all] of results) {
      const of = (pick: (m: Measured) => number | undefined) => median(all.map((m) => pick(m) ?? NaN));
      const measured: Measured = { p50: of((m) => m.p50), p99: of((m) => m.p99), perSecond: of((m) => m.perSecond) };
      if (target.proxy) measured.cpuPerCall = of((m) => m.cpuPerCall);
      record(target.config, c, measured);
    }
  }
}

console.log(`machine: ${machineLine()}`);
const memory: Record<string, MemoryFigures> = {};
/** RssAnon (MiB) of each reverse proxy holding {@linkcode STREAMS} open event streams. */
const withStreams: Record<string, number> = {};
const REVERSE = "streamable HTTP, through the proxy";
const REVERSE_BASELINE = "streamable HTTP, through the baseline proxy";
const GUARDED = "streamable HTTP, through the proxy, OIDC + Cedar";
let baselineCommit = "";
if (BASELINE) {
  const out = await new Deno.Command("git", { args: ["-C", BASELINE, "rev-parse", "--short", "HEAD"] }).output();
  baselineCommit = new TextDecoder().decode(out.stdout).trim() || BASELINE;
}

// Streamable HTTP: the fixture in its own process, directly and through `thv proxy --target-uri`.
const port = freePort();
const fixture = new Deno.Command(Deno.execPath(), {
  args: ["run", "-A", FIXTURE, "http", "--port", String(port)],
  stdout: "null",
  stderr: "null",
}).spawn();
const fixtureUrl = `http://127.0.0.1:${port}/mcp`;
for (let i = 0; i < 300; i++) {
  const up = await fetch(fixtureUrl, { method: "GET" }).then((r) => (r.body?.cancel(), true), () => false);
  if (up) break;
  await new Promise((r) => setTimeout(r, 100));
}
// The identity provider and policy of the guarded proxy: the caller's group may call the fixture's echo.
const op = await startOidcProvider({ clients: [{ id: "bench", secret: "bench-secret", groups: ["eng"] }] });
const AUDIENCE = "http://bench.thv.test/mcp";
const policyDir = await Deno.makeTempDir({ prefix: "thv-bench-authz-" });
const policyFile = `${policyDir}/authz.json`;
await Deno.writeTextFile(
  policyFile,
  JSON.stringify({
    version: "1.0",
    type: "cedarv1",
    cedar: {
      policies: [
        'permit(principal, action == Action::"call_tool", resource == Tool::"echo") when { principal.claim_groups.contains("eng") };',
      ],
      entities_json: "[]",
    },
  }),
);
const bearer = { authorization: `Bearer ${await op.token("bench", { resource: AUDIENCE })}` };
try {
  const reverse = await thv(["proxy", "--target-uri", fixtureUrl]);
  await waitHealthy(new URL(reverse.url).origin);
  const guarded = await thv([
    "proxy",
    "--target-uri",
    fixtureUrl,
    "--oidc-issuer",
    op.issuer,
    "--oidc-audience",
    AUDIENCE,
    "--authz-config",
    policyFile,
  ]);
  await waitHealthy(new URL(guarded.url).origin);
  // Direct and through the proxies take turns too: the ratios compare measurements made under the same load.
  const targets: Target[] = [
    { config: "streamable HTTP, direct", open: () => httpSession(fixtureUrl) },
    { config: REVERSE, open: () => httpSession(reverse.url), proxy: reverse },
    { config: GUARDED, open: () => httpSession(guarded.url, undefined, bearer), proxy: guarded },
  ];
  let baseline: ProxyProcess | undefined;
  if (BASELINE) {
    // As the baseline's own `thv` task runs it (no V8 flags before this change).
    const task = JSON.parse(await Deno.readTextFile(`${BASELINE}/deno.json`)).tasks.thv as string;
    const runFlags = ["-A", ...task.split(" ").filter((a) => a.startsWith("--v8-flags="))];
    baseline = await thv(["proxy", "--target-uri", fixtureUrl], { root: BASELINE, runFlags });
    await waitHealthy(new URL(baseline.url).origin);
    targets.push({ config: REVERSE_BASELINE, open: () => httpSession(baseline!.url), proxy: baseline });
  }
  try {
    await run(targets, BASELINE ? ROUNDS : 1);
    memory.reverse = await reverse.usage.memory();
    if (baseline) memory.baseline = await baseline.usage.memory();
    // Then what open event streams cost: each holds its connections and their buffers.
    for (const [name, proxy] of [["reverse", reverse], ["baseline", baseline]] as const) {
      if (!proxy) continue;
      const held = await holdStreams(proxy.url, STREAMS);
      withStreams[name] = await proxy.usage.rssAnonNow();
      await held.close();
    }
  } finally {
    await reverse.stop();
    await guarded.stop();
    await baseline?.stop();
  }
} finally {
  fixture.kill("SIGTERM");
  await fixture.status;
  await op.close();
  await Deno.remove(policyDir, { recursive: true });
}

// stdio: the fixture on its own pipe, and behind `thv proxy stdio` (one shared process).
{
  const direct = await stdioDirect();
  for (const c of [1, 32]) {
    const callers = Array.from({ length: c }, () => direct); // c requests in flight on the one pipe
    await measure(callers, Math.min(200, CALLS));
    record("stdio, direct (pipelined)", c, await measure(callers, c === 1 ? CALLS : CALLS * 2));
  }
  await direct.close();
  // What one HTTP round trip costs by itself, the part of the bridge's added latency that no proxy code
  // causes: the same client against a bare server in its own process that answers every call at once.
  const bare = await bareHttpServer();
  const bareCallers = [await httpSession(bare.url)];
  await measure(bareCallers, Math.min(200, CALLS));
  record(BARE, 1, await measure(bareCallers, CALLS));
  await bare.stop();
  const bridge = await thv(["proxy", "stdio", "--", Deno.execPath(), "run", "-A", FIXTURE, "stdio"]);
  await waitHealthy(new URL(bridge.url).origin);
  await run([{ config: "stdio, through the proxy", open: () => httpSession(bridge.url), proxy: bridge }]);
  memory.stdio = await bridge.usage.memory();
  await bridge.stop();
}

const get = (config: string, c: number) => rows.find((r) => r.config === config && r.c === c)!;
const sd = get("streamable HTTP, direct", 1), sp = get(REVERSE, 1);
const td = get("stdio, direct (pipelined)", 1), tp = get("stdio, through the proxy", 1);
const sd32 = get("streamable HTTP, direct", 32), sp32 = get(REVERSE, 32);
const tp32 = get("stdio, through the proxy", 32);
const g1 = get(GUARDED, 1), g32 = get(GUARDED, 32);
const bare = get(BARE, 1);
const ratios = `ratios: added p50 at c=1: streamable +${ms(sp.p50 - sd.p50)} ms, stdio +${ms(tp.p50 - td.p50)} ms ` +
  `(an HTTP round trip alone: ${ms(bare.p50)} ms); ` +
  `throughput through the proxy at c=32: streamable ${
    Math.round((sp32.perSecond / sd32.perSecond) * 100)
  }% of direct; ` +
  `stdio bridge ${Math.round(tp32.perSecond)} calls/s; proxy peak RSS ${memory.reverse!.peakRss.toFixed(0)} MiB ` +
  `(reverse), ${memory.stdio!.peakRss.toFixed(0)} MiB (stdio); RssAnon ${memory.reverse!.rssAnon.toFixed(0)} MiB ` +
  `(reverse), ${memory.stdio!.rssAnon.toFixed(0)} MiB (stdio)`;
const guards = `with OIDC + Cedar on, the reverse proxy adds ${ms(g1.p50 - sp.p50)} ms p50 per call at c=1 and ` +
  `keeps ${Math.round((g32.perSecond / sp32.perSecond) * 100)}% of its calls/s at c=32 (CPU per call ` +
  `${g32.cpuPerCall!.toFixed(0)} µs against ${sp32.cpuPerCall!.toFixed(0)} µs)`;
console.log(ratios);
console.log(guards);
let versus = "";
if (memory.baseline) {
  const b = get(REVERSE_BASELINE, 1), b32 = get(REVERSE_BASELINE, 32);
  const x = (now: number, then: number) => `${(now / then).toFixed(2)}×`;
  versus =
    `against the baseline proxy (${baselineCommit}), this one's: RssAnon ${
      x(memory.reverse!.rssAnon, memory.baseline.rssAnon)
    }, peak RSS ${x(memory.reverse!.peakRss, memory.baseline.peakRss)}, p50 at c=1 ${x(sp.p50, b.p50)}, ` +
    `calls/s at c=32 ${x(sp32.perSecond, b32.perSecond)}, CPU per call at c=32 ${x(sp32.cpuPerCall!, b32.cpuPerCall!)}`;
  console.log(versus);
}

const table = [
  "| path | concurrency | p50 ms | p99 ms | calls/s | proxy CPU µs/call |",
  "| --- | --- | --- | --- | --- | --- |",
  ...rows.map((r) =>
    `| ${r.config} | ${r.c} | ${ms(r.p50)} | ${ms(r.p99)} | ${Math.round(r.perSecond)} | ${
      r.cpuPerCall === undefined ? "" : r.cpuPerCall.toFixed(0)
    } |`
  ),
].join("\n");
const memoryRows: Array<[string, MemoryFigures, number | undefined]> = [
  ["reverse proxy (streamable HTTP)", memory.reverse!, withStreams.reverse],
  ...(memory.baseline
    ? [[`reverse proxy, baseline ${baselineCommit}`, memory.baseline, withStreams.baseline] as [
      string,
      MemoryFigures,
      number | undefined,
    ]]
    : []),
  ["stdio bridge", memory.stdio!, undefined],
];
for (const [what, m, streams] of memoryRows) {
  const held = streams === undefined ? "" : `, RssAnon ${streams.toFixed(0)} MiB with ${STREAMS} open event streams`;
  console.log(`${what}: peak RSS ${m.peakRss.toFixed(0)} MiB, RssAnon ${m.rssAnon.toFixed(0)} MiB under load${held}`);
}
const memoryTable = [
  `| proxy | peak RSS (VmHWM) MiB | private memory (RssAnon) MiB | RssAnon with ${STREAMS} open event streams MiB |`,
  "| --- | --- | --- | --- |",
  ...memoryRows.map(([what, m, streams]) =>
    `| ${what} | ${m.peakRss.toFixed(0)} | ${m.rssAnon.toFixed(0)} | ${streams?.toFixed(0) ?? ""} |`
  ),
].join("\n");
await writeBenchSection(
  "proxy",
  `## Proxy (\`deno task bench:proxy\`)\n\nMeasured ${
    new Date().toISOString().slice(0, 10)
  } on ${machineLine()}: the ` +
    `fixture's echo tool, ${CALLS} calls at concurrency 1 and ${CALLS * 2} at 32 (each concurrent worker has its own ` +
    `session; direct stdio pipelines on the one pipe). Load generator, proxy and server share the 2 cores. ` +
    `"${BARE}" is the same client against a bare server process that answers at once: the part of the ` +
    `stdio bridge's added latency that is the HTTP hop itself. Proxies run with thv's V8 flags ` +
    `(\`${THV_V8_FLAGS_ARG}\`, decision 013); RssAnon is the highest sampled (every 50 ms) while it ran.` +
    `${
      BASELINE
        ? ` The baseline proxy is commit ${baselineCommit}, run as its own \`thv\` task runs it; the streamable HTTP rows are medians of ${ROUNDS} rounds in which direct, this proxy and the baseline took turns.`
        : ""
    }\n\n` +
    `${table}\n\n${memoryTable}\n\n${ratios}\n\n${guards}${
      versus ? `\n\n${versus}` : ""
    }\n\nTargets (issue 4): added p50 at c=1 under 0.3 ms; throughput through the proxy at c=32 at ` +
    `least 80% of direct; stdio bridge at least 5,000 calls/s; proxy RSS under 100 MB. With OIDC and Cedar ` +
    `(issue 15): added p50 under 0.1 ms with a cached JWKS; at c=32 at least 80% of the calls/s without them.\n`,
);
