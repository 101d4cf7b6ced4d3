/**
 * thv on a machine with no container engine, as a user runs it: `thv run everything` resolves the registry
 * name to the npm package, fetches it and runs it in the Deno sandbox behind the proxy; the probe fixture
 * shows the permission profile enforced through `thv run`; registry mistakes and missing required env get
 * one line and leave nothing behind.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import type { WorkloadSummary } from "../lib/workloads/mod.ts";
import { connectClient, poll, privateHome, runThv, spawnThv } from "./harness/mod.ts";

/** Packages fetched for the sandbox are kept across runs here, as a user's cache would be. */
const CACHE = `${Deno.env.get("HOME")}/.cache/thv/test-xdg-cache`;
const PROBE = `npx://${fileURLToPath(new URL("./fixtures/sandbox_probe", import.meta.url))}`;

/** A private home with no container engine (TOOLHIVE_RUNTIME=deno), sharing the package cache. */
const noEngineUser = () => privateHome({ XDG_CACHE_HOME: CACHE, TOOLHIVE_RUNTIME: "deno" });

async function ok(args: string[], env: Record<string, string>): Promise<string> {
  const res = await runThv(args, env);
  assert.equal(res.code, 0, `thv ${args.join(" ")}: ${res.stderr}`);
  return res.stdout;
}

async function call(url: string, name: string, args: Record<string, unknown>) {
  const client = await connectClient(url);
  try {
    const result = await client.callTool({ name, arguments: args });
    return {
      text: (result.content as Array<{ text: string }>)[0]!.text,
      isError: (result as { isError?: boolean }).isError === true,
    };
  } finally {
    await client.close();
  }
}

Deno.test("thv run everything with no container engine: the sandbox runs it end to end", async () => {
  await using user = await noEngineUser();
  const { env } = user;
  try {
    const url = (await ok(["run", "everything"], env)).trim();
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    assert.deepEqual(await call(url, "echo", { message: "sandboxed" }), { text: "Echo: sandboxed", isError: false });
    const [w] = JSON.parse(await ok(["list", "--format", "json"], env)) as WorkloadSummary[];
    assert.equal(w?.name, "everything");
    assert.equal(w?.runtime, "sandbox");
    assert.equal(w?.state, "running");
    assert.equal(w?.image, "npx://@modelcontextprotocol/server-everything@2026.8.31");
    const logs = await poll(async () => {
      const text = await ok(["logs", "everything"], env);
      return text.includes("Starting default (STDIO) server") ? text : undefined;
    }, { what: "the server's stderr in thv logs", deadlineMs: 60_000 });
    assert.doesNotMatch(logs, /"jsonrpc"/);

    // The server is the proxy's child: killing the proxy leaves nothing running, and list says so.
    Deno.kill(w!.pid!, "SIGKILL");
    const dead = await poll(async () => {
      const [again] = JSON.parse(await ok(["list", "-a", "--format", "json"], env)) as WorkloadSummary[];
      return again?.state === "error" ? again : undefined;
    }, { what: "list to see the dead proxy", deadlineMs: 60_000 });
    assert.match(dead.reason, /is gone: thv start/);
    assert.equal((await ok(["start", "everything"], env)).trim(), url);
    assert.equal((await call(url, "echo", { message: "again" })).text, "Echo: again");
    await assert.rejects(ok(["export", "everything", "--format", "k8s"], env), /Kubernetes needs a container image/);

    // logs -f keeps printing: the proxy's "Stopped workload" line arrives while it follows.
    const follow = spawnThv(["logs", "everything", "--proxy", "-f"], env);
    let seen = "";
    const reading = (async () => {
      for await (const text of follow.child.stdout.pipeThrough(new TextDecoderStream())) seen += text;
    })();
    await poll(() => Promise.resolve(seen.includes("Started workload") || undefined), {
      what: "the log so far",
      deadlineMs: 60_000,
    });
    await ok(["stop", "everything"], env);
    await poll(() => Promise.resolve(seen.includes("Stopped workload") || undefined), {
      what: "the followed line",
      deadlineMs: 60_000,
    });
    await follow.stop();
    await reading;
  } finally {
    await ok(["rm", "everything"], env);
  }
  const left = await Array.fromAsync(Deno.readDir(`${user.home}/.local/state/toolhive/runconfigs`));
  assert.deepEqual(left, [], "rm removed the RunConfig");
});

