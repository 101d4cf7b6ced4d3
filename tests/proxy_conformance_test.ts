/**
 * The official MCP conformance suite (@modelcontextprotocol/conformance 0.1.16, run with Deno) against the
 * fixture directly, against the fixture bridged from stdio by the proxy, and against the fixture behind the
 * reverse proxy: every scenario that passes directly must pass through both. Reports are kept under
 * test-reports/conformance/.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { fixtureHttpHandler } from "./fixtures/mcp_fixture.ts";
import { FIXTURE_STDIO, REPO_ROOT, serveHttpProxy, serveStdioProxy } from "./harness/mod.ts";

const SUITE = fileURLToPath(
  new URL("../node_modules/@modelcontextprotocol/conformance/dist/index.js", import.meta.url),
);
const REPORTS = `${REPO_ROOT}test-reports/conformance`;

/** Runs the suite against `url`; returns scenario → passed, and keeps the report in `name`. */
async function conformance(url: string, name: string): Promise<Map<string, boolean>> {
  const dir = `${REPORTS}/${name}`;
  await Deno.remove(dir, { recursive: true }).catch(() => {});
  await Deno.mkdir(dir, { recursive: true });
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--no-lock", SUITE, "server", "--url", url, "-o", dir],
    cwd: REPO_ROOT,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  // The suite prints ANSI colours even with NO_COLOR; strip them before reading its lines.
  // deno-lint-ignore no-control-regex
  const text = new TextDecoder().decode(out.stdout).replace(/\x1b\[[0-9;]*m/g, "");
  await Deno.writeTextFile(`${dir}/summary.txt`, text);
  const results = new Map<string, boolean>();
  for (const m of text.matchAll(/^[✓✗] ([\w-]+): (\d+) passed, (\d+) failed/gm)) results.set(m[1]!, m[3] === "0");
  if (results.size === 0) {
    throw new Error(`the suite printed no results:\n${text}\n${new TextDecoder().decode(out.stderr)}`);
  }
  return results;
}

Deno.test("conformance: every scenario that passes against the fixture passes through both proxies", async (t) => {
  const abort = new AbortController();
  const listening = Promise.withResolvers<Deno.NetAddr>();
  const direct = Deno.serve(
    { hostname: "127.0.0.1", port: 0, signal: abort.signal, onListen: listening.resolve },
    fixtureHttpHandler(),
  );
  const fixtureUrl = `http://127.0.0.1:${(await listening.promise).port}/mcp`;
  try {
    const directResults = await conformance(fixtureUrl, "direct");
    const passing = [...directResults].filter(([, ok]) => ok).map(([name]) => name);
    assert.ok(
      passing.length >= 30,
      `the fixture passes most scenarios directly (${passing.length}): ${[...directResults]}`,
    );
    const lostThrough = (results: Map<string, boolean>) => passing.filter((name) => results.get(name) !== true);

    await t.step("through the stdio proxy (fixture over stdio)", async () => {
      await using proxy = await serveStdioProxy(FIXTURE_STDIO);
      assert.deepEqual(lostThrough(await conformance(proxy.url, "stdio-proxy")), [], `see ${REPORTS}/stdio-proxy`);
    });
    await t.step("through the reverse proxy (fixture over streamable HTTP)", async () => {
      await using proxy = await serveHttpProxy(fixtureUrl, "streamable-http");
      const results = await conformance(`${proxy.origin}/mcp`, "reverse-proxy");
      assert.deepEqual(lostThrough(results), [], `see ${REPORTS}/reverse-proxy`);
    });
    console.log(
      `conformance: ${passing.length}/${directResults.size} scenarios pass directly and through both proxies`,
    );
  } finally {
    abort.abort();
    await direct.finished;
  }
});
