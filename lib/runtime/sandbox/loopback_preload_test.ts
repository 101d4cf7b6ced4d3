import assert from "node:assert/strict";
import { LOOPBACK_PRELOAD } from "./loopback_preload.ts";

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
