/**
 * The Deno sandbox runtime with real Deno processes: server-everything from npm behind the stdio proxy and
 * over streamable HTTP, and the probe fixture, which tries network, file and import access and reports
 * what the sandbox denied. Packages download once into ~/.cache/thv/test-sandbox-deno.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { RUN_CONFIG_SCHEMA_VERSION, RunConfig } from "../lib/run_config.ts";
import {
  parseSandboxRef,
  type PreparedPackage,
  preparePackage,
  sandboxConnector,
  sandboxLayout,
} from "../lib/runtime/sandbox/mod.ts";
import type { StdioConnection } from "../lib/transport/mod.ts";
import { sandboxBackend } from "../lib/workloads/mod.ts";
import { connectClient, freePort, poll, serveHttpProxy, serveStdioProxy } from "./harness/mod.ts";

const DENO_DIR = `${Deno.env.get("HOME")}/.cache/thv/test-sandbox-deno`;
const EVERYTHING = "npx://@modelcontextprotocol/server-everything@2026.8.31";
const PROBE = `npx://${fileURLToPath(new URL("./fixtures/sandbox_probe", import.meta.url))}`;

const prepared = new Map<string, Promise<PreparedPackage>>();
/** Prepares each image once per test run (the download itself happens once per machine). */
function prepare(image: string): Promise<PreparedPackage> {
  let p = prepared.get(image);
  if (!p) prepared.set(image, p = preparePackage(parseSandboxRef(image), { denoDir: DENO_DIR }));
  return p;
}

function runConfig(image: string, extra: Record<string, unknown> = {}): RunConfig {
  return RunConfig.parse({
    schema_version: RUN_CONFIG_SCHEMA_VERSION,
    name: "sandboxed",
    image,
    transport: "stdio",
    port: 8080,
    ...extra,
  });
}

const text = (result: unknown) => (result as { content?: Array<{ text?: string }> }).content?.[0]?.text ?? "";
const isError = (result: unknown) => (result as { isError?: boolean }).isError === true;

/** A stdio proxy in front of `config`'s package in the sandbox, and an SDK client connected to it. */
async function sandboxedClient(config: RunConfig) {
  const workDir = await Deno.makeTempDir({ prefix: "thv-sandbox-work-" });
  const connector = sandboxConnector(config, { package: await prepare(config.image), denoDir: DENO_DIR, workDir });
  const served = await serveStdioProxy(connector);
  const client = await connectClient(served.url);
  const call = (name: string, args: Record<string, unknown> = {}) => client.callTool({ name, arguments: args });
  return {
    call,
    client,
    workDir,
    async [Symbol.asyncDispose]() {
      await client.close();
      await served.stop();
      await Deno.remove(workDir, { recursive: true });
    },
  };
}

