/**
 * Workload status files (`<statuses>/<name>.json`) and proxy PID files (`<pids>/toolhive-<name>.pid`): what
 * the detached proxy of a workload last said about itself. They are claims, not facts: `list` checks them
 * against the process table and the runtime before it believes them.
 * @module
 */
import { z } from "zod";
import { createFileExclusive, readFileIfExists, removeFileIfExists, writeFileAtomic } from "./files.ts";
import { checkWorkloadName } from "./paths.ts";

/** The states a workload's proxy records (ToolHive's names). */
export const RECORDED_STATES = ["starting", "running", "stopping", "stopped", "error"] as const;

/** A state the proxy records. */
export type RecordedState = typeof RECORDED_STATES[number];

/** A status file (ToolHive's keys). */
export const StatusRecord = z.object({
  status: z.enum(RECORDED_STATES),
  status_context: z.string().default(""),
  process_id: z.int().min(0).default(0),
  /** When the proxy process started (`ps -o lstart`), to tell it from a later process with the same PID. */
  process_started: z.string().default(""),
  url: z.string().default(""),
  restarts: z.int().min(0).default(0),
  created_at: z.string(),
  updated_at: z.string(),
});

/** A status file after defaults. */
export type StatusRecord = z.output<typeof StatusRecord>;

/** Status and PID files in their folders. */
export class StatusStore {
  readonly #statuses: string;
  readonly #pids: string;

  /** A store over the folders of `statePaths()`. */
  constructor(paths: { readonly statuses: string; readonly pids: string }) {
    this.#statuses = paths.statuses;
    this.#pids = paths.pids;
  }

  #statusPath(name: string): string {
    return `${this.#statuses}/${checkWorkloadName(name)}.json`;
  }

  #pidPath(name: string): string {
    return `${this.#pids}/toolhive-${checkWorkloadName(name)}.pid`;
  }

  /** The recorded status of `name`, or undefined when there is none (or it is unreadable). */
  async load(name: string): Promise<StatusRecord | undefined> {
    const text = await readFileIfExists(this.#statusPath(name));
    if (text === undefined) return undefined;
    try {
      return StatusRecord.parse(JSON.parse(text));
    } catch {
      return undefined; // a foreign or damaged file says nothing we can trust
    }
  }

  /** Records a new state for `name`, keeping what `change` does not replace. */
  async record(
    name: string,
    change: Partial<Omit<StatusRecord, "created_at" | "updated_at">> & { status: RecordedState },
  ): Promise<StatusRecord> {
    const now = new Date().toISOString();
    const previous = await this.load(name);
    const next = StatusRecord.parse({
      ...previous,
      created_at: previous?.created_at ?? now,
      ...change,
      updated_at: now,
    });
    await writeFileAtomic(this.#statusPath(name), JSON.stringify(next, null, 2) + "\n");
    return next;
  }

  /** Records the PID of the workload's proxy process. */
  writePid(name: string, pid: number): Promise<void> {
    return writeFileAtomic(this.#pidPath(name), `${pid}\n`);
  }

  /** Records the PID only if no PID file is there; false when one is (of two racing proxies, one wins). */
  createPid(name: string, pid: number): Promise<boolean> {
    return createFileExclusive(this.#pidPath(name), `${pid}\n`);
  }

  /** The recorded proxy PID of `name`, or undefined. */
  async readPid(name: string): Promise<number | undefined> {
    const text = await readFileIfExists(this.#pidPath(name));
    const pid = Number(text?.trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  }

  /** Deletes the PID file of `name`; with `onlyIf`, only when it holds that PID (not a successor's). */
  async removePid(name: string, onlyIf?: number): Promise<void> {
    if (onlyIf !== undefined && (await this.readPid(name)) !== onlyIf) return;
    await removeFileIfExists(this.#pidPath(name));
  }

  /** Deletes the status and PID files of `name`. */
  async remove(name: string): Promise<void> {
    await removeFileIfExists(this.#statusPath(name));
    await this.removePid(name);
  }
}