Deno.test("thv run enforces the permission profile in the sandbox: none denies network and files, the default reaches no local address", async () => {
  await using user = await noEngineUser();
  const { env } = user;
  const site = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, () => new Response("reached"));
  let requests = 0;
  const counted = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, () => {
    requests++;
    return new Response("reached");
  });
  const target = `http://127.0.0.1:${site.addr.port}/`;
  const secret = await Deno.makeTempFile({ prefix: "thv-probe-" });
  await Deno.writeTextFile(secret, "words outside the sandbox");
  const profile = await Deno.makeTempFile({ prefix: "thv-profile-", suffix: ".json" });
  await Deno.writeTextFile(
    profile,
    JSON.stringify({ network: { outbound: { allow_host: ["127.0.0.1"], allow_port: [site.addr.port] } } }),
  );
  try {
    const closed = (await ok(["run", "--name", "closed", "--permission-profile", "none", PROBE], env)).trim();
    const fetched = await call(closed, "fetch_url", { url: target });
    assert.equal(fetched.isError, true, fetched.text);
    assert.match(fetched.text, /net|NotCapable|Requires/i);
    const read = await call(closed, "read_file", { path: secret });
    assert.equal(read.isError, true, read.text);
    assert.match(read.text, /NotCapable: Requires read access/);

    // No --permission-profile: an npx:// package gets the network profile, which is the internet only.
    const open = (await ok(["run", "--name", "open", "-v", secret, PROBE], env)).trim();
    const local = `http://127.0.0.1:${counted.addr.port}/`;
    for (const url of [local, `http://localhost:${counted.addr.port}/`, "http://169.254.169.254/latest/meta-data/"]) {
      const refused = await call(open, "fetch_url", { url });
      assert.equal(refused.isError, true, refused.text);
      assert.match(refused.text, /Requires net access to/, url);
    }
    // Not even the proxy thv runs for this very workload, nor another workload's.
    for (const url of [open, closed]) {
      const proxy = await call(open, "fetch_url", { url });
      assert.match(proxy.text, /Requires net access to/, url);
    }
    assert.equal(requests, 0);
    const granted = await call(open, "read_file", { path: secret });
    assert.equal(granted.isError, false, granted.text);
    assert.equal(granted.text, "words outside the sandbox");

    // A profile that names the loopback address and port is a grant.
    const allowed = (await ok(["run", "--name", "allowed", "--permission-profile", profile, PROBE], env)).trim();
    const reached = await call(allowed, "fetch_url", { url: target });
    assert.equal(reached.isError, false, reached.text);
    assert.equal(reached.text, "status 200");
  } finally {
    await runThv(["rm", "closed"], env);
    await runThv(["rm", "open"], env);
    await runThv(["rm", "allowed"], env);
    await site.shutdown();
    await counted.shutdown();
    await Deno.remove(secret);
    await Deno.remove(profile);
  }
});

Deno.test("thv run npx://./dir runs the package folder relative to the caller's working directory", async () => {
  await using user = await noEngineUser();
  const { env } = user;
  try {
    // runThv runs thv in the repository root: the fixture is ./tests/fixtures/sandbox_probe from there.
    const url = (await ok(["run", "--name", "local", "npx://./tests/fixtures/sandbox_probe"], env)).trim();
    assert.deepEqual(await call(url, "echo", { message: "local" }), { text: "Echo: local", isError: false });
    const [w] = JSON.parse(await ok(["list", "--format", "json"], env)) as WorkloadSummary[];
    assert.equal(w?.image, PROBE, "the RunConfig keeps the absolute folder, for starts from anywhere");
  } finally {
    await runThv(["rm", "local"], env);
  }
});

Deno.test("thv's own environment does not reach the sandboxed server or its Deno runtime", async () => {
  await using user = await noEngineUser();
  const leaks = {
    DENO_V8_FLAGS: "--max-old-space-size=64",
    NODE_OPTIONS: "--no-warnings",
    DENO_AUTH_TOKENS: "token@registry.example.com",
    DENO_NO_PROMPT: "1",
    SECRET_X: `secret-${crypto.randomUUID()}`,
  };
  const env = { ...user.env, ...leaks };
  try {
    const url = (await ok(["run", "--name", "envcheck", "-e", "GIVEN=by-the-run-config", PROBE], env)).trim();
    const seen = JSON.parse((await call(url, "env", {})).text) as Record<string, string>;
    assert.equal(seen.GIVEN, "by-the-run-config");
    for (const name of Object.keys(leaks)) assert.equal(seen[name], undefined, `${name} reached the server`);
    // The runtime's own environment (the server process, which the launcher became) is the same set.
    const [w] = JSON.parse(await ok(["list", "--format", "json"], env)) as WorkloadSummary[];
    const out = await new Deno.Command("ps", { args: ["-o", "pid=", "--ppid", String(w!.pid)], stdout: "piped" })
      .output();
    const children = new TextDecoder().decode(out.stdout).trim().split(/\s+/).filter(Boolean);
    assert.ok(children.length >= 1, "the server runs as the proxy's child");
    for (const pid of children) {
      const environ = (await Deno.readTextFile(`/proc/${pid}/environ`)).split("\0");
      for (const name of Object.keys(leaks)) {
        assert.ok(!environ.some((e) => e.startsWith(`${name}=`)), `${name} in the environment of ${pid}`);
      }
    }
  } finally {
    await runThv(["rm", "envcheck"], env);
  }
});