/** An HTTP server on 127.0.0.1 that counts the requests it gets. */
function countingServer() {
  let requests = 0;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, () => {
    requests++;
    return new Response("reached");
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}/`,
    port: server.addr.port,
    get requests() {
      return requests;
    },
    [Symbol.asyncDispose]: () => server.shutdown(),
  };
}

/** Files outside and inside what a profile grants. */
async function files() {
  const dir = await Deno.makeTempDir({ prefix: "thv-sandbox-files-" });
  await Deno.mkdir(`${dir}/granted`);
  await Deno.mkdir(`${dir}/out`);
  await Deno.writeTextFile(`${dir}/secret.txt`, "not for the server");
  await Deno.writeTextFile(`${dir}/granted/data.txt`, "granted data");
  return { dir, [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }) };
}

Deno.test("server-everything from npm runs in the sandbox behind the stdio proxy: the SDK client lists and calls tools", async () => {
  const pkg = await prepare(EVERYTHING);
  assert.equal(pkg.version, "2026.8.31");
  assert.equal(pkg.main, "npm:@modelcontextprotocol/server-everything@2026.8.31/mcp-server-everything");
  await using sandbox = await sandboxedClient(runConfig(EVERYTHING, { cmd_args: ["stdio"] }));
  // It reads its instructions from its own package folder, which needs a read grant.
  assert.match(sandbox.client.getInstructions() ?? "", /^# Everything Server/);
  const echo = await sandbox.call("echo", { message: "from the sandbox" });
  assert.equal(text(echo), "Echo: from the sandbox");
  const sum = await sandbox.call("get-sum", { a: 2, b: 40 });
  assert.match(text(sum), /42/);
});

Deno.test("under profile none the probe cannot fetch, read outside its folders or import code, and sees only its env", async () => {
  await using target = countingServer();
  await using f = await files();
  await using sandbox = await sandboxedClient(
    runConfig(PROBE, { permission_profile_name_or_path: "none", env_vars: { GREETING: "hi" } }),
  );
  const fetched = await sandbox.call("fetch_url", { url: target.url });
  assert.ok(isError(fetched), text(fetched));
  assert.match(text(fetched), /NotCapable: Requires net access to "127\.0\.0\.1:\d+"/);
  const read = await sandbox.call("read_file", { path: `${f.dir}/secret.txt` });
  assert.ok(isError(read), text(read));
  assert.match(text(read), /NotCapable: Requires read access/);
  const written = await sandbox.call("write_file", { path: `${f.dir}/out/x.txt`, content: "x" });
  assert.ok(isError(written), text(written));
  // Without --cached-only, Deno would download modules from its default import hosts (esm.sh, jsr.io, ...).
  const imported = await sandbox.call("import_url", { url: "https://esm.sh/thv-sandbox-probe-nothing" });
  assert.ok(isError(imported), text(imported));
  assert.match(text(imported), /--cached-only/);

  const env = JSON.parse(text(await sandbox.call("env")));
  const home = sandboxLayout(sandbox.workDir).home;
  assert.equal(env.HOME, home);
  assert.equal(env.GREETING, "hi");
  // Deno itself adds PATH (its node shim folder) and DENO_NODE_SHIM_ACTIVE; nothing of thv's env leaks in.
  const expected = [
    "GREETING",
    "HOME",
    "TMPDIR",
    "DENO_DIR",
    "NO_COLOR",
    "MCP_TRANSPORT",
    "PATH",
    "DENO_NODE_SHIM_ACTIVE",
  ];
  assert.deepEqual(Object.keys(env).filter((k) => !expected.includes(k)), []);
  assert.equal(
    text(await sandbox.call("write_file", { path: `${home}/note.txt`, content: "mine" })),
    `wrote ${home}/note.txt`,
  );
  assert.equal(text(await sandbox.call("read_file", { path: `${home}/note.txt` })), "mine");
  assert.equal(target.requests, 0);
});

Deno.test("a custom profile's read and write paths are usable in the sandbox and nothing beside them", async () => {
  await using f = await files();
  await using sandbox = await sandboxedClient(
    runConfig(PROBE, { permission_profile: { read: [`${f.dir}/granted`], write: [`${f.dir}/out:/out`] } }),
  );
  assert.equal(text(await sandbox.call("read_file", { path: `${f.dir}/granted/data.txt` })), "granted data");
  const written = await sandbox.call("write_file", { path: `${f.dir}/out/x.txt`, content: "written" });
  assert.ok(!isError(written), text(written));
  assert.equal(await Deno.readTextFile(`${f.dir}/out/x.txt`), "written");
  assert.equal(text(await sandbox.call("read_file", { path: `${f.dir}/out/x.txt` })), "written");
  const secret = await sandbox.call("read_file", { path: `${f.dir}/secret.txt` });
  assert.ok(isError(secret), text(secret));
  const fetched = await sandbox.call("fetch_url", { url: "http://127.0.0.1:1234/" });
  assert.ok(isError(fetched) && /Requires net access/.test(text(fetched)), text(fetched));
});

/** Asserts that fetching `url` in the sandbox was refused by the permission flags (at once, not a network error). */
async function refused(call: (name: string, args: Record<string, unknown>) => Promise<unknown>, url: string) {
  const fetched = await call("fetch_url", { url });
  assert.ok(isError(fetched), `${url}: ${text(fetched)}`);
  assert.match(text(fetched), /Requires net access to/, `${url}: ${text(fetched)}`);
}

const LOCAL_URLS = (port: number) => [
  `http://127.0.0.1:${port}/`,
  `http://localhost:${port}/`,
  `http://127.1:${port}/`,
  `http://0.0.0.0:${port}/`,
  `http://[::ffff:127.0.0.1]:${port}/`,
  `http://[::1]:${port}/`,
  "http://169.254.169.254/latest/meta-data/",
  "http://[fd00:ec2::254]/",
  "http://10.1.2.3/",
  "http://172.16.0.1/",
  "http://192.168.1.1/",
  "http://100.64.0.1/",
];

