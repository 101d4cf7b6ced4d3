/**
 * Finding servers in a registry: by full or short name (`thv run everything`), and by search words
 * over names, descriptions, tags and tools.
 * @module
 */
import { NotFoundError } from "../errors.ts";
import { lastSegmentOf, type RegistryEntry } from "./entry.ts";

/** Thrown by `requireServer` when no server has the name; `thv run` treats the name as an image instead. */
export class ServerNotFoundError extends NotFoundError {
  /** The name that was looked up. */
  readonly serverName: string;

  constructor(name: string, suggestions: readonly string[] = []) {
    super(
      `No server named ${name} in the registry${didYouMean(suggestions)}: see thv registry list or thv search <word>`,
    );
    this.name = "ServerNotFoundError";
    this.serverName = name;
  }
}

/**
 * Finds a server by full name, short name or the last segment of its name, ignoring case. Returns
 * undefined when none matches; throws a RangeError listing the candidates when a short name is ambiguous.
 * @example
 * findServer(registry.entries, "everything")?.reference; // "npx://@modelcontextprotocol/server-everything@2026.8.31"
 */
export function findServer(entries: readonly RegistryEntry[], name: string): RegistryEntry | undefined {
  const wanted = name.trim().toLowerCase();
  const exact = entries.find((e) => e.name.toLowerCase() === wanted);
  if (exact) return exact;
  const matches = entries.filter((e) => e.shortName === wanted || lastSegmentOf(e.name) === wanted);
  if (matches.length > 1) {
    throw new RangeError(
      `Server name ${name} is ambiguous: it matches ${matches.map((e) => e.name).join(", ")}: use the full name`,
    );
  }
  return matches[0];
}

/** Like `findServer`, but throws `ServerNotFoundError` (with the closest names) when no server has the name. */
export function requireServer(entries: readonly RegistryEntry[], name: string): RegistryEntry {
  const entry = findServer(entries, name);
  if (!entry) throw new ServerNotFoundError(name, suggestServerNames(entries, name));
  return entry;
}

/** ` (did you mean a or b?)`, or nothing when there is no suggestion. */
export function didYouMean(suggestions: readonly string[]): string {
  return suggestions.length ? ` (did you mean ${suggestions.join(" or ")}?)` : "";
}

/** Edit distance with adjacent transpositions (optimal string alignment): `evrything` is 1 from `everything`. */
export function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, d[i - 2]![j - 2]! + 1);
      }
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The names to suggest for a mistyped server name: the display names (see {@linkcode displayName}) within
 * a third of the name's length in edits (at least 1), closest first, at most three.
 */
export function suggestServerNames(entries: readonly RegistryEntry[], name: string): string[] {
  const wanted = name.trim().toLowerCase();
  const limit = Math.max(1, Math.floor(wanted.length / 3));
  return entries
    .map((entry) => ({
      shown: displayName(entry, entries),
      distance: Math.min(editDistance(wanted, entry.shortName), editDistance(wanted, lastSegmentOf(entry.name))),
    }))
    .filter((s) => s.distance <= limit)
    .sort((a, b) => a.distance - b.distance || a.shown.localeCompare(b.shown))
    .map((s) => s.shown)
    .filter((shown, i, all) => all.indexOf(shown) === i)
    .slice(0, 3);
}

/** The name to show for an entry: its short name, or its full name when another entry shares the short name. */
export function displayName(entry: RegistryEntry, entries: readonly RegistryEntry[]): string {
  const shared = entries.some((e) => e !== entry && e.shortName === entry.shortName);
  return shared ? entry.name : entry.shortName;
}

/**
 * How well one word matches one entry; 0 when it does not match at all. Only the last segment of the name
 * counts: every `io.github.*` name contains "github".
 */
export function wordScore(entry: RegistryEntry, word: string): number {
  const w = word.toLowerCase();
  const segment = lastSegmentOf(entry.name);
  if (entry.shortName === w || segment === w || entry.name.toLowerCase() === w) return 100;
  const tags = entry.tags.map((t) => t.toLowerCase());
  const tools = entry.tools.map((t) => t.toLowerCase());
  const text = `${entry.title ?? ""} ${entry.description}`.toLowerCase();
  return Math.max(
    segment.includes(w) ? 40 : 0,
    tags.includes(w) ? 30 : 0,
    tools.includes(w) ? 25 : 0,
    tags.some((t) => t.includes(w)) ? 15 : 0,
    tools.some((t) => t.includes(w)) ? 12 : 0,
    text.includes(w) ? 10 : 0,
  );
}

/**
 * The entries matching every word of `query`, best first: a name match beats a tag, a tag beats a tool, a
 * tool beats the description; ties go by name. An empty query matches nothing.
 */
export function searchServers(entries: readonly RegistryEntry[], query: string): RegistryEntry[] {
  const words = query.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [];
  return entries
    .map((entry) => {
      const scores = words.map((w) => wordScore(entry, w));
      return { entry, score: scores.includes(0) ? 0 : scores.reduce((a, b) => a + b, 0) };
    })
    .filter((r) => r.score > 0)
    .sort((a, b) => b.score - a.score || a.entry.name.localeCompare(b.entry.name))
    .map((r) => r.entry);
}