Deno.test("registry mistakes and missing required env get one line and leave nothing behind", async () => {
  await using user = await noEngineUser();
  const { env } = user;
  const fails = async (args: string[], says: RegExp) => {
    const res = await runThv(args, env);
    assert.equal(res.code, 1, `thv ${args.join(" ")} should fail`);
    assert.match(res.stderr, says);
    assert.equal(res.stderr.trim().split("\n").length, 1, res.stderr);
  };
  await fails(
    ["run", "evrything"],
    /^thv: No server named evrything in the registry \(did you mean everything\?\): see thv registry list/,
  );
  await fails(
    ["run", "github"],
    /^thv: Server github needs the secret environment variable GITHUB_PERSONAL_ACCESS_TOKEN: pass it with -e/,
  );
  await fails(
    ["run", "npx://@thv-test/no-such-package-3f9c"],
    /npm package @thv-test\/no-such-package-3f9c.* not found/,
  );
  await fails(["run", "localhost/some-image:1"], /^thv: No container engine found: start Podman or Docker/);
  const state = `${user.home}/.local/state/toolhive/runconfigs`;
  const left = await Array.fromAsync(Deno.readDir(state)).catch(() => []);
  assert.deepEqual(left, [], "no RunConfig was left behind");
});

/** The live (not zombie) PIDs in process group `pgid`. */
async function groupMembers(pgid: number): Promise<number[]> {
  const out = await new Deno.Command("ps", { args: ["-eo", "pid=,pgid=,stat="], stdout: "piped" }).output();
  return new TextDecoder().decode(out.stdout).trim().split("\n").map((l) => l.trim().split(/\s+/))
    .filter(([, g, stat]) => Number(g) === pgid && !stat?.startsWith("Z")).map(([p]) => Number(p));
}

Deno.test("a stale PID file never makes another process 'the proxy', and a killed proxy's server is ended", async () => {
  await using user = await noEngineUser();
  const { env } = user;
  const stranger = new Deno.Command("sleep", { args: ["120"] }).spawn();
  try {
    // An HTTP server in the sandbox is a child in the proxy's process group, not tied to its stdin.
    const url = (await ok([
      "run",
      "--name",
      "web",
      "--transport",
      "streamable-http",
      "npx://@modelcontextprotocol/server-everything@2026.8.31",
      "--",
      "streamableHttp",
    ], env)).trim();
    assert.equal((await call(url, "echo", { message: "web" })).text, "Echo: web");
    const [w] = JSON.parse(await ok(["list", "--format", "json"], env)) as WorkloadSummary[];
    const proxy = w!.pid!;
    assert.ok((await groupMembers(proxy)).length >= 2, "the proxy and its server share a process group");
    Deno.kill(proxy, "SIGKILL");
    await poll(async () => (await groupMembers(proxy)).includes(proxy) ? undefined : true, {
      what: "the proxy to die",
      deadlineMs: 60_000,
    });
    assert.ok((await groupMembers(proxy)).length >= 1, "its server outlived it");

    // A later process with a PID in the file is not the proxy: list, start and stop see through it.
    await Deno.writeTextFile(`${user.home}/.local/share/toolhive/pids/toolhive-web.pid`, `${stranger.pid}\n`);
    const [listed] = JSON.parse(await ok(["list", "-a", "--format", "json"], env)) as WorkloadSummary[];
    assert.equal(listed?.state, "error", "not running: the PID belongs to another process");
    await ok(["stop", "web"], env);
    await poll(async () => (await groupMembers(proxy)).length === 0 || undefined, {
      what: "stop to end what the killed proxy left running",
      deadlineMs: 30_000,
    });
    assert.equal(await processState(stranger.pid), "alive", "the stranger was not signalled");
  } finally {
    await runThv(["rm", "web"], env);
    stranger.kill("SIGKILL");
    await stranger.status;
  }
});

async function processState(pid: number): Promise<"alive" | "gone"> {
  const out = await new Deno.Command("ps", { args: ["-o", "stat=", "-p", String(pid)], stdout: "piped" }).output();
  const stat = new TextDecoder().decode(out.stdout).trim();
  return out.success && stat && !stat.startsWith("Z") ? "alive" : "gone";
}
