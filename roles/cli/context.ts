/**
 * What every CLI command receives from `main.ts`: the global configuration and a logger.
 * @module
 */
import type { GlobalConfig } from "../../lib/config/mod.ts";
import type { Logger } from "../../lib/log.ts";
import type { RuntimeChoice } from "../../lib/runtime/mod.ts";

/** The context a command's action reads; built once, after the global flags are parsed. */
export interface CliContext {
  /** Global options and the environment snapshot. */
  readonly config: GlobalConfig;
  /** The process logger. */
  readonly log: Logger;
  /** The runtime, detected once on first use (design.md §1); throws when a forced runtime is unusable. */
  readonly runtime: () => RuntimeChoice;
  /** The signal that aborts on SIGINT/SIGTERM; long-running commands call it, which takes the signals over. */
  readonly shutdown: () => AbortSignal;
  /** The environment, read once at start. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The command line that runs this thv again (for the detached proxy). */
  readonly self: readonly string[];
  /** Global flags to pass on to a thv started by this one (`--debug`). */
  readonly passFlags: readonly string[];
  /** Whether standard error is a terminal (progress bars go there). */
  readonly stderrIsTerminal: boolean;
  /** Writes one line of command output to standard output. */
  readonly print: (line: string) => void;
}
