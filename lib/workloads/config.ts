/**
 * What the {@linkcode Workloads} facade is built from: the state folders, the runtime choice, the logger and
 * the few settings read from the environment, all read once at the edge (main.ts, roles/cli) and frozen; and
 * the events through which the facade tells its caller what happens (it never writes to stdout itself).
 * @module
 */
import type { Logger } from "../log.ts";
import type { PullEvent } from "../runtime/docker/mod.ts";
import type { RuntimeChoice } from "../runtime/mod.ts";
import type { StatePaths } from "../state/mod.ts";

/** Something a long operation reports on its way: image pull progress, or a warning for the user. */
export type WorkloadEvent =
  | { readonly kind: "pull"; readonly image: string; readonly progress: PullEvent }
  | { readonly kind: "warning"; readonly message: string };

/** Where {@linkcode WorkloadEvent}s go. */
export type WorkloadEventSink = (event: WorkloadEvent) => void;

/** A workload that started (with the URL clients reach it at) or stopped (or was removed). */
export type WorkloadChange =
  | { readonly kind: "started"; readonly name: string; readonly url: string }
  | { readonly kind: "stopped"; readonly name: string };

/** What the facade awaits after a workload starts or stops (MCP client files follow); a throw becomes a warning. */
export type WorkloadChangeHook = (change: WorkloadChange) => Promise<void>;

/** The configuration of a {@linkcode Workloads} facade. */
export interface WorkloadsConfig {
  /** Where thv keeps its state. */
  readonly paths: StatePaths;
  /** The runtime containers run on, detected once on first use; throws (saying what to do) when unusable. */
  readonly runtime: () => RuntimeChoice;
  /** Logger. */
  readonly log: Logger;
  /** thv's environment, passed to the detached proxy and to the `deno` that fetches sandbox packages. */
  readonly hostEnv: Readonly<Record<string, string>>;
  /** The command line that runs thv itself, for the detached proxy. */
  readonly self: readonly string[];
  /** Global flags the detached proxy gets (e.g. `--debug`). */
  readonly proxyFlags: readonly string[];
  /** The Deno binary that runs sandboxed servers. */
  readonly denoPath: string;
  /** The cap of a sandboxed server's log, read on first use (so a bad setting fails only where it matters). */
  readonly serverLogMaxBytes: () => number;
  /** The folder relative `npx://./dir` references are resolved against. */
  readonly cwd: string;
  /** Where events go unless an operation is given its own sink (default: nowhere). */
  readonly onEvent?: WorkloadEventSink;
  /** Called once a workload has started or stopped (default: nothing). */
  readonly onChange?: WorkloadChangeHook;
}

/** A frozen copy of `config`, its environment frozen too. */
export function workloadsConfig(config: WorkloadsConfig): WorkloadsConfig {
  return Object.freeze({
    ...config,
    hostEnv: Object.freeze({ ...config.hostEnv }),
    self: Object.freeze([...config.self]),
    proxyFlags: Object.freeze([...config.proxyFlags]),
  });
}
