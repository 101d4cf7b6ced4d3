/**
 * The {@linkcode Workloads} facade every workload command uses, built from the command's context: the state
 * folders and settings read from the environment once, and an event sink that prints progress and warnings
 * to standard error. Loaded lazily, so commands that need no workload never load the engine's client.
 * @module
 */
import type { WorkloadEvent, Workloads } from "../../lib/workloads/mod.ts";
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
  const { openLaptopWorkloads } = await import("../../lib/workloads/mod.ts");
  // Written at once, in order with the lines console.error writes (warnings, then the URL or the error).
  const stderr = (text: string) => {
    const bytes = new TextEncoder().encode(text);
    for (let done = 0; done < bytes.length;) done += Deno.stderr.writeSync(bytes.subarray(done));
  };
  return openLaptopWorkloads({
    env: ctx.env,
    runtime: ctx.runtime,
    log: ctx.log,
    self: ctx.self,
    passFlags: ctx.passFlags,
    cwd: Deno.cwd(),
    onEvent: eventPrinter({ terminal: ctx.stderrIsTerminal, write: stderr }),
  });
}
