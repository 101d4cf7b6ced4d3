/**
 * The group store of the laptop tool, in ToolHive's layout: one JSON file per group,
 * `$XDG_STATE_HOME/toolhive/groups/<name>.json`, holding `{"name": …, "registered_clients": […]}`. Keys thv
 * does not know (ToolHive's `skills`, `plugins`) are kept. The `default` group always exists; its file is
 * written with the first group created (ToolHive writes it on start-up), and reading never writes.
 * @module
 */
import { z } from "zod";
import { ConflictError, NotFoundError } from "../errors.ts";
import { createFileExclusive, readFileIfExists, removeFileIfExists, writeFileAtomic } from "../state/mod.ts";
import { checkGroupName, DEFAULT_GROUP } from "./name.ts";

/** A group's file. */
export const GroupRecord = z.looseObject({
  name: z.string().min(1),
  // Go writes a nil slice as null.
  registered_clients: z.array(z.string()).nullable().default([]).transform((v) => v ?? []),
});

/** A group as saved. */
export type GroupRecord = z.output<typeof GroupRecord>;

/** The JSON of a group file, as ToolHive writes it (two-space indent, a final newline). */
function serialize(record: GroupRecord): string {
  return `${JSON.stringify(record, null, 2)}\n`;
}

/** Saved groups in one folder (see `statePaths().groups`). */
export class GroupStore {
  readonly #dir: string;

  /** A store over `dir`. */
  constructor(dir: string) {
    this.#dir = dir;
  }

  #path(name: string): string {
    return `${this.#dir}/${checkGroupName(name)}.json`;
  }

  async #ensureDefault(): Promise<void> {
    await createFileExclusive(this.#path(DEFAULT_GROUP), serialize({ name: DEFAULT_GROUP, registered_clients: [] }));
  }

  /** Creates an empty group; a ConflictError when it exists (of two racing, one wins). */
  async create(name: string): Promise<GroupRecord> {
    await this.#ensureDefault();
    const record: GroupRecord = { name: checkGroupName(name), registered_clients: [] };
    if (!(await createFileExclusive(this.#path(name), serialize(record)))) {
      throw new ConflictError(`Group ${name} exists already: see thv group list, or choose another name`);
    }
    return record;
  }

  /** The group `name`, or undefined when there is none; a bad file is an error naming it. */
  async load(name: string): Promise<GroupRecord | undefined> {
    const path = this.#path(name);
    const text = await readFileIfExists(path);
    if (text === undefined) return name === DEFAULT_GROUP ? { name, registered_clients: [] } : undefined;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw new SyntaxError(`Group file ${path} is not JSON: fix or delete it`, { cause: e });
    }
    const parsed = GroupRecord.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new TypeError(`Group file ${path}: ${issue.path.join(".") || "(root)"} ${issue.message}: fix or delete it`);
    }
    return parsed.data;
  }

  /** The group `name`; a NotFoundError saying how to create it when there is none. */
  async get(name: string): Promise<GroupRecord> {
    const record = await this.load(name);
    if (!record) {
      throw new NotFoundError(`No group named ${name}: create it with thv group create ${name} (see thv group list)`);
    }
    return record;
  }

  /** Every group, sorted by name (`default` among them). */
  async list(): Promise<GroupRecord[]> {
    const names = new Set([DEFAULT_GROUP]);
    try {
      for await (const entry of Deno.readDir(this.#dir)) {
        if (entry.isFile && entry.name.endsWith(".json")) names.add(entry.name.slice(0, -5));
      }
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
    const records = await Promise.all(
      [...names].sort().map((name) => {
        try {
          checkGroupName(name);
        } catch {
          return undefined; // not a file thv or ToolHive wrote
        }
        return this.load(name);
      }),
    );
    return records.filter((r): r is GroupRecord => r !== undefined);
  }

  /**
   * Changes the group's `registered_clients` (ToolHive's record of the MCP clients that get its workloads),
   * keeping its other keys; a NotFoundError when there is no such group. Callers serialise their updates.
   */
  async updateClients(name: string, change: (clients: readonly string[]) => readonly string[]): Promise<void> {
    const record = await this.get(name);
    const registered_clients = [...change(record.registered_clients)];
    if (registered_clients.join("\n") === record.registered_clients.join("\n")) return;
    await writeFileAtomic(this.#path(name), serialize({ ...record, registered_clients }));
  }

  /** Deletes a group's file; false when there was none. The `default` group is refused. */
  remove(name: string): Promise<boolean> {
    if (name === DEFAULT_GROUP) {
      throw new RangeError(
        `The ${DEFAULT_GROUP} group cannot be removed: it holds the workloads that are in no other group`,
      );
    }
    return removeFileIfExists(this.#path(name));
  }
}
