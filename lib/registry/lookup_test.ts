import assert from "node:assert/strict";
import { imageServer, npmServer, registryOf, stacklokMeta } from "./_test_registry.ts";
import {
  displayName,
  editDistance,
  findServer,
  requireServer,
  searchServers,
  ServerNotFoundError,
  suggestServerNames,
  wordScore,
} from "./lookup.ts";
import { parseRegistry } from "./parse.ts";

const { entries } = parseRegistry(
  registryOf(
    npmServer("io.github.modelcontextprotocol/server-memory", {
      description: "Knowledge graph memory",
      _meta: stacklokMeta("npx://@example/pkg@1.2.3", { tags: ["memory", "graph"], tools: ["read_graph"] }),
    }),
    imageServer("io.github.neo4j/memory-mcp", "ghcr.io/neo4j/memory:1", {
      description: "Memory in a Neo4j database",
      _meta: stacklokMeta("ghcr.io/neo4j/memory:1", { tags: ["neo4j", "database"], tools: ["store_memory"] }),
    }),
    imageServer("io.github.github/github-mcp-server", "ghcr.io/github/github-mcp-server:v1", {
      description: "Issues and pull requests on GitHub",
      _meta: stacklokMeta("ghcr.io/github/github-mcp-server:v1", {
        tags: ["github", "repository"],
        tools: ["search_code", "create_issue"],
      }),
    }),
    imageServer("io.github.example/notes", "ghcr.io/example/notes:1", {
      description: "Notes that mention github in passing",
      _meta: stacklokMeta("ghcr.io/example/notes:1", { tags: ["notes"], tools: ["add_note", "search_notes"] }),
    }),
  ),
  "test",
);

Deno.test("findServer resolves full names, short names and last segments, ignoring case", () => {
  assert.equal(findServer(entries, "io.github.github/github-mcp-server")?.shortName, "github");
  assert.equal(findServer(entries, "github")?.name, "io.github.github/github-mcp-server");
  assert.equal(findServer(entries, "GitHub")?.name, "io.github.github/github-mcp-server");
  assert.equal(findServer(entries, "github-mcp-server")?.name, "io.github.github/github-mcp-server");
  assert.equal(findServer(entries, "server-memory")?.name, "io.github.modelcontextprotocol/server-memory");
  assert.equal(findServer(entries, "io.github.modelcontextprotocol/server-memory")?.shortName, "memory");
});

Deno.test("findServer returns undefined for a name no server has", () => {
  assert.equal(findServer(entries, "ghcr.io/x/y:1"), undefined);
  assert.equal(findServer(entries, "git"), undefined);
});

Deno.test("findServer throws on an ambiguous short name, listing the candidates", () => {
  assert.throws(() => findServer(entries, "memory"), {
    name: "RangeError",
    message: "Server name memory is ambiguous: it matches io.github.modelcontextprotocol/server-memory, " +
      "io.github.neo4j/memory-mcp: use the full name",
  });
});

Deno.test("requireServer throws ServerNotFoundError with the message the CLI prints", () => {
  assert.throws(() => requireServer(entries, "nope"), ServerNotFoundError);
  assert.throws(() => requireServer(entries, "nope"), {
    message: "No server named nope in the registry: see thv registry list or thv search <word>",
  });
});

Deno.test("requireServer suggests the closest names of a mistyped one", () => {
  assert.throws(() => requireServer(entries, "githb"), {
    message: "No server named githb in the registry (did you mean github?): see thv registry list or thv search <word>",
  });
});

Deno.test("editDistance counts insertions, deletions, substitutions and swaps", () => {
  const table: Array<[string, string, number]> = [
    ["evrything", "everything", 1],
    ["everyhting", "everything", 1],
    ["", "abc", 3],
    ["fetch", "fetch", 0],
    ["kitten", "sitting", 3],
  ];
  for (const [a, b, d] of table) assert.equal(editDistance(a, b), d, `${a} → ${b}`);
});

Deno.test("suggestServerNames: close names only, closest first, by display name", () => {
  assert.deepEqual(suggestServerNames(entries, "notse"), ["notes"]);
  assert.deepEqual(suggestServerNames(entries, "GITHUB-"), ["github"]);
  assert.deepEqual(suggestServerNames(entries, "memroy"), [
    "io.github.modelcontextprotocol/server-memory",
    "io.github.neo4j/memory-mcp",
  ]);
  assert.deepEqual(suggestServerNames(entries, "kubernetes"), []);
  assert.deepEqual(suggestServerNames(entries, "x"), []);
});

Deno.test("displayName is the short name unless another entry shares it", () => {
  const names = entries.map((e) => displayName(e, entries));
  assert.deepEqual(names, [
    "github",
    "io.github.modelcontextprotocol/server-memory",
    "io.github.neo4j/memory-mcp",
    "notes",
  ]);
});

Deno.test("searchServers ranks a name above a tag above a tool above the description", () => {
  const names = (q: string) => searchServers(entries, q).map((e) => e.shortName);
  assert.deepEqual(names("github"), ["github", "notes"]);
  assert.deepEqual(names("database"), ["memory"]);
  assert.equal(searchServers(entries, "database")[0]!.name, "io.github.neo4j/memory-mcp");
  assert.deepEqual(names("search"), ["notes", "github"], "both match a tool name in part: the tie goes by name");
  assert.deepEqual(names("SEARCH_CODE"), ["github"]);
  assert.deepEqual(names("graph"), ["memory"]);
  assert.equal(searchServers(entries, "graph")[0]!.name, "io.github.modelcontextprotocol/server-memory");
});

Deno.test("searchServers needs every word to match, and matches nothing for an empty query", () => {
  assert.deepEqual(searchServers(entries, "memory neo4j").map((e) => e.name), ["io.github.neo4j/memory-mcp"]);
  assert.deepEqual(searchServers(entries, "memory kubernetes"), []);
  assert.deepEqual(searchServers(entries, "   "), []);
});

Deno.test("searchServers breaks ties by name", () => {
  assert.deepEqual(searchServers(entries, "memory").map((e) => e.name), [
    "io.github.modelcontextprotocol/server-memory",
    "io.github.neo4j/memory-mcp",
  ]);
});

Deno.test("wordScore orders the kinds of match: name, tag, tool, description", () => {
  const github = findServer(entries, "github")!;
  const score = (w: string) => wordScore(github, w);
  assert.ok(score("github") > score("repository"), "name over tag");
  assert.ok(score("repository") > score("search_code"), "tag over tool");
  assert.ok(score("search_code") > score("repo"), "tool over partial tag");
  assert.ok(score("repo") > score("search"), "partial tag over partial tool");
  assert.ok(score("search") > score("pull"), "partial tool over description");
  assert.equal(score("kubernetes"), 0);
});
