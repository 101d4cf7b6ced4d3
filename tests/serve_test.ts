/**
 * `thv serve` as a user starts it: the token, the guards and the error shape, over real HTTP.
 * @module
 */
import assert from "node:assert/strict";
import { privateHome, spawnThv, startServe } from "./harness/mod.ts";

Deno.test("thv serve answers /health without a token and the API only with the token it wrote 0600", async () => {
  await using home = await privateHome();
  await using serve = await startServe(home.env);
  assert.equal((await fetch(`${serve.base}/health`)).status, 204);
  const anonymous = await fetch(`${serve.base}/api/v1beta/version`);
  assert.equal(anonymous.status, 401);
  assert.match((await anonymous.json()).error, /bearer token/);
  const version = await serve.api("/api/v1beta/version");
  assert.equal(version.status, 200);
  assert.match((await version.json()).version, /^\d+\.\d+\.\d+/);
  const file = `${home.home}/.local/share/toolhive/serve/token`;
  assert.equal((await Deno.readTextFile(file)).trim(), serve.token);
  assert.equal((await Deno.stat(file)).mode! & 0o777, 0o600);
  const wrong = await fetch(`${serve.base}/api/v1beta/version`, { headers: { authorization: "Bearer nope" } });
  assert.equal(wrong.status, 401);
  await wrong.body?.cancel();
});

Deno.test("thv serve refuses a foreign Host and Origin (DNS rebinding) with JSON errors", async () => {
  await using home = await privateHome();
  await using serve = await startServe(home.env);
  // fetch sets Host itself: a rebinding page's request is written by hand.
  const host = await rawGet(
    serve.base,
    "/api/v1beta/version",
    `Host: attacker.example\r\nAuthorization: Bearer ${serve.token}`,
  );
  assert.match(host, /^HTTP\/1.1 403/);
  assert.match(host, /"error":"Forbidden: Host attacker.example is not allowed"/);
  const origin = await serve.api("/api/v1beta/version", { headers: { origin: "https://attacker.example" } });
  assert.equal(origin.status, 403);
  assert.match((await origin.json()).error, /Origin/);
});

Deno.test("thv serve gives CORS to an --allowed-origin only, preflight included", async () => {
  await using home = await privateHome();
  await using serve = await startServe(home.env, { args: ["--allowed-origin", "https://studio.example"] });
  const preflight = await fetch(`${serve.base}/api/v1beta/version`, {
    method: "OPTIONS",
    headers: { origin: "https://studio.example", "access-control-request-method": "GET" },
  });
  assert.equal(preflight.status, 204);
  assert.equal(preflight.headers.get("access-control-allow-origin"), "https://studio.example");
  assert.match(preflight.headers.get("access-control-allow-headers") ?? "", /authorization/);
  const allowed = await serve.api("/api/v1beta/version", { headers: { origin: "https://studio.example" } });
  assert.equal(allowed.status, 200);
  assert.equal(allowed.headers.get("access-control-allow-origin"), "https://studio.example");
  await allowed.body?.cancel();
  const other = await serve.api("/api/v1beta/version", { headers: { origin: "https://other.example" } });
  assert.equal(other.status, 403);
  assert.equal(other.headers.get("access-control-allow-origin"), null);
  await other.body?.cancel();
});

Deno.test("thv serve --socket listens on a 0600 UNIX socket that needs no token", async () => {
  await using home = await privateHome();
  const socket = `${home.home}/thv.sock`;
  const serve = spawnThv(["serve", "--socket", socket], home.env);
  try {
    assert.equal(await serve.firstLine(60_000), `thv serve: API on unix socket ${socket}`);
    assert.equal((await Deno.stat(socket)).mode! & 0o777, 0o600);
    const answer = await rawGet({ path: socket }, "/api/v1beta/version", "Host: localhost");
    assert.match(answer, /^HTTP\/1.1 200/);
    assert.match(answer, /"version":"\d+\.\d+\.\d+"/);
  } finally {
    await serve.stop();
  }
});

/** The whole answer to a GET written by hand with `headers` (CRLF-separated). */
async function rawGet(to: string | { path: string }, path: string, headers: string): Promise<string> {
  const conn = typeof to === "string"
    ? await Deno.connect({ hostname: new URL(to).hostname, port: Number(new URL(to).port) })
    : await Deno.connect({ transport: "unix", path: to.path });
  await conn.write(new TextEncoder().encode(`GET ${path} HTTP/1.1\r\n${headers}\r\nConnection: close\r\n\r\n`));
  return await new Response(conn.readable).text();
}