Deno.test("under profile network the probe reaches no loopback, link-local or private address, but the flags permit the internet", async () => {
  await using target = countingServer();
  {
    await using sandbox = await sandboxedClient(runConfig(PROBE, { permission_profile_name_or_path: "network" }));
    for (const url of LOCAL_URLS(target.port)) await refused(sandbox.call, url);
    // No internet here: a public name passes the permission check and fails in DNS, not with NotCapable.
    const public_ = await sandbox.call("fetch_url", { url: "http://public.thv-test.invalid/" });
    assert.ok(isError(public_), text(public_));
    assert.doesNotMatch(text(public_), /NotCapable|Requires net access/);
  }
  assert.equal(target.requests, 0, "nothing reached the local listener");
});

Deno.test("allow_host/allow_port reach only what they list: a loopback address named there is a grant", async () => {
  await using target = countingServer();
  await using other = countingServer();
  {
    const outbound = { allow_host: ["127.0.0.1"], allow_port: [target.port] };
    await using sandbox = await sandboxedClient(runConfig(PROBE, { permission_profile: { network: { outbound } } }));
    assert.equal(text(await sandbox.call("fetch_url", { url: target.url })), "status 200");
    assert.equal(target.requests, 1);
    await refused(sandbox.call, other.url);
  }
  // With a host name in the list the local ranges are denied (a name may resolve into them), but for the address.
  const outbound = { allow_host: ["api.thv-test.invalid", "127.0.0.1"], allow_port: [target.port] };
  await using sandbox = await sandboxedClient(runConfig(PROBE, { permission_profile: { network: { outbound } } }));
  assert.equal(text(await sandbox.call("fetch_url", { url: target.url })), "status 200");
  assert.equal(target.requests, 2);
  await refused(sandbox.call, `http://localhost:${target.port}/`.replace("localhost", "[::1]"));
  await refused(sandbox.call, other.url);
  assert.equal(other.requests, 0);
});

Deno.test("a symlink in a granted folder leads nowhere outside the grants, even one made after the start (Landlock)", async () => {
  await using f = await files();
  const volume = `${f.dir}/granted`;
  await Deno.mkdir(`${volume}/sub`);
  await Deno.symlink("/", `${volume}/root`);
  await Deno.symlink(`${volume}/sub`, `${volume}/inside`);
  await using sandbox = await sandboxedClient(
    runConfig(PROBE, { permission_profile_name_or_path: "none", volumes: [volume] }),
  );
  // Made after the server started: Deno's path check passes (the string is inside the volume), the kernel's does not.
  await Deno.symlink(f.dir, `${volume}/late`);
  for (const path of [`${volume}/root/etc/shadow`, `${volume}/root${f.dir}/secret.txt`, `${volume}/late/secret.txt`]) {
    const read = await sandbox.call("read_file", { path });
    assert.ok(isError(read), `${path}: ${text(read)}`);
    assert.match(text(read), /EACCES: permission denied/, `${path}: ${text(read)}`);
  }
  const written = await sandbox.call("write_file", { path: `${volume}/late/out/x.txt`, content: "escaped" });
  assert.ok(isError(written), text(written));
  assert.match(text(written), /EACCES: permission denied/);
  assert.equal(await Deno.stat(`${f.dir}/out/x.txt`).catch(() => undefined), undefined);
  // A link whose target is inside the grant works, both ways.
  const kept = await sandbox.call("write_file", { path: `${volume}/inside/kept.txt`, content: "kept" });
  assert.ok(!isError(kept), text(kept));
  assert.equal(await Deno.readTextFile(`${volume}/sub/kept.txt`), "kept");
  assert.equal(text(await sandbox.call("read_file", { path: `${volume}/inside/kept.txt` })), "kept");
});

