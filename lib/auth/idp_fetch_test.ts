import { strict as assert } from "node:assert";
import { idpFetch, isPrivateAddress } from "./idp_fetch.ts";

Deno.test("private, link-local and unique-local addresses are private; loopback and public ones are not", () => {
  for (
    const ip of ["10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.169.254", "fd00::1", "fe80::1"]
  ) {
    assert.ok(isPrivateAddress(ip), ip);
  }
  for (const ip of ["8.8.8.8", "172.32.0.1", "127.0.0.1", "::1", "2001:db8::1"]) assert.ok(!isPrivateAddress(ip), ip);
  assert.ok(isPrivateAddress("::ffff:10.0.0.1"));
});

Deno.test("the provider fetch refuses a host on a private address unless AllowPrivateIP, and sends the file's bearer", async () => {
  const seen: Array<[string, string | null]> = [];
  const fetch = ((url: string, init: RequestInit) => {
    seen.push([url, new Headers(init.headers).get("authorization")]);
    return Promise.resolve(new Response("{}"));
  }) as typeof globalThis.fetch;
  const closed = idpFetch({ fetch, allowPrivateIp: false, resolve: () => Promise.resolve(["10.0.0.7"]) });
  await assert.rejects(
    closed.fetch("https://idp.internal/x"),
    /idp\.internal is on the private address 10\.0\.0\.7: set oidc_config\.AllowPrivateIP/,
  );
  await assert.rejects(closed.fetch("https://192.168.0.2/x"), /private address 192\.168\.0\.2/);
  await closed.fetch("http://127.0.0.1:1/x");
  const open = idpFetch({ fetch, allowPrivateIp: true, bearerToken: () => Promise.resolve("sa-token\n") });
  await open.fetch("https://idp.internal/jwks", { bearer: true });
  await open.fetch("https://idp.internal/introspect");
  assert.deepEqual(seen, [
    ["http://127.0.0.1:1/x", null],
    ["https://idp.internal/jwks", "Bearer sa-token"],
    ["https://idp.internal/introspect", null],
  ]);
});
