/**
 * The {@linkcode Workloads} facade every workload command uses, built from the command's context: the state
 * folders and settings read from the environment once, and an event sink that prints progress and warnings
 * to standard error. Loaded lazily, so commands that need no workload never load the engine's client.
 * @module
 */
import type { WorkloadChange, WorkloadEvent, Workloads } from "../../lib/workloads/mod.ts";
import type { CliContext } from "./context.ts";
import { pullProgress } from "./pull_progress.ts";

/** How the CLI shows a workload event: pull progress as a bar (or lines), warnings as `thv: warning: …`. */
export function eventPrinter(
  options: { readonly terminal: boolean; readonly write: (text: string) => void },
): (event: WorkloadEvent) => void {
  const pulls = new Map<string, ReturnType<typeof pullProgress>>();
  return (event) => {
    if (event.kind === "warning") {
      options.write(`thv: warning: ${event.message}\n`);
      return;
    }
    let printer = pulls.get(event.image);
    if (!printer) pulls.set(event.image, printer = pullProgress(event.image, options));
    printer(event.progress);
  };
}

/** Builds the {@linkcode Workloads} of a command. */
export async function openWorkloads(ctx: CliContext): Promise<Workloads> {
  const [{ statePaths }, { createWorkloads, parseLogMaxBytes, workloadsConfig }] = await Promise.all([
    import("../../lib/state/mod.ts"),
    import("../../lib/workloads/mod.ts"),
  ]);
  const hostEnv = Object.fromEntries(
    Object.entries(ctx.env).filter((e): e is [string, string] => e[1] !== undefined),
  );
  // Written at once, in order with the lines console.error writes (warnings, then the URL or the error).
  const stderr = (text: string) => {
    const bytes = new TextEncoder().encode(text);
    for (let done = 0; done < bytes.length;) done += Deno.stderr.writeSync(bytes.subarray(done));
  };
  return createWorkloads(workloadsConfig({
    paths: statePaths(ctx.env),
    runtime: ctx.runtime,
    log: ctx.log,
    hostEnv,
    self: ctx.self,
    proxyFlags: [...ctx.passFlags, "--log-format", "text"],
    // From source, thv runs on the Deno that runs the server; a compiled thv needs one on PATH (or THV_DENO).
    denoPath: ctx.env.THV_DENO ?? (ctx.self.length > 1 ? ctx.self[0]! : "deno"),
    serverLogMaxBytes: () => parseLogMaxBytes(ctx.env.THV_SERVER_LOG_MAX_BYTES),
    cwd: Deno.cwd(),
    onEvent: eventPrinter({ terminal: ctx.stderrIsTerminal, write: stderr }),
    onChange: (change) => followInClients(ctx, change),
  }));
}

/** Adds a started workload to every registered MCP client's file, or takes a stopped one out; throws what failed. */
async function followInClients(ctx: CliContext, change: WorkloadChange): Promise<void> {
  const [{ addServerToClients, clientEnv, readRegistered, removeServerFromClients }, { statePaths }] = await Promise
    .all([import("../../lib/clients/mod.ts"), import("../../lib/state/mod.ts")]);
  const configDir = statePaths(ctx.env).config;
  if (!Object.keys(await readRegistered(configDir)).length) return; // no client registered: nothing to read
  const clients = { env: clientEnv(ctx.env, Deno.build.os), configDir };
  const result = change.kind === "started"
    ? await addServerToClients({ name: change.name, url: change.url }, clients)
    : await removeServerFromClients(change.name, clients);
  if (result.failures.length) throw new Error(`MCP client not updated: ${result.failures.join("; ")}`);
}