Deno.test("under profile network a symlink in a read-write grant does not reach a unix socket outside it", async () => {
  await using f = await files();
  const volume = `${f.dir}/granted`;
  await Deno.symlink("/", `${volume}/root`);
  const socket = `${f.dir}/engine.sock`; // stands for a container engine's socket
  const listener = Deno.listen({ transport: "unix", path: socket });
  let accepted = 0;
  const accepting = (async () => {
    for await (const conn of listener) {
      accepted++;
      conn.close();
    }
  })();
  try {
    await using sandbox = await sandboxedClient(
      runConfig(PROBE, { permission_profile_name_or_path: "network", volumes: [volume] }),
    );
    const reached = await sandbox.call("connect_unix", { path: `${volume}/root${socket}` });
    assert.ok(isError(reached), text(reached));
    assert.match(text(reached), /EACCES|permission denied/i);
    assert.equal(accepted, 0);
  } finally {
    listener.close();
    await accepting.catch(() => {});
  }
});

/** Starts `config`'s HTTP server in the sandbox on `hostPort`; waits until it accepts connections. */
async function startHttpSandbox(config: RunConfig, hostPort: number) {
  const workDir = await Deno.makeTempDir({ prefix: "thv-sandbox-work-" });
  const connector = sandboxConnector(config, {
    package: await prepare(config.image),
    denoDir: DENO_DIR,
    workDir,
    hostPort,
  });
  const connection: StdioConnection = await connector.connect();
  let log = "";
  const drain = async (stream: ReadableStream<Uint8Array> | undefined) => {
    if (stream) { for await (const chunk of stream.pipeThrough(new TextDecoderStream())) log += chunk; }
  };
  const drained = Promise.all([drain(connection.stdout), drain(connection.stderr)]);
  let ended: string | undefined;
  connection.ended.then((reason) => ended = reason);
  await poll(async () => {
    if (ended) throw new Error(`the server ${ended}: ${log}`);
    // The port is thv's bridge to the server's socket: only an HTTP answer says the server listens.
    const response = await fetch(`http://127.0.0.1:${hostPort}/`);
    await response.body?.cancel();
    return true;
  }, { what: `the sandboxed ${config.image} to answer on ${hostPort}`, deadlineMs: 30_000, intervalMs: 100 });
  return {
    log: () => log,
    async [Symbol.asyncDispose]() {
      await connection.stop();
      await drained.catch(() => {});
      await Deno.remove(workDir, { recursive: true });
    },
  };
}

Deno.test("HTTP servers in the sandbox under profile none listen on their loopback port and still cannot reach the network", async () => {
  await using target = countingServer();
  const [everythingPort, probePort] = [freePort(), freePort()];
  const http = { transport: "streamable-http", permission_profile_name_or_path: "none" };
  await using everything = await startHttpSandbox(
    runConfig(EVERYTHING, { ...http, cmd_args: ["streamableHttp"] }),
    everythingPort,
  );
  await using probe = await startHttpSandbox(runConfig(PROBE, { ...http, cmd_args: ["http"] }), probePort);
  assert.match(probe.log(), new RegExp(`probe listening on 127\\.0\\.0\\.1:${probePort}`));

  await using everythingProxy = await serveHttpProxy(`http://127.0.0.1:${everythingPort}/mcp`, "streamable-http");
  const client = await connectClient(`${everythingProxy.origin}/mcp`);
  try {
    const tools = (await client.listTools()).tools.map((t) => t.name);
    assert.ok(tools.includes("echo"), `tools: ${tools}`);
    assert.equal(text(await client.callTool({ name: "echo", arguments: { message: "over http" } })), "Echo: over http");
  } finally {
    await client.close();
  }
  assert.ok(!/NotCapable/.test(everything.log()), everything.log());

  await using probeProxy = await serveHttpProxy(`http://127.0.0.1:${probePort}/mcp`, "streamable-http");
  const probeClient = await connectClient(`${probeProxy.origin}/mcp`);
  try {
    const fetched = await probeClient.callTool({ name: "fetch_url", arguments: { url: target.url } });
    assert.ok(isError(fetched), text(fetched));
    assert.match(text(fetched), /NotCapable: Requires net access/);
  } finally {
    await probeClient.close();
  }
  assert.equal(target.requests, 0);
});

