/**
 * What a newcomer meets at the command line, through the real `thv` process: parse errors as one line
 * `thv: <what>: <what to do>`, a suggestion for a mistyped server name, the warning for a proxy that
 * listens beyond loopback, RunConfig keys refused or reported by `--from-config`, and help that tells the
 * truth about the default permission profile.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { RUN_CONFIG_SCHEMA_VERSION } from "../lib/run_config.ts";
import { privateHome, runThv } from "./harness/mod.ts";

const CACHE = `${Deno.env.get("HOME")}/.cache/thv/test-xdg-cache`;
const PROBE = `npx://${fileURLToPath(new URL("./fixtures/sandbox_probe", import.meta.url))}`;
const noEngineUser = () => privateHome({ XDG_CACHE_HOME: CACHE, TOOLHIVE_RUNTIME: "deno" });

Deno.test("every command-line mistake is one line: thv: <what>: <what to do>", async () => {
  const table: Array<[string[], string]> = [
    [["run", "--prot"], "thv: unknown option --prot: see thv run --help"],
    [["run", "--porxy-port", "3"], "thv: unknown option --porxy-port (did you mean --proxy-port?): see thv run --help"],
    [["regsitry"], "thv: unknown command regsitry (did you mean registry?): see thv --help"],
    [["stop"], "thv: stop needs <names> or --group <group>: see thv stop --help"],
    [["run", "--name"], "thv: option --name <name> needs a value: see thv run --help"],
    [["logs", "a", "b", "c"], "thv: too many arguments for logs (it takes 1, got 3): see thv logs --help"],
    [["registry"], "thv: registry needs a command (list, info): see thv registry --help"],
    [["group"], "thv: group needs a command (create, list, rm): see thv group --help"],
    [["group", "rm"], "thv: group rm needs <name>: see thv group rm --help"],
    [["list", "--format", "yaml"], "thv: --format yaml is not allowed: use one of text, json"],
    [["--log-format", "xml", "list"], "thv: --log-format xml is not allowed: use one of auto, text, json"],
    [["operator", "--bogus"], "thv: unknown option --bogus: see thv operator --help"],
  ];
  await using user = await noEngineUser();
  for (const [args, line] of table) {
    const res = await runThv(args, user.env);
    assert.equal(res.code, 1, `thv ${args.join(" ")}`);
    assert.equal(res.stderr, `${line}\n`, `thv ${args.join(" ")}`);
    assert.equal(res.stdout, "");
  }
  const help = await runThv(["run", "--help"], user.env);
  assert.equal(help.code, 0, "help is not an error");
  assert.match(help.stdout, /^Usage: thv run /);
});

Deno.test("thv run evrything suggests everything", async () => {
  await using user = await noEngineUser();
  const res = await runThv(["run", "evrything"], user.env);
  assert.equal(res.code, 1);
  assert.match(res.stderr, /^thv: No server named evrything in the registry \(did you mean everything\?\): see /);
  assert.equal(res.stderr.trim().split("\n").length, 1);
});

Deno.test("thv run --help tells the default permission profile as planRun applies it", async () => {
  const res = await runThv(["run", "--help"]);
  const text = res.stdout.replace(/\s+/g, " ");
  assert.match(
    text,
    /--permission-profile <profile> none \(no network\), network \(outbound; in the Deno sandbox the internet only, no loopback or private addresses\), or a JSON profile file \(default: the registry entry's own profile when it declares one, else network; with --from-config, the file's when it names one\)/,
  );
  assert.doesNotMatch(text, /\(default: network\)/);
});

Deno.test("thv run --from-config refuses keys that guard access, naming them, and leaves nothing behind", async () => {
  await using user = await noEngineUser();
  const file = `${user.home}/exported.json`;
  await Deno.writeTextFile(
    file,
    JSON.stringify({
      schema_version: RUN_CONFIG_SCHEMA_VERSION,
      name: "guarded",
      image: PROBE,
      transport: "stdio",
      port: 18999,
      embedded_auth_server_config: { issuer: "https://auth.example" },
      rate_limit_config: { shared: { maxTokens: 10, refillPeriod: "1m" } },
    }),
  );
  const res = await runThv(["run", "--from-config", file], user.env);
  if (res.code === 0) await runThv(["rm", "guarded"], user.env); // it ran unprotected: stop it before failing
  assert.equal(res.code, 1);
  assert.equal(
    res.stderr,
    `thv: RunConfig ${file}: embedded_auth_server_config, rate_limit_config ask for the embedded authorization server, ` +
      "rate limiting, " +
      "which thv does not enforce yet: remove them from the file to run the server without them\n",
  );
  const left = await Array.fromAsync(Deno.readDir(`${user.home}/.local/state/toolhive/runconfigs`)).catch(() => []);
  assert.deepEqual(left, [], "no RunConfig was saved");
});

Deno.test("thv run warns on one line when the proxy listens beyond loopback, and about RunConfig keys it ignores", async () => {
  await using user = await noEngineUser();
  const file = `${user.home}/exposed.json`;
  await Deno.writeTextFile(
    file,
    JSON.stringify({
      schema_version: RUN_CONFIG_SCHEMA_VERSION,
      name: "exposed",
      image: PROBE,
      transport: "stdio",
      port: 18998,
      host: "0.0.0.0",
      target_host: "10.0.0.2",
    }),
  );
  try {
    const res = await runThv(["run", "--from-config", file], user.env);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /^http:\/\/[\d.]+:\d+\/mcp\n$/, "it runs");
    const lines = res.stderr.trim().split("\n");
    assert.ok(
      lines.includes(
        `thv: warning: RunConfig ${file}: target_host is not applied by thv yet, so the server runs without it: ` +
          "remove it from the file to silence this",
      ),
      res.stderr,
    );
    assert.ok(
      lines.includes(
        "thv: warning: the proxy of exposed listens on 0.0.0.0 and has no authentication, so anyone who can reach " +
          "this machine can use the server: run it with --host 127.0.0.1 to keep it to this machine",
      ),
      res.stderr,
    );
  } finally {
    await runThv(["rm", "exposed"], user.env);
  }
  try {
    const local = await runThv(["run", "--name", "local", "--host", "127.0.0.1", PROBE], user.env);
    assert.equal(local.code, 0, local.stderr);
    assert.doesNotMatch(local.stderr, /warning/, "no warning on loopback");
  } finally {
    await runThv(["rm", "local"], user.env);
  }
});
