import { strict as assert } from "node:assert";
import { exchangeToken, TokenExchangeError, tokenExchanger } from "./token_exchange.ts";

const base = {
  token_url: "https://sts.example/token",
  client_id: "proxy",
  audience: "https://backend.example",
  header_strategy: "replace" as const,
};

Deno.test("tokenExchanger normalises the token type, reads the secret from env, and picks the header", () => {
  const te = tokenExchanger({ ...base, subject_token_type: "id_token", scopes: ["a", "b"] }, {
    TOOLHIVE_TOKEN_EXCHANGE_CLIENT_SECRET: "s",
  });
  assert.equal(te.subjectTokenType, "urn:ietf:params:oauth:token-type:id_token");
  assert.equal(te.clientSecret, "s");
  assert.equal(te.scope, "a b");
  assert.equal(te.header, "authorization");
  assert.equal(tokenExchanger(base, {}).subjectTokenType, "urn:ietf:params:oauth:token-type:access_token");
  const custom = tokenExchanger({ ...base, header_strategy: "custom", external_token_header_name: "X-Upstream" }, {});
  assert.deepEqual([custom.header, custom.bearer], ["x-upstream", false]);
});

Deno.test("tokenExchanger refuses a bad config with a line naming the field", () => {
  const bad: Array<[Record<string, unknown>, Record<string, string>, RegExp]> = [
    [{ token_url: "not a url" }, {}, /token_exchange_config.token_url "not a url" is not a URL/],
    [{ token_url: "ftp://x/token" }, {}, /token_url must be http or https/],
    [{ subject_token_type: "saml" }, {}, /subject_token_type "saml" is not access_token, id_token, jwt/],
    [{ header_strategy: "custom" }, {}, /header_strategy custom needs external_token_header_name/],
    [{ client_secret_env: "MY_SECRET" }, {}, /client_secret_env names MY_SECRET, which is not set/],
    [{ client_id: undefined }, { TOOLHIVE_TOKEN_EXCHANGE_CLIENT_SECRET: "s" }, /client_id is empty/],
  ];
  for (const [change, env, message] of bad) {
    assert.throws(() => tokenExchanger({ ...base, ...change } as typeof base, env), message);
  }
});

Deno.test("exchangeToken posts RFC 8693 with Basic client auth and keeps the token shorter than both lifetimes", async () => {
  let seen: { url: string; headers: Headers; form: URLSearchParams } | undefined;
  const fetcher: typeof fetch = async (input, init) => {
    seen = {
      url: String(input),
      headers: new Headers(init?.headers),
      form: new URLSearchParams(await new Response(init?.body).text()),
    };
    return Response.json({ access_token: "x", token_type: "Bearer", expires_in: 600 });
  };
  const te = tokenExchanger({ ...base, client_id: "a b:c" }, { TOOLHIVE_TOKEN_EXCHANGE_CLIENT_SECRET: "p&q" });
  const got = await exchangeToken(te, "subject", { fetch: fetcher, now: () => 0 });
  assert.deepEqual(got, { token: "x", expiresAt: 570_000 });
  assert.equal(seen!.url, "https://sts.example/token");
  assert.equal(seen!.headers.get("authorization"), `Basic ${btoa("a+b%3Ac:p%26q")}`);
  assert.equal(seen!.form.get("grant_type"), "urn:ietf:params:oauth:grant-type:token-exchange");
  assert.equal(seen!.form.get("subject_token"), "subject");
  assert.equal(seen!.form.get("audience"), "https://backend.example");
  assert.equal(seen!.form.get("client_id"), null);
  const capped = await exchangeToken(te, "subject", { fetch: fetcher, now: () => 0, subjectExpiresAt: 1_000 });
  assert.equal(capped.expiresAt, 1_000);
});

Deno.test("exchangeToken tells a refused subject token from a failing service, without the token in the message", async () => {
  const answer = (status: number, body: unknown): typeof fetch => () =>
    Promise.resolve(Response.json(body, { status }));
  const te = tokenExchanger(base, {});
  const run = (f: typeof fetch) => exchangeToken(te, "SUBJECT", { fetch: f, now: () => 0 });
  const refused = await run(answer(400, { error: "invalid_grant" })).catch((e) => e);
  assert.ok(refused instanceof TokenExchangeError);
  assert.equal(refused.kind, "refused");
  const client = await run(answer(401, { error: "invalid_client" })).catch((e) => e);
  assert.equal(client.kind, "unavailable");
  const empty = await run(answer(200, { token_type: "Bearer" })).catch((e) => e);
  assert.match(empty.message, /answered without an access_token/);
  const mac = await run(answer(200, { access_token: "t", token_type: "mac" })).catch((e) => e);
  assert.match(mac.message, /issued a mac token, not a bearer token/);
  const down = await run(() => Promise.reject(new TypeError("connection refused"))).catch((e) => e);
  assert.equal(down.kind, "unavailable");
  for (const e of [refused, client, empty, mac, down]) assert.ok(!e.message.includes("SUBJECT"));
});
