/**
 * Secret values of local workloads, kept out of their RunConfigs (design.md §3): one JSON file per workload
 * (`<secrets>/<name>.json`, mode 0600) mapping a secret's name to its value. The RunConfig holds only
 * references, `"<name>,target=<ENV>"`, as ToolHive writes them.
 * @module
 */
import { z } from "zod";
import { readFileIfExists, removeFileIfExists, writeFileAtomic } from "./files.ts";
import { checkWorkloadName } from "./paths.ts";

const SecretFile = z.record(z.string(), z.string());

/** A reference `"<name>,target=<ENV>"` split into its parts; a malformed one is a RangeError naming it. */
export function parseSecretRef(ref: string): { name: string; target: string } {
  const match = /^([^,]+),target=([A-Za-z_][A-Za-z0-9_]*)$/.exec(ref);
  if (!match) throw new RangeError(`Secret reference ${JSON.stringify(ref)} is not "<name>,target=<ENV>"`);
  return { name: match[1]!, target: match[2]! };
}

/** The secret values of each workload. */
export class SecretStore {
  readonly #dir: string;

  /** A store over `dir` (see `statePaths().secrets`). */
  constructor(dir: string) {
    this.#dir = dir;
  }

  #path(workload: string): string {
    return `${this.#dir}/${checkWorkloadName(workload)}.json`;
  }

  /** Saves the secret values of `workload` (name → value), replacing earlier ones. */
  save(workload: string, values: Readonly<Record<string, string>>): Promise<void> {
    return writeFileAtomic(this.#path(workload), JSON.stringify(values) + "\n");
  }

  /** The values saved for `workload` (name → value); empty when none. */
  async values(workload: string): Promise<Record<string, string>> {
    const text = await readFileIfExists(this.#path(workload));
    return text === undefined ? {} : SecretFile.parse(JSON.parse(text));
  }

  /** The environment the references in `refs` give, from `workload`'s saved values; names a missing one. */
  async resolve(workload: string, refs: readonly string[]): Promise<Record<string, string>> {
    if (!refs.length) return {};
    const text = await readFileIfExists(this.#path(workload));
    const values = text === undefined ? {} : SecretFile.parse(JSON.parse(text));
    const env: Record<string, string> = {};
    for (const ref of refs) {
      const { name, target } = parseSecretRef(ref);
      const value = values[name];
      if (value === undefined) {
        throw new Error(
          `Secret ${name} of workload ${workload} is not stored: remove the workload and run it again with -e ${target}=<value>`,
        );
      }
      env[target] = value;
    }
    return env;
  }

  /** Deletes the secret values of `workload`. */
  async remove(workload: string): Promise<void> {
    await removeFileIfExists(this.#path(workload));
  }
}
