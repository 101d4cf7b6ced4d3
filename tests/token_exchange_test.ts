/**
 * Outgoing authentication end to end (issue 15 item 4): a real OpenID provider (oidc-provider from npm) issues
 * the client's token and performs the RFC 8693 exchange at its token endpoint; a real MCP server behind thv's
 * reverse proxy records the Authorization it receives. The client's token never reaches it.
 */
import { strict as assert } from "node:assert";
import * as jose from "jose";
import { createLogger } from "../lib/log.ts";
import { Client, StreamableHTTPClientTransport } from "../lib/mcp/mod.ts";
import type { Identity } from "../lib/mcp_call/mod.ts";
import { buildChain, type ChainDeps, proxyChainOf, type StageFactory } from "../lib/middleware/mod.ts";
import { factory as outgoingAuth } from "../lib/outgoing/mod.ts";
import { parseRunConfig, type RunConfig } from "../lib/run_config.ts";
import { startHeaderEchoServer } from "./fixtures/header_echo_server.ts";
import { serveHttpProxy } from "./harness/mcp.ts";
import { type OidcProvider, startOidcProvider } from "./harness/oidc_provider.ts";

const log = createLogger({ format: "text", level: "error" });
const RESOURCE = "http://mcp.test/mcp";
const BACKEND_AUDIENCE = "http://backend.test";
const SECRET_ENV = "TOOLHIVE_TOKEN_EXCHANGE_CLIENT_SECRET";

/**
 * TEST-ONLY STAND-IN for the authentication stage (written elsewhere): verifies the client's JWT with jose
 * against the provider's JWKS and sets `call.identity`, as the real stage does; 401 without a valid token.
 */
function standInAuthentication(op: OidcProvider): StageFactory {
  const jwks = jose.createRemoteJWKSet(new URL(op.jwksUri));
  return {
    name: "authentication-stand-in",
    keys: [],
    build: () =>
      Promise.resolve({
        authenticates: true,
        middleware: (next) => async (call) => {
          const header = call.request.headers.get("authorization") ?? "";
          const token = header.startsWith("Bearer ") ? header.slice(7) : "";
          try {
            const { payload } = await jose.jwtVerify(token, jwks, { issuer: op.issuer, audience: RESOURCE });
            const identity: Identity = { subject: payload.sub!, claims: payload, token, anonymous: false };
            call.identity = identity;
          } catch {
            return new Response("unauthorized", { status: 401 });
          }
          return await next(call);
        },
      }),
  };
}

function runConfig(extra: Record<string, unknown>): RunConfig {
  return parseRunConfig(
    JSON.stringify({
      schema_version: "v0.1.0",
      name: "echo",
      image: "echo",
      transport: "streamable-http",
      port: 8080,
      ...extra,
    }),
    "test",
  );
}

const EXCHANGE = {
  token_url: "",
  client_id: "proxy",
  client_secret: "",
  client_secret_env: SECRET_ENV,
  audience: BACKEND_AUDIENCE,
  scopes: ["openid"],
  header_strategy: "replace",
};

/** A `fetch` that counts the calls to `url`. */
function countingFetch(url: string): { fetch: typeof fetch; calls: () => number } {
  let calls = 0;
  return {
    fetch: (input, init) => {
      if (String(input instanceof Request ? input.url : input) === url) calls++;
      return fetch(input, init);
    },
    calls: () => calls,
  };
}

/** One raw MCP POST (stateless server: no session needed). */
async function post(origin: string, body: unknown, headers: Record<string, string>): Promise<Response> {
  return await fetch(`${origin}/mcp`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream", ...headers },
    body: JSON.stringify(body),
  });
}

const headerCall = (id: number, name: string) => ({
  jsonrpc: "2.0",
  id,
  method: "tools/call",
  params: { name: "header", arguments: { name } },
});

