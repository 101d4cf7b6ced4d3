import assert from "node:assert/strict";
import { LOOPBACK_PRELOAD, loopbackPreload } from "./loopback_preload.ts";

// Listens the ways servers do, without naming a host, and prints where each listener bound.
const LISTENER = `
import http from "node:http";
import net from "node:net";
const [a, b, c, d] = Deno.args.map(Number);
const where = [];
const node = http.createServer(() => {});
await new Promise((resolve) => node.listen(a, resolve));
where.push(node.address().address);
node.close();
const raw = net.createServer();
await new Promise((resolve) => raw.listen({ port: b }, resolve));
where.push(raw.address().address);
raw.close();
const served = Deno.serve({ port: c, onListen() {} }, () => new Response("x"));
where.push(served.addr.hostname);
await served.shutdown();
const listener = Deno.listen({ port: d });
where.push(listener.addr.hostname);
listener.close();
console.log(JSON.stringify(where));
`;

async function run(withPreload: boolean): Promise<{ ok: boolean; out: string; err: string }> {
  const dir = await Deno.makeTempDir({ prefix: "thv-preload-" });
  try {
    await Deno.writeTextFile(`${dir}/preload.mjs`, LOOPBACK_PRELOAD);
    await Deno.writeTextFile(`${dir}/listen.mjs`, LISTENER);
    const listeners = Array.from({ length: 4 }, () => Deno.listen({ hostname: "127.0.0.1", port: 0 }));
    const ports = listeners.map((l) => String(l.addr.port));
    for (const l of listeners) l.close();
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--no-prompt",
        "--no-config",
        "--no-lock",
        ...(withPreload ? [`--preload=${dir}/preload.mjs`] : []),
        `--allow-net=${ports.map((p) => `127.0.0.1:${p}`).join(",")}`,
        `${dir}/listen.mjs`,
        ...ports,
      ],
      env: { NO_COLOR: "1" },
      clearEnv: true,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = (b: Uint8Array) => new TextDecoder().decode(b).trim();
    return { ok: out.success, out: text(out.stdout), err: text(out.stderr) };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("the loopback preload binds node and Deno listeners that name no host to 127.0.0.1", async () => {
  const result = await run(true);
  assert.ok(result.ok, result.err);
  assert.deepEqual(JSON.parse(result.out), ["127.0.0.1", "127.0.0.1", "127.0.0.1", "127.0.0.1"]);
});

Deno.test("without the preload the same listeners are refused under a loopback-only grant", async () => {
  const result = await run(false);
  assert.equal(result.ok, false);
  assert.match(result.err, /NotCapable: Requires net access to "(\[::\]|0\.0\.0\.0):\d+"/);
});

// Listens on the server's port the ways servers do, then answers over the socket the preload moved it to.
const SERVER = `
import http from "node:http";
const [port, socket] = [Number(Deno.args[0]), Deno.args[1]];
const node = http.createServer((_, res) => res.end("node"));
await new Promise((resolve) => node.listen(port, resolve));
const seen = node.address();
const client = await Deno.connect({ transport: "unix", path: socket });
await client.write(new TextEncoder().encode("GET / HTTP/1.1\\r\\nHost: x\\r\\nConnection: close\\r\\n\\r\\n"));
const reply = new TextDecoder().decode((await new Response(client.readable).arrayBuffer()));
node.close();
await Deno.remove(socket).catch(() => {}); // node removes it on close
const served = Deno.serve({ port, onListen(addr) { console.error(JSON.stringify(addr)); } }, () => new Response("deno"));
const addr = served.addr;
const again = await Deno.connect({ transport: "unix", path: socket });
again.close();
await served.shutdown();
console.log(JSON.stringify({ seen, node: reply.endsWith("node"), addr }));
`;

Deno.test("with a listener the preload moves listens on the server's port to its socket, and address() still says the port", async () => {
  const dir = await Deno.makeTempDir({ prefix: "thv-preload-" });
  try {
    const socket = `${dir}/mcp.sock`;
    const port = 41234;
    await Deno.writeTextFile(`${dir}/preload.mjs`, loopbackPreload({ port, socket }));
    await Deno.writeTextFile(`${dir}/server.mjs`, SERVER);
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--no-prompt",
        "--no-config",
        "--no-lock",
        `--preload=${dir}/preload.mjs`,
        // No TCP grant at all: only the socket.
        `--allow-net=unix:${socket}`,
        `--allow-read=${socket}`,
        `--allow-write=${socket}`,
        `${dir}/server.mjs`,
        String(port),
        socket,
      ],
      env: { NO_COLOR: "1" },
      clearEnv: true,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const err = new TextDecoder().decode(out.stderr);
    assert.ok(out.success, err);
    const result = JSON.parse(new TextDecoder().decode(out.stdout));
    assert.deepEqual(result, {
      seen: { address: "127.0.0.1", family: "IPv4", port },
      node: true,
      addr: { transport: "tcp", hostname: "127.0.0.1", port },
    });
    assert.deepEqual(JSON.parse(err.trim()), { transport: "tcp", hostname: "127.0.0.1", port });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
