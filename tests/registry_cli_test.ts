/**
 * `thv registry list|info` and `thv search` as a user runs them: text and JSON output from the built-in
 * registry, and one-line errors for a name the registry does not have.
 */
import assert from "node:assert/strict";
import { builtinRegistry } from "../lib/registry/mod.ts";
import { runThv as thv } from "./harness/mod.ts";

const entries = builtinRegistry().entries;
const asJson = (value: unknown) => JSON.parse(JSON.stringify(value));

Deno.test("thv registry list prints a table of every built-in server, and the entries as JSON", async (t) => {
  await t.step("text", async () => {
    const res = await thv(["registry", "list"]);
    assert.equal(res.code, 0, res.stderr);
    assert.equal(res.stderr, "");
    const lines = res.stdout.trimEnd().split("\n");
    assert.match(lines[0]!, /^NAME +TYPE +TRANSPORT +TIER +DESCRIPTION$/);
    assert.deepEqual(lines.slice(1).map((l) => l.split(/\s+/)[0]), entries.map((e) => e.shortName));
    assert.match(lines.find((l) => l.startsWith("everything "))!, /^everything +npm +stdio +Community +Reference /);
    assert.match(lines.find((l) => l.startsWith("github "))!, /^github +image +stdio +Official +GitHub/);
    assert.match(lines.find((l) => l.startsWith("gofetch "))!, /^gofetch +image +streamable-http +Community +/);
    for (const line of lines) assert.ok(line.length <= 120, `too wide: ${line}`);
  });
  await t.step("json", async () => {
    const res = await thv(["registry", "list", "--format", "json"]);
    assert.equal(res.code, 0, res.stderr);
    assert.deepEqual(JSON.parse(res.stdout), asJson(entries));
  });
});

Deno.test("thv registry info shows one server by short or full name, as labelled lines or JSON", async (t) => {
  await t.step("text, short name", async () => {
    const res = await thv(["registry", "info", "everything"]);
    assert.equal(res.code, 0, res.stderr);
    const lines = res.stdout.split("\n");
    for (
      const line of [
        "name:         io.github.modelcontextprotocol/server-everything",
        "short name:   everything",
        "type:         npm",
        "run:          npx://@modelcontextprotocol/server-everything@2026.8.31",
        "transport:    stdio",
        "permissions:  network: outbound to raw.githubusercontent.com on port 443",
      ]
    ) assert.ok(lines.includes(line), `missing line: ${line}\n${res.stdout}`);
    assert.match(res.stdout, /^tools: +echo, get-annotated-message, /m);
  });
  await t.step("text, full name gives the same output", async () => {
    const [short, full] = await Promise.all([
      thv(["registry", "info", "github"]),
      thv(["registry", "info", "io.github.github/github-mcp-server"]),
    ]);
    assert.equal(full.code, 0, full.stderr);
    assert.equal(full.stdout, short.stdout);
    assert.match(full.stdout, /^env: +GITHUB_PERSONAL_ACCESS_TOKEN \(required, secret\): /m);
    assert.match(
      full.stdout,
      /^permissions: +network: outbound to \.github\.com, \.githubusercontent\.com on port 443$/m,
    );
  });
  await t.step("json", async () => {
    const res = await thv(["registry", "info", "gofetch", "--format", "json"]);
    assert.equal(res.code, 0, res.stderr);
    assert.deepEqual(JSON.parse(res.stdout), asJson(entries.find((e) => e.shortName === "gofetch")));
  });
});

Deno.test("thv search finds servers by every word and ranks them, in text and JSON", async (t) => {
  await t.step("text", async () => {
    const res = await thv(["search", "github", "issues"]);
    assert.equal(res.code, 0, res.stderr);
    const lines = res.stdout.trimEnd().split("\n");
    assert.equal(lines.length, 2, res.stdout);
    assert.match(lines[1]!, /^github +image +stdio +Official +/);
  });
  await t.step("json, best match first", async () => {
    const res = await thv(["search", "--format", "json", "read"]);
    assert.equal(res.code, 0, res.stderr);
    // filesystem has the tag "read"; github and memory only have tools whose names contain it (a tie: by name)
    assert.deepEqual(JSON.parse(res.stdout).map((e: { shortName: string }) => e.shortName), [
      "filesystem",
      "github",
      "memory",
    ]);
  });
  await t.step("no match is not an error", async () => {
    const [text, json] = await Promise.all([
      thv(["search", "kubernetes"]),
      thv(["search", "kubernetes", "--format", "json"]),
    ]);
    assert.equal(text.code, 0, text.stderr);
    assert.equal(text.stdout, "No servers match kubernetes: see thv registry list for all of them\n");
    assert.equal(json.code, 0, json.stderr);
    assert.deepEqual(JSON.parse(json.stdout), []);
  });
});

Deno.test("thv registry info names an unknown server in one line and exits 1", async () => {
  const res = await thv(["registry", "info", "nope"]);
  assert.equal(res.code, 1);
  assert.equal(res.stdout, "");
  assert.equal(res.stderr, "thv: No server named nope in the registry: see thv registry list or thv search <word>\n");
});