/** The text the echo tool answered a raw POST with. */
async function echoed(res: Response): Promise<string> {
  const body = await res.json();
  assert.equal(res.status, 200, JSON.stringify(body));
  return body.result.content[0].text;
}

async function connect(origin: string, token: string): Promise<Client> {
  const client = new Client({ name: "outgoing-test", version: "1" }, { capabilities: {} });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`${origin}/mcp`), {
      requestInit: { headers: { authorization: `Bearer ${token}` } },
    }),
  );
  return client;
}

Deno.test("token exchange: the backend receives the exchanged token, never the client's, and the exchange is cached", async () => {
  const op = await startOidcProvider({
    clients: [{ id: "alice", secret: "a-secret", groups: ["eng"] }, { id: "proxy", secret: "p-secret" }],
  });
  await using echo = startHeaderEchoServer({ hostname: "127.0.0.1" });
  const counted = countingFetch(op.tokenEndpoint);
  const deps: ChainDeps = { log, env: { [SECRET_ENV]: "p-secret" }, fetch: counted.fetch };
  const config = runConfig({ token_exchange_config: { ...EXCHANGE, token_url: op.tokenEndpoint } });
  const chain = (await buildChain(config, deps, { factories: [standInAuthentication(op), outgoingAuth] }))!;
  assert.deepEqual(chain.stages, ["authentication-stand-in", "outgoing-auth"]);
  await using proxy = await serveHttpProxy(`http://127.0.0.1:${echo.port}/mcp`, "streamable-http", {
    middleware: chain.middleware,
  });
  const jwks = jose.createRemoteJWKSet(new URL(op.jwksUri));
  try {
    const clientToken = await op.token("alice", { resource: RESOURCE });
    const client = await connect(proxy.origin, clientToken);
    try {
      const first = await client.callTool({ name: "header", arguments: { name: "authorization" } });
      const seenByBackend = (first.content as Array<{ text: string }>)[0]!.text;
      assert.match(seenByBackend, /^Bearer /);
      const exchanged = seenByBackend.slice(7);
      assert.notEqual(exchanged, clientToken);
      const { payload } = await jose.jwtVerify(exchanged, jwks, { issuer: op.issuer, audience: BACKEND_AUDIENCE });
      assert.equal(payload.act_sub, "alice");
      assert.deepEqual(payload.groups, ["eng"]);

      const second = await client.callTool({ name: "header", arguments: { name: "authorization" } });
      assert.equal((second.content as Array<{ text: string }>)[0]!.text, seenByBackend);
      assert.equal(counted.calls(), 1, "initialize, initialized and two calls share one exchange");
      const authorizations = echo.seen("authorization");
      assert.ok(authorizations.length >= 4);
      assert.ok(authorizations.every((a) => a === seenByBackend), "every request carried the exchanged token");
      assert.ok(!authorizations.some((a) => a.includes(clientToken)), "the client's token never reached the backend");
    } finally {
      await client.close();
    }

    // Concurrent requests with a new client token wait for one exchange between them.
    const fresh = await op.token("alice", { resource: RESOURCE });
    const answers = await Promise.all(
      Array.from(
        { length: 8 },
        (_, i) => post(proxy.origin, headerCall(i, "authorization"), { authorization: `Bearer ${fresh}` }),
      ),
    );
    const texts = await Promise.all(answers.map(echoed));
    assert.equal(new Set(texts).size, 1);
    assert.equal(counted.calls(), 2, "eight concurrent requests for one token made one exchange");
    assert.ok(!echo.seen("authorization").some((a) => a.includes(fresh)));
  } finally {
    await chain.close();
    await op.close();
  }
});

