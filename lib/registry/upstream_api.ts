/**
 * The read side of the upstream MCP registry API (`/v0.1/servers`) over a registry thv has: pages of its
 * servers as their `server.json`, each with the registry's own `_meta` (status, whether it is the latest
 * version, when it was updated), found by a name substring and paged by an opaque cursor. Pure.
 * @module
 */
import { NotFoundError } from "../errors.ts";
import type { Registry } from "./parse.ts";

/** The `_meta` key the registry itself writes (as the official registry does). */
export const OFFICIAL_META = "io.modelcontextprotocol.registry/official";

/** Items per page when the caller names no limit (the official registry's default). */
export const DEFAULT_PAGE_LIMIT = 30;

/** The most items one page holds. */
export const MAX_PAGE_LIMIT = 100;

/** One server as the upstream API answers it: its `server.json` and the registry's metadata. */
export interface UpstreamServerResponse {
  /** The server.json, as the registry file has it. */
  readonly server: Readonly<Record<string, unknown>>;
  /** The registry's metadata, under {@linkcode OFFICIAL_META}. */
  readonly _meta: {
    readonly [OFFICIAL_META]: {
      readonly status: "active" | "deprecated";
      readonly updatedAt: string;
      readonly isLatest: boolean;
    };
  };
}

/** One page of servers. */
export interface UpstreamServerList {
  /** The servers of this page, by name. */
  readonly servers: readonly UpstreamServerResponse[];
  /** How many there are on the page and, when more follow, the cursor of the next page. */
  readonly metadata: { readonly count: number; readonly nextCursor?: string };
}

/** What selects a page. */
export interface UpstreamQuery {
  /** The `nextCursor` of the previous page. */
  readonly cursor?: string;
  /** Items per page, 1 to {@linkcode MAX_PAGE_LIMIT} (default {@linkcode DEFAULT_PAGE_LIMIT}). */
  readonly limit?: number;
  /** Only servers whose name contains this, ignoring case. */
  readonly search?: string;
}

function response(registry: Registry, server: Readonly<Record<string, unknown>>): UpstreamServerResponse {
  const entry = registry.entries.find((e) => e.name === server.name);
  return {
    server,
    _meta: {
      [OFFICIAL_META]: { status: entry?.status ?? "active", updatedAt: registry.lastUpdated, isLatest: true },
    },
  };
}

function nameOf(server: Readonly<Record<string, unknown>>): string {
  return String(server.name);
}

/** The page of `registry`'s servers `query` selects; the cursor is the last name of the page before. */
export function upstreamServers(registry: Registry, query: UpstreamQuery = {}): UpstreamServerList {
  const limit = query.limit ?? DEFAULT_PAGE_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_LIMIT) {
    throw new RangeError(`limit ${limit} is out of range: use 1 to ${MAX_PAGE_LIMIT}`);
  }
  const search = query.search?.toLowerCase();
  const after = query.cursor;
  const matching = [...registry.servers]
    .filter((s) => !search || nameOf(s).toLowerCase().includes(search))
    .sort((a, b) => (nameOf(a) < nameOf(b) ? -1 : nameOf(a) > nameOf(b) ? 1 : 0))
    .filter((s) => after === undefined || nameOf(s) > after);
  const page = matching.slice(0, limit);
  const more = matching.length > limit;
  return {
    servers: page.map((s) => response(registry, s)),
    metadata: { count: page.length, ...(more ? { nextCursor: nameOf(page.at(-1)!) } : {}) },
  };
}

/** The latest (thv keeps one) version of the server named `name` exactly; a NotFoundError when there is none. */
export function upstreamLatest(registry: Registry, name: string): UpstreamServerResponse {
  const server = registry.servers.find((s) => nameOf(s) === name);
  if (!server) {
    throw new NotFoundError(
      `No server named ${name} in registry ${registry.source}: give the full reverse-DNS name, e.g. io.github.owner/server`,
    );
  }
  return response(registry, server);
}
