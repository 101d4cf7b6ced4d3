/**
 * The RunConfig store of the laptop tool: one JSON file per workload in the RunConfig folder.
 * @module
 */
import { parseRunConfig, type RunConfig, serializeRunConfig } from "../run_config.ts";
import { createFileExclusive, readFileIfExists, removeFileIfExists, writeFileAtomic } from "./files.ts";
import { checkWorkloadName } from "./paths.ts";

/** Saved RunConfigs in one folder. */
export class RunConfigStore {
  readonly #dir: string;

  /** A store over `dir` (see `statePaths().runConfigs`). */
  constructor(dir: string) {
    this.#dir = dir;
  }

  #path(name: string): string {
    return `${this.#dir}/${checkWorkloadName(name)}.json`;
  }

  /** Saves (or replaces) the RunConfig of `config.name`. */
  save(config: RunConfig): Promise<void> {
    return writeFileAtomic(this.#path(config.name), serializeRunConfig(config));
  }

  /** Saves the RunConfig of a new workload; false when one of that name exists (of two racing, one wins). */
  create(config: RunConfig): Promise<boolean> {
    return createFileExclusive(this.#path(config.name), serializeRunConfig(config));
  }

  /** The RunConfig of `name`, or undefined when there is none. */
  async load(name: string): Promise<RunConfig | undefined> {
    const path = this.#path(name);
    const text = await readFileIfExists(path);
    return text === undefined ? undefined : parseRunConfig(text, path);
  }

  /** The names of every saved workload, sorted. */
  async names(): Promise<string[]> {
    const names: string[] = [];
    try {
      for await (const entry of Deno.readDir(this.#dir)) {
        if (entry.isFile && entry.name.endsWith(".json")) names.push(entry.name.slice(0, -5));
      }
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
    return names.sort();
  }

  /** Deletes the RunConfig of `name`; false when there was none. */
  remove(name: string): Promise<boolean> {
    return removeFileIfExists(this.#path(name));
  }
}