Deno.test("token exchange: a refused exchange answers the client and the backend is not called", async () => {
  const op = await startOidcProvider({
    clients: [{ id: "alice", secret: "a-secret" }, { id: "proxy", secret: "p-secret" }],
  });
  await using echo = startHeaderEchoServer({ hostname: "127.0.0.1" });
  const config = runConfig({ token_exchange_config: { ...EXCHANGE, token_url: op.tokenEndpoint } });
  const auth = standInAuthentication(op);
  // The proxy's own client secret is wrong: the provider refuses the client (invalid_client), a 502.
  const wrongSecret = (await buildChain(config, { log, env: { [SECRET_ENV]: "not-it" } }, {
    factories: [auth, outgoingAuth],
  }))!;
  // The right secret, and a stand-in whose cached JWKS still accepts a token signed by a key the provider dropped.
  const good = (await buildChain(config, { log, env: { [SECRET_ENV]: "p-secret" } }, {
    factories: [auth, outgoingAuth],
  }))!;
  // No authentication at all: there is no client token to exchange.
  const anonymous = (await buildChain(config, { log, env: { [SECRET_ENV]: "p-secret" } }, {
    factories: [outgoingAuth],
  }))!;
  const target = `http://127.0.0.1:${echo.port}/mcp`;
  await using p1 = await serveHttpProxy(target, "streamable-http", { middleware: wrongSecret.middleware });
  await using p2 = await serveHttpProxy(target, "streamable-http", { middleware: good.middleware });
  await using p3 = await serveHttpProxy(target, "streamable-http", { middleware: anonymous.middleware });
  try {
    const token = await op.token("alice", { resource: RESOURCE });
    const marker = (n: string) => ({ authorization: `Bearer ${token}`, "x-test-call": n });

    const res1 = await post(p1.origin, headerCall(7, "x-test-call"), marker("wrong-secret"));
    assert.equal(res1.status, 502);
    const body1 = await res1.json();
    assert.equal(body1.id, 7);
    assert.match(
      body1.error.message,
      /^Token exchange at http:\/\/127\.0\.0\.1:\d+\/token was refused \(invalid_client\)/,
    );
    assert.ok(!JSON.stringify(body1).includes(token));

    const ok = await echoed(await post(p2.origin, headerCall(8, "x-test-call"), marker("good")));
    assert.equal(ok, "good");
    const beforeRotation = await op.token("alice", { resource: RESOURCE });
    await op.rotateKeys();
    const res2 = await post(p2.origin, headerCall(9, "x-test-call"), {
      authorization: `Bearer ${beforeRotation}`,
      "x-test-call": "dropped-key",
    });
    const body2 = await res2.json();
    assert.equal(res2.status, 401, JSON.stringify(body2));
    assert.match(res2.headers.get("www-authenticate") ?? "", /invalid_token/);
    assert.match(body2.error.message, /was refused \(invalid_grant\).*: get a new token$/);

    const res3 = await post(p3.origin, headerCall(10, "x-test-call"), marker("anonymous"));
    assert.equal(res3.status, 401);
    assert.match((await res3.json()).error.message, /^Token exchange needs an authenticated client/);

    assert.deepEqual(echo.seen("x-test-call"), ["good"], "only the exchanged request reached the backend");
  } finally {
    await Promise.all([wrongSecret.close(), good.close(), anonymous.close()]);
    await op.close();
  }
});

Deno.test("no passthrough: with authentication and no outgoing credentials the backend gets no Authorization", async () => {
  const op = await startOidcProvider({ clients: [{ id: "alice", secret: "a-secret" }] });
  await using echo = startHeaderEchoServer({ hostname: "127.0.0.1" });
  const chain = (await buildChain(runConfig({}), { log, env: {} }, { factories: [standInAuthentication(op)] }))!;
  await using proxy = await serveHttpProxy(`http://127.0.0.1:${echo.port}/mcp`, "streamable-http", {
    middleware: chain.middleware,
  });
  try {
    const token = await op.token("alice", { resource: RESOURCE });
    const text = await echoed(
      await post(proxy.origin, headerCall(1, "authorization"), { authorization: `Bearer ${token}` }),
    );
    assert.equal(text, "(absent)");
    assert.deepEqual(echo.seen("authorization"), []);
  } finally {
    await chain.close();
    await op.close();
  }
});

