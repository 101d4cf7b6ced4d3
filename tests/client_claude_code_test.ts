/**
 * A real MCP client reads what `thv client` writes: the Claude Code CLI (from npm, installed by
 * scripts/ensure_claude_code.sh, named by THV_CLAUDE_CODE) lists and checks the entry thv put in `~/.claude.json`
 * for a running workload, next to the user's own settings and server, and no longer has it once thv removed it.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { privateHome, runThv } from "./harness/mod.ts";

const CACHE = `${Deno.env.get("HOME")}/.cache/thv/test-xdg-cache`;
const PROBE = `npx://${fileURLToPath(new URL("./fixtures/sandbox_probe", import.meta.url))}`;
const CLAUDE = Deno.env.get("THV_CLAUDE_CODE");

/** The user's own `~/.claude.json`: settings and a server of theirs that thv must keep. */
const USER_CONFIG = `{
  "numStartups": 7,
  "theme": "dark",
  "mcpServers": {
    "mine": { "type": "http", "url": "http://127.0.0.1:9/mcp" }
  }
}
`;

async function claude(args: string[], home: string): Promise<string> {
  const out = await new Deno.Command(CLAUDE!, {
    args,
    env: {
      HOME: home,
      PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
      NO_COLOR: "1",
      // No traffic but to the loopback server it checks: no updater, telemetry or error reports.
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
      DISABLE_AUTOUPDATER: "1",
      DISABLE_TELEMETRY: "1",
      DISABLE_ERROR_REPORTING: "1",
    },
    clearEnv: true,
    stdin: "null",
  }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, `claude ${args.join(" ")}: ${text}`);
  return text;
}

async function ok(args: string[], env: Record<string, string>): Promise<string> {
  const res = await runThv(args, env);
  assert.equal(res.code, 0, `thv ${args.join(" ")}: ${res.stderr}`);
  return res.stdout;
}

Deno.test("Claude Code reads and connects to the entry thv client wrote for a running workload; rm takes it out", async () => {
  assert.ok(CLAUDE, "THV_CLAUDE_CODE is not set: run `bash scripts/ensure_claude_code.sh` and export its path");
  await using user = await privateHome({ XDG_CACHE_HOME: CACHE, TOOLHIVE_RUNTIME: "deno" });
  const file = `${user.home}/.claude.json`;
  await Deno.mkdir(`${user.home}/.claude`);
  await Deno.writeTextFile(file, USER_CONFIG);
  await ok(["client", "register", "claude-code"], user.env);
  try {
    const url = (await ok(["run", "--name", "probe", "--permission-profile", "none", PROBE], user.env)).trim();
    // thv kept the user's settings (read before Claude Code, which rewrites its own file as it likes, runs).
    const written = JSON.parse(await Deno.readTextFile(file));
    assert.deepEqual([written.theme, written.numStartups, Object.keys(written.mcpServers)], ["dark", 7, [
      "mine",
      "probe",
    ]]);
    const probe = await claude(["mcp", "get", "probe"], user.home);
    assert.match(probe, new RegExp(`URL: ${url.replaceAll(".", "\\.")}`));
    assert.match(probe, /Type: http/);
    assert.match(probe, /Status: .*Connected/, probe);
    assert.match(await claude(["mcp", "get", "mine"], user.home), /URL: http:\/\/127\.0\.0\.1:9\/mcp/);
    await ok(["rm", "probe"], user.env);
    assert.doesNotMatch(await claude(["mcp", "list"], user.home), /probe/);
  } finally {
    await runThv(["rm", "probe"], user.env);
  }
  await ok(["client", "remove", "claude-code"], user.env);
  const after = JSON.parse(await Deno.readTextFile(file));
  assert.deepEqual(Object.keys(after.mcpServers), ["mine"]);
});
