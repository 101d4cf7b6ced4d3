/**
 * `thv serve` as a user starts it: the token, the guards and the error shape, over real HTTP.
 * @module
 */
import assert from "node:assert/strict";
import { privateHome, startServe } from "./harness/mod.ts";

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

/** The whole answer to a GET written by hand with `headers` (CRLF-separated). */
async function rawGet(base: string, path: string, headers: string): Promise<string> {
  const { hostname, port } = new URL(base);
  const conn = await Deno.connect({ hostname, port: Number(port) });
  await conn.write(new TextEncoder().encode(`GET ${path} HTTP/1.1\r\n${headers}\r\nConnection: close\r\n\r\n`));
  return await new Response(conn.readable).text();
}