Deno.test("a bearer token and injected headers from secrets reach the backend, through the chain every proxy builds", async () => {
  const op = await startOidcProvider({ clients: [{ id: "alice", secret: "a-secret" }] });
  await using echo = startHeaderEchoServer({ hostname: "127.0.0.1" });
  const config = runConfig({
    remote_auth_config: { bearer_token: "BACKEND_TOKEN,target=bearer_token" },
    header_forward: {
      add_headers_from_secret: { "X-Api-Key": "API_KEY" },
      add_plaintext_headers: { "X-Tenant": "t1" },
    },
  });
  const env = { TOOLHIVE_SECRET_BACKEND_TOKEN: "backend-s3cret", TOOLHIVE_SECRET_API_KEY: "key-1" };
  const everyStage = (await proxyChainOf(config, { log, env }))!;
  assert.deepEqual(everyStage.stages, ["outgoing-auth"]);
  const withAuth = (await buildChain(config, { log, env }, { factories: [standInAuthentication(op), outgoingAuth] }))!;
  const target = `http://127.0.0.1:${echo.port}/mcp`;
  await using plain = await serveHttpProxy(target, "streamable-http", { middleware: everyStage.middleware });
  await using authed = await serveHttpProxy(target, "streamable-http", { middleware: withAuth.middleware });
  try {
    const token = await op.token("alice", { resource: RESOURCE });
    const client = { authorization: `Bearer ${token}` };
    for (const origin of [plain.origin, authed.origin]) {
      assert.equal(await echoed(await post(origin, headerCall(1, "authorization"), client)), "Bearer backend-s3cret");
      assert.equal(await echoed(await post(origin, headerCall(2, "x-api-key"), client)), "key-1");
      assert.equal(await echoed(await post(origin, headerCall(3, "x-tenant"), client)), "t1");
    }
    assert.ok(!echo.seen("authorization").some((a) => a.includes(token)));
    await assert.rejects(
      proxyChainOf(config, { log, env: { TOOLHIVE_SECRET_API_KEY: "key-1" } }),
      /^TypeError: remote_auth_config.bearer_token needs env TOOLHIVE_SECRET_BACKEND_TOKEN: give the proxy/,
    );
  } finally {
    await Promise.all([everyStage.close(), withAuth.close()]);
    await op.close();
  }
});

Deno.test("token exchange with header_strategy custom: the exchanged token goes in the named header, no Authorization", async () => {
  const op = await startOidcProvider({
    clients: [{ id: "alice", secret: "a-secret" }, { id: "proxy", secret: "p-secret" }],
  });
  await using echo = startHeaderEchoServer({ hostname: "127.0.0.1" });
  const config = runConfig({
    token_exchange_config: {
      ...EXCHANGE,
      token_url: op.tokenEndpoint,
      header_strategy: "custom",
      external_token_header_name: "X-Upstream-Token",
    },
  });
  const chain = (await buildChain(config, { log, env: { [SECRET_ENV]: "p-secret" } }, {
    factories: [standInAuthentication(op), outgoingAuth],
  }))!;
  await using proxy = await serveHttpProxy(`http://127.0.0.1:${echo.port}/mcp`, "streamable-http", {
    middleware: chain.middleware,
  });
  try {
    const token = await op.token("alice", { resource: RESOURCE });
    const client = { authorization: `Bearer ${token}` };
    const exchanged = await echoed(await post(proxy.origin, headerCall(1, "x-upstream-token"), client));
    const { payload } = await jose.jwtVerify(exchanged, jose.createRemoteJWKSet(new URL(op.jwksUri)), {
      issuer: op.issuer,
      audience: BACKEND_AUDIENCE,
    });
    assert.equal(payload.act_sub, "alice");
    assert.equal(await echoed(await post(proxy.origin, headerCall(2, "authorization"), client)), "(absent)");
  } finally {
    await chain.close();
    await op.close();
  }
});
