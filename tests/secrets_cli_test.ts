/**
 * `thv secret` through the real thv process, and `thv run --secret` end to end: a secret set with
 * `thv secret set` reaches the sandboxed server's environment, is absent from every file under the XDG
 * folders (state, data, config, cache) except the encrypted store (where it is not in plaintext either), and is
 * not on any command line nor in the proxy's environment (/proc/<pid>).
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { connectClient, privateHome, runThv } from "./harness/mod.ts";

const CACHE = `${Deno.env.get("HOME")}/.cache/thv/test-xdg-cache`;
const PROBE = `npx://${fileURLToPath(new URL("./fixtures/sandbox_probe", import.meta.url))}`;
const PW = { TOOLHIVE_SECRETS_PASSWORD: "correct horse battery" };

async function ok(args: string[], env: Record<string, string>, input?: string): Promise<string> {
  const res = await runThv(args, env, input === undefined ? {} : { stdin: input });
  assert.equal(res.code, 0, `thv ${args.join(" ")}: ${res.stderr}`);
  return res.stdout;
}

async function fails(args: string[], env: Record<string, string>, pattern: RegExp, input?: string) {
  const res = await runThv(args, env, input === undefined ? {} : { stdin: input });
  assert.notEqual(res.code, 0, `thv ${args.join(" ")} should fail`);
  const lines = res.stderr.trim().split("\n");
  assert.equal(lines.length, 1, `one line: ${res.stderr}`);
  assert.match(lines[0]!, pattern);
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  if (!(await Deno.stat(dir).catch(() => undefined))) return out;
  for await (const e of Deno.readDir(dir)) {
    const path = `${dir}/${e.name}`;
    if (e.isDirectory) out.push(...await filesUnder(path));
    else if (e.isFile) out.push(path);
  }
  return out;
}

Deno.test("thv secret: setup, set, get, list, delete, and the errors", async () => {
  await using user = await privateHome();
  const env = { ...user.env, ...PW };
  await fails(["secret", "list"], user.env, /^thv: No secrets provider is set up: run thv secret setup$/);
  await ok(["secret", "setup"], env);
  await fails(["secret", "list"], user.env, /needs its password: set TOOLHIVE_SECRETS_PASSWORD/);
  await ok(["secret", "set", "API_TOKEN"], env, "tok-123\n");
  await ok(["secret", "set", "B"], env, "b");
  assert.equal(await ok(["secret", "get", "API_TOKEN"], env), "tok-123\n");
  assert.equal(await ok(["secret", "list"], env), "API_TOKEN\nB\n");
  await ok(["secret", "delete", "B"], env);
  assert.equal(await ok(["secret", "list"], env), "API_TOKEN\n");
  await fails(["secret", "get", "B"], env, /^thv: No secret named B: see thv secret list$/);
  await fails(["secret", "delete", "B"], env, /No secret named B/);
  await fails(["secret", "list"], { ...user.env, TOOLHIVE_SECRETS_PASSWORD: "nope" }, /wrong password/);
  await fails(["secret", "set", "bad name"], env, /is not a secret name/, "x");
  await fails(["secret", "set", "EMPTY"], env, /the value is empty: pipe it/, "");
  const config = await Deno.readTextFile(`${user.home}/.config/toolhive/config.yaml`);
  assert.match(config, /provider_type: encrypted/);

  // The environment provider: TOOLHIVE_SECRET_<NAME>, read-only.
  const envProv = { ...user.env, TOOLHIVE_SECRETS_PROVIDER: "environment", TOOLHIVE_SECRET_GH: "from-env" };
  assert.equal(await ok(["secret", "get", "GH"], envProv), "from-env\n");
  assert.equal(await ok(["secret", "list"], envProv), "GH\n");
  await fails(["secret", "set", "GH"], envProv, /read-only: export TOOLHIVE_SECRET_<NAME> instead/, "v");
});

Deno.test("thv run --secret: the value reaches the sandboxed server and nothing else", async () => {
  await using user = await privateHome({ XDG_CACHE_HOME: CACHE, TOOLHIVE_RUNTIME: "deno" });
  const env = { ...user.env, ...PW };
  const VALUE = "v4lue-" + crypto.randomUUID();
  await fails(["run", "--secret", "API_TOKEN", PROBE], env, /^thv: --secret API_TOKEN is not NAME,target=ENV/);
  await fails(
    ["run", "--name", "early", "--secret", "API_TOKEN,target=API_TOKEN", PROBE],
    env,
    /Secret API_TOKEN of workload early: No secrets provider is set up: run thv secret setup/,
  );
  await ok(["secret", "setup"], env);
  await ok(["secret", "set", "API_TOKEN"], env, VALUE);
  await fails(
    ["run", "--name", "missing", "--secret", "NOPE,target=X", PROBE],
    env,
    /Secret NOPE of workload missing is not in the encrypted secrets provider: add it with thv secret set NOPE/,
  );
  try {
    const url = (await ok(
      ["run", "--name", "probe", "--permission-profile", "none", "--secret", "API_TOKEN,target=MY_TOKEN", PROBE],
      env,
    )).trim();
    const readEnv = async (u: string) => {
      const client = await connectClient(u);
      try {
        const result = await client.callTool({ name: "env", arguments: {} });
        return JSON.parse((result.content as Array<{ text: string }>)[0]!.text) as Record<string, string>;
      } finally {
        await client.close();
      }
    };
    const serverEnv = await readEnv(url);
    assert.equal(serverEnv.MY_TOKEN, VALUE);
    assert.equal(serverEnv.TOOLHIVE_SECRETS_PASSWORD, undefined, "the password stays with thv");

    // Not on any command line (the proxy's, the sandbox's, the server's).
    const ps = new TextDecoder().decode(
      (await new Deno.Command("ps", { args: ["-eww", "-o", "args"] }).output()).stdout,
    );
    assert.ok(ps.includes("sandbox_probe") || ps.includes("probe"), "the server runs");
    assert.ok(!ps.includes(VALUE), "the value is on a command line");
    // The proxy's own: its command line (what other users can read in /proc) and the environment it started with.
    const pid = Number((await Deno.readTextFile(`${user.home}/.local/share/toolhive/pids/toolhive-probe.pid`)).trim());
    const cmdline = (await Deno.readTextFile(`/proc/${pid}/cmdline`)).split("\0");
    assert.ok(cmdline.includes("start") && cmdline.includes("probe"), `pid ${pid} is the proxy: ${cmdline.join(" ")}`);
    assert.ok(!cmdline.join(" ").includes(VALUE), "the value is on the proxy's command line");
    assert.ok(
      !(await Deno.readTextFile(`/proc/${pid}/environ`)).includes(VALUE),
      "the value is in the proxy's environment",
    );

    // A restart resolves it again from the store.
    await ok(["stop", "probe"], env);
    const again = (await ok(["start", "probe"], env)).trim();
    assert.equal((await readEnv(again || url)).MY_TOKEN, VALUE);

    // Nowhere under the XDG folders in plaintext: not the RunConfig, the state, the logs, the caches (the
    // packages' cache this test shares, and the home's own).
    const files = (await Promise.all(
      [".local/state", ".local/share", ".config", ".cache"].map((d) => filesUnder(`${user.home}/${d}`)),
    )).flat();
    const cached = await filesUnder(CACHE);
    assert.ok(cached.length > 0, "the sandbox's packages are cached");
    const runConfig = files.find((f) => f.endsWith("/runconfigs/probe.json"));
    assert.ok(runConfig, "the RunConfig is saved");
    assert.match(await Deno.readTextFile(runConfig), /"API_TOKEN,target=MY_TOKEN"/);
    assert.ok(files.some((f) => f.endsWith("/toolhive/secrets_encrypted")));
    for (const file of [...files, ...cached]) {
      const bytes = await Deno.readFile(file);
      assert.ok(!new TextDecoder().decode(bytes).includes(VALUE), `${file} holds the secret`);
    }
  } finally {
    await runThv(["rm", "probe"], env);
  }
});
