/**
 * What every route of `thv serve` is built from: the workloads facade the CLI uses too, and the settings
 * read once at start.
 * @module
 */
import type { Logger } from "../../lib/log.ts";
import type { StatePaths } from "../../lib/state/mod.ts";
import type { Workloads } from "../../lib/workloads/mod.ts";

/** The dependencies of the routes. */
export interface ServeDeps {
  /** The laptop workloads (the same facade `thv run` uses). */
  readonly workloads: Workloads;
  /** thv's environment, read once at start. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Where thv keeps its state. */
  readonly paths: StatePaths;
  /** thv's version. */
  readonly version: string;
  /** The process logger. */
  readonly log: Logger;
}