Deno.test("an HTTP server in the sandbox under profile network listens although loopback is denied to it", async () => {
  await using target = countingServer();
  const port = freePort();
  await using probe = await startHttpSandbox(
    runConfig(PROBE, { transport: "streamable-http", permission_profile_name_or_path: "network", cmd_args: ["http"] }),
    port,
  );
  assert.match(probe.log(), new RegExp(`probe listening on 127\\.0\\.0\\.1:${port}`));
  await using proxy = await serveHttpProxy(`http://127.0.0.1:${port}/mcp`, "streamable-http");
  const client = await connectClient(`${proxy.origin}/mcp`);
  try {
    for (const url of [target.url, `http://127.0.0.1:${port}/`, "http://169.254.169.254/"]) {
      const fetched = await client.callTool({ name: "fetch_url", arguments: { url } });
      assert.ok(isError(fetched), text(fetched));
      assert.match(text(fetched), /NotCapable: Requires net access/);
    }
  } finally {
    await client.close();
  }
  assert.equal(target.requests, 0);
});

Deno.test("a sandboxed server's stderr log is capped: past the limit it rotates to .1, and logs() shows both", async () => {
  const dir = await Deno.makeTempDir({ prefix: "thv-sandbox-log-" });
  const logFile = `${dir}/logs/probe-server.log`;
  const cap = 64 * 1024;
  const backend = sandboxBackend(runConfig(PROBE, { permission_profile_name_or_path: "none" }), {
    denoDir: DENO_DIR,
    workDir: `${dir}/work`,
    logFile,
    logMaxBytes: cap,
    denoPath: Deno.execPath(),
    hostEnv: {},
  });
  try {
    await backend.prepare();
    await using served = await serveStdioProxy(backend.stdioConnector());
    const client = await connectClient(served.url);
    try {
      const size = 2 * 1024 * 1024;
      assert.equal(
        text(await client.callTool({ name: "stderr", arguments: { size: String(size) } })),
        `wrote ${size} bytes`,
      );
    } finally {
      await client.close();
    }
    const sizeOf = (path: string) => Deno.stat(path).then((s) => s.size, () => 0);
    const sizes = async () => [await sizeOf(logFile), await sizeOf(`${logFile}.1`)];
    // The writes reach the file a little after the call returns: watch them settle, never above the cap.
    const settled = await poll(async () => {
      const now = await sizes();
      if (now.some((n) => n > cap)) return `over the cap: ${now}`;
      return now[1]! > 0 && /probe log line x+\n$/.test(await backend.logs()) ? "rotated" : undefined;
    }, { what: "the log to rotate", deadlineMs: 20_000, intervalMs: 50 });
    assert.equal(settled, "rotated");
    const logs = await backend.logs();
    assert.ok(logs.length >= cap / 2 && logs.length <= 2 * cap, `${logs.length}`);
  } finally {
    await backend.remove();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("an npm package that does not exist fails preparation with one line naming it", async () => {
  const name = "@thv-test/no-such-package-for-the-sandbox";
  await assert.rejects(preparePackage(parseSandboxRef(`npx://${name}@1.0.0`), { denoDir: DENO_DIR }), {
    message: `npm package ${name}@1.0.0 not found: check the name with npm view ${name}`,
  });
  await assert.rejects(
    preparePackage(parseSandboxRef("npx://@modelcontextprotocol/server-everything@0.0.0-nope"), { denoDir: DENO_DIR }),
    {
      message: "npm package @modelcontextprotocol/server-everything@0.0.0-nope not found: check the versions with " +
        "npm view @modelcontextprotocol/server-everything versions",
    },
  );
  const denoDir = await Deno.makeTempDir({ prefix: "thv-sandbox-deno-" });
  try {
    const closed = freePort();
    const env = { ...Deno.env.toObject(), NPM_CONFIG_REGISTRY: `http://127.0.0.1:${closed}/` };
    await assert.rejects(preparePackage(parseSandboxRef("npx://left-pad@1.3.0"), { denoDir, env }), (e: Error) => {
      assert.match(
        e.message,
        new RegExp(`^Cannot reach the npm registry for left-pad@1\\.3\\.0: .*127\\.0\\.0\\.1:${closed}`),
      );
      assert.ok(!e.message.includes("\n"), e.message);
      return true;
    });
  } finally {
    await Deno.remove(denoDir, { recursive: true });
  }
});
