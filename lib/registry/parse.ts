/**
 * Reads a registry file in the upstream MCP registry format into thv's entries. A bad file gives one
 * line naming the registry, the server and the field.
 * @module
 */
import { FieldError, formatPath } from "./_field_error.ts";
import { type RegistryEntry, type SkippedServer, toEntry } from "./entry.ts";
import { RegistryFile, Server } from "./schema.ts";

/** A registry, read and normalized. */
export interface Registry {
  /** Where it came from (`built-in`, a path or a URL), for messages. */
  readonly source: string;
  /** When the registry was last updated (RFC 3339), from `meta.last_updated`. */
  readonly lastUpdated: string;
  /** The registry format's version, from `version` (e.g. `1.0.0`). */
  readonly version: string;
  /** Every server of the file as its `server.json` (checked, unknown keys kept), in the file's order. */
  readonly servers: readonly Readonly<Record<string, unknown>>[];
  /** The servers thv can run, sorted by short name, then name. */
  readonly entries: readonly RegistryEntry[];
  /** Servers of the file that thv cannot run (no npm or oci package), with the reason. */
  readonly skipped: readonly SkippedServer[];
}

/**
 * Reads a registry from parsed JSON; throws a TypeError naming the server and field of the first problem.
 * @example
 * const registry = parseRegistry(JSON.parse(await Deno.readTextFile(path)), path);
 */
export function parseRegistry(data: unknown, source: string): Registry {
  const file = RegistryFile.safeParse(data);
  if (!file.success) {
    const issue = file.error.issues[0]!;
    throw new TypeError(`Registry ${source}: field ${formatPath(issue.path)}: ${issue.message}`, {
      cause: file.error,
    });
  }
  const entries: RegistryEntry[] = [];
  const skipped: SkippedServer[] = [];
  const servers: Readonly<Record<string, unknown>>[] = [];
  const seen = new Set<string>();
  file.data.data.servers.forEach((raw, i) => {
    const label = serverLabel(raw, i);
    const fail = (path: readonly PropertyKey[], message: string, cause: unknown): never => {
      throw new TypeError(`Registry ${source}: server ${label}: field ${formatPath(path)}: ${message}`, { cause });
    };
    const parsed = Server.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      return fail(issue.path, issue.message, parsed.error);
    }
    if (seen.has(parsed.data.name)) {
      throw new TypeError(`Registry ${source}: server ${label} appears twice: each name must be unique`);
    }
    seen.add(parsed.data.name);
    servers.push(raw as Record<string, unknown>);
    try {
      const result = toEntry(parsed.data);
      if ("reason" in result) skipped.push(result);
      else entries.push(result);
    } catch (e) {
      if (e instanceof FieldError) return fail(e.path, e.message, e);
      throw e;
    }
  });
  entries.sort((a, b) => a.shortName.localeCompare(b.shortName) || a.name.localeCompare(b.name));
  return { source, lastUpdated: file.data.meta.last_updated, version: file.data.version, servers, entries, skipped };
}

/** Reads a registry from JSON text; a syntax error names the source. */
export function parseRegistryText(text: string, source: string): Registry {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new SyntaxError(`Registry ${source} is not JSON: ${(e as Error).message}`, { cause: e });
  }
  return parseRegistry(data, source);
}

/** How to name a server in an error: its name when it has a string one, else its position. */
function serverLabel(raw: unknown, index: number): string {
  const name = (raw as { name?: unknown } | null)?.name;
  return typeof name === "string" && name !== "" ? name : `data.servers[${index}]`;
}
