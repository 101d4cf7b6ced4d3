/**
 * Authentication of clients (issue 15) with a real OpenID provider (oidc-provider from npm), real proxies in
 * front of the fixture MCP server, and the MCP SDK client, including its own OAuth flow.
 */
import { strict as assert } from "node:assert";
import { createLogger } from "../lib/log.ts";
import type { Handler, Middleware } from "../lib/http/mod.ts";
import { parseRunConfig, type RunConfig } from "../lib/run_config.ts";
import { buildChain, type ProxyChain, proxyChainOf } from "../lib/middleware/mod.ts";
import { createAuthenticationStage } from "../lib/auth/mod.ts";
import { Client, SSEClientTransport, StreamableHTTPClientTransport } from "../lib/mcp/mod.ts";
// @ts-types="@modelcontextprotocol/sdk/client/auth-extensions"
import { ClientCredentialsProvider } from "@modelcontextprotocol/sdk/client/auth-extensions.js";
import { FIXTURE_STDIO, serveHttpProxy, serveStdioProxy, startEverythingHttp } from "./harness/mcp.ts";
import { privateHome, runThv, spawnThv } from "./harness/thv.ts";
import { fileURLToPath } from "node:url";
import { type OidcProvider, startOidcProvider } from "./harness/oidc_provider.ts";

const log = createLogger({ format: "text", level: "error" });
const AUDIENCE = "http://mcp.test/mcp";
const CLIENTS = [
  { id: "alice", secret: "alice-secret", groups: ["eng"] },
  { id: "bob", secret: "bob-secret", groups: ["sales"] },
  { id: "proxy", secret: "proxy-secret" },
];

function runConfig(oidc: Partial<NonNullable<RunConfig["oidc_config"]>>, extra: Record<string, unknown> = {}) {
  return parseRunConfig(
    JSON.stringify({
      schema_version: "v0.1.0",
      name: "fx",
      image: "fx",
      transport: "stdio",
      port: 8080,
      oidc_config: {
        Issuer: "",
        Audience: "",
        JWKSURL: "",
        ClientID: "",
        ClientSecret: "",
        CACertPath: "",
        AuthTokenFile: "",
        AllowPrivateIP: false,
        InsecureAllowHTTP: false,
        IntrospectionURL: "",
        ResourceURL: "",
        Scopes: [],
        ...oidc,
      },
      ...extra,
    }),
    "test",
  );
}

/** A middleware set once the proxy's URL is known (the audience of the SDK's tokens is that URL). */
function late(): { middleware: Middleware; set(chain: ProxyChain): void } {
  let chain: ProxyChain | undefined;
  return {
    middleware: (next: Handler) => (req) => chain ? chain.middleware(next)(req) : next(req),
    set: (c) => (chain = c),
  };
}

async function withProxy(
  chain: ProxyChain,
  fn: (url: string) => Promise<void>,
): Promise<void> {
  await using served = await serveStdioProxy(FIXTURE_STDIO, { middleware: chain.middleware });
  try {
    await fn(served.url);
  } finally {
    await chain.close();
  }
}

function initialize(url: string, token?: string): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "t", version: "1" } },
    }),
  });
}

async function clientWith(url: string, token: string): Promise<Client> {
  const client = new Client({ name: "auth-test", version: "1.0.0" });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { authorization: `Bearer ${token}` } } }),
  );
  return client;
}

async function withProvider(fn: (op: OidcProvider) => Promise<void>, opaque: string[] = []): Promise<void> {
  const op = await startOidcProvider({ clients: CLIENTS, opaqueResources: opaque });
  try {
    await fn(op);
  } finally {
    await op.close();
  }
}

Deno.test("without a token the proxy answers 401 pointing at its RFC 9728 metadata, which it serves", async () => {
  await withProvider(async (op) => {
    const chain = (await proxyChainOf(runConfig({ Issuer: op.issuer, Audience: AUDIENCE, Scopes: ["mcp:tools"] }), {
      log,
      env: {},
    }))!;
    assert.deepEqual(chain.stages, ["authentication"]);
    await withProxy(chain, async (url) => {
      const origin = new URL(url).origin;
      const res = await initialize(url);
      assert.equal(res.status, 401);
      assert.equal(
        res.headers.get("www-authenticate"),
        `Bearer resource_metadata="${origin}/.well-known/oauth-protected-resource/mcp", scope="mcp:tools"`,
      );
      const body = await res.json();
      assert.equal(body.jsonrpc, "2.0");
      assert.equal(body.id, 1);
      assert.match(body.error.message, /Unauthorized/);

      const meta = await fetch(`${origin}/.well-known/oauth-protected-resource/mcp`);
      assert.equal(meta.status, 200);
      assert.deepEqual(await meta.json(), {
        resource: `${origin}/mcp`,
        authorization_servers: [op.issuer],
        bearer_methods_supported: ["header"],
        scopes_supported: ["mcp:tools"],
      });
      const bare = await (await fetch(`${origin}/.well-known/oauth-protected-resource`)).json();
      assert.equal(bare.resource, `${origin}/mcp`);
      // The probe stays open; a token in the query is not a token.
      const health = await fetch(`${origin}/health`);
      await health.body?.cancel();
      assert.equal(health.status, 200);
      const token = await op.token("alice", { resource: AUDIENCE });
      const query = await initialize(`${url}?access_token=${token}`);
      await query.body?.cancel();
      assert.equal(query.status, 401);
    });
  });
});

Deno.test("a valid token calls through; one for another audience, a forged one, or an expired one gets 401", async () => {
  await withProvider(async (op) => {
    const config = runConfig({ Issuer: op.issuer, Audience: AUDIENCE });
    const chain = (await proxyChainOf(config, { log, env: {} }))!;
    await withProxy(chain, async (url) => {
      const token = await op.token("alice", { resource: AUDIENCE });
      const client = await clientWith(url, token);
      try {
        const result = await client.callTool({ name: "test_simple_text", arguments: {} });
        assert.match(JSON.stringify(result.content), /text/);
      } finally {
        await client.close();
      }

      const other = await op.token("alice", { resource: "http://other.test/mcp" });
      const res = await initialize(url, other);
      assert.equal(res.status, 401);
      assert.match(
        res.headers.get("www-authenticate")!,
        /error="invalid_token", error_description="the token is for another audience"/,
      );
      await res.body?.cancel();

      const [h, p] = token.split(".");
      const forged = `${h}.${
        btoa(JSON.stringify({ sub: "mallory", aud: AUDIENCE, iss: op.issuer, exp: 9e9 }))
          .replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_")
      }.${token.split(".")[2]}`;
      assert.notEqual(forged.split(".")[1], p);
      const forgedRes = await initialize(url, forged);
      assert.equal(forgedRes.status, 401);
      await forgedRes.body?.cancel();
    });

    // The same real token, seen by a proxy whose clock is past its expiry (and the 30 s skew).
    const later = await buildChain(config, { log, env: {} }, {
      factories: [createAuthenticationStage({ now: () => Date.now() + 601_000 + 31_000 })],
    });
    await withProxy(later!, async (url) => {
      const res = await initialize(url, await op.token("alice", { resource: AUDIENCE }));
      assert.equal(res.status, 401);
      assert.match(res.headers.get("www-authenticate")!, /the token has expired/);
      await res.body?.cancel();
    });
  });
});

Deno.test("after the provider rotates its keys, new tokens work at once and the JWKS is not refetched per call", async () => {
  await withProvider(async (op) => {
    const chain = (await proxyChainOf(runConfig({ Issuer: op.issuer, Audience: AUDIENCE }), { log, env: {} }))!;
    await withProxy(chain, async (url) => {
      const first = await initialize(url, await op.token("alice", { resource: AUDIENCE }));
      assert.equal(first.status, 200);
      await first.body?.cancel();
      const fetches = op.jwksFetches();
      for (let i = 0; i < 5; i++) {
        const again = await initialize(url, await op.token("alice", { resource: AUDIENCE }));
        await again.body?.cancel();
        assert.equal(again.status, 200);
      }
      assert.equal(op.jwksFetches(), fetches, "cached keys serve new tokens of the same key");

      await op.rotateKeys();
      const client = await clientWith(url, await op.token("alice", { resource: AUDIENCE }));
      try {
        assert.ok((await client.listTools()).tools.length > 0);
      } finally {
        await client.close();
      }
      assert.equal(op.jwksFetches(), fetches + 1);
    });
  });
});

Deno.test("an opaque token is validated by RFC 7662 introspection with the proxy's client credentials", async () => {
  await withProvider(async (op) => {
    const config = runConfig({
      Issuer: op.issuer,
      Audience: AUDIENCE,
      IntrospectionURL: op.introspectionEndpoint,
      ClientID: "proxy",
    });
    await assert.rejects(proxyChainOf(config, { log, env: {} }), /TOOLHIVE_OIDC_CLIENT_SECRET is empty/);
    const chain = (await proxyChainOf(config, { log, env: { TOOLHIVE_OIDC_CLIENT_SECRET: "proxy-secret" } }))!;
    await withProxy(chain, async (url) => {
      const token = await op.token("alice", { resource: AUDIENCE });
      assert.equal(token.split(".").length, 1, "the provider issued an opaque token");
      const client = await clientWith(url, token);
      try {
        assert.ok((await client.listTools()).tools.length > 0);
      } finally {
        await client.close();
      }
      const other = await initialize(url, await op.token("alice", { resource: "http://other.test/mcp" }));
      assert.equal(other.status, 401);
      assert.match(other.headers.get("www-authenticate")!, /another audience/);
      await other.body?.cancel();
      const bad = await initialize(url, "not-a-token-the-provider-issued");
      assert.equal(bad.status, 401);
      assert.match(bad.headers.get("www-authenticate")!, /the token is not active/);
      await bad.body?.cancel();
    });
  }, [AUDIENCE, "http://other.test/mcp"]);
});

Deno.test("the MCP SDK client's OAuth flow discovers the metadata from the 401 and completes", async () => {
  await withProvider(async (op) => {
    const slot = late();
    await using served = await serveStdioProxy(FIXTURE_STDIO, { middleware: slot.middleware });
    const chain = (await proxyChainOf(runConfig({ Issuer: op.issuer, Audience: served.url }), { log, env: {} }))!;
    slot.set(chain);
    try {
      const authProvider = new ClientCredentialsProvider({
        clientId: "alice",
        clientSecret: "alice-secret",
        expectedIssuer: op.issuer,
      });
      const client = new Client({ name: "oauth-test", version: "1.0.0" });
      await client.connect(new StreamableHTTPClientTransport(new URL(served.url), { authProvider }));
      try {
        const result = await client.callTool({ name: "test_simple_text", arguments: {} });
        assert.ok(Array.isArray(result.content));
      } finally {
        await client.close();
      }
      const token = authProvider.tokens()?.access_token;
      assert.ok(token);
      const [, payload] = token.split(".");
      const claims = JSON.parse(atob(payload!.replace(/-/g, "+").replace(/_/g, "/")));
      assert.equal(claims.aud, served.url, "the SDK asked for a token for this server (RFC 8707)");
    } finally {
      await chain.close();
    }
  });
});

Deno.test("thv proxy stdio --oidc-issuer --oidc-audience authenticates its clients", async () => {
  await withProvider(async (op) => {
    const thv = spawnThv([
      "proxy",
      "stdio",
      "--oidc-issuer",
      op.issuer,
      "--oidc-audience",
      AUDIENCE,
      "--oidc-scopes",
      "openid,mcp:tools",
      "--",
      FIXTURE_STDIO.command,
      ...FIXTURE_STDIO.args,
    ]);
    try {
      const url = await thv.firstLine(30_000);
      const res = await initialize(url);
      assert.equal(res.status, 401);
      assert.match(res.headers.get("www-authenticate")!, /resource_metadata=".*\/mcp", scope="openid mcp:tools"$/);
      await res.body?.cancel();
      const client = await clientWith(url, await op.token("alice", { resource: AUDIENCE }));
      try {
        const result = await client.callTool({ name: "echo", arguments: { message: "authn" } });
        assert.equal((result.content as Array<{ text: string }>)[0]!.text, "Echo: authn");
      } finally {
        await client.close();
      }
    } finally {
      assert.equal((await thv.stop()).code, 0);
    }
  });
});

Deno.test("thv proxy --target-uri introspects with --oidc-client-id/--oidc-client-secret; bad flags refuse to start", async () => {
  await withProvider(async (op) => {
    await using server = await startEverythingHttp("streamableHttp");
    const thv = spawnThv([
      "proxy",
      "--target-uri",
      server.url,
      "--oidc-issuer",
      op.issuer,
      "--oidc-audience",
      AUDIENCE,
      "--oidc-introspection-url",
      op.introspectionEndpoint,
      "--oidc-client-id",
      "proxy",
      "--oidc-client-secret",
      "proxy-secret",
    ]);
    try {
      const url = await thv.firstLine(30_000);
      const client = await clientWith(url, await op.token("alice", { resource: AUDIENCE }));
      try {
        assert.ok((await client.listTools()).tools.length > 0);
      } finally {
        await client.close();
      }
      const res = await initialize(url, "opaque-garbage");
      assert.equal(res.status, 401);
      await res.body?.cancel();
    } finally {
      assert.equal((await thv.stop()).code, 0);
    }

    const noAudience = await runThv(["proxy", "stdio", "--oidc-issuer", op.issuer, "--", "true"]);
    assert.equal(noAudience.code, 1);
    assert.match(noAudience.stderr, /^thv: oidc_config\.Audience is empty: .*\(--oidc-audience\)/);
    const http = await runThv([
      "proxy",
      "--target-uri",
      server.url,
      "--oidc-issuer",
      "http://idp.example",
      "--oidc-audience",
      "a",
    ]);
    assert.equal(http.code, 1);
    assert.match(http.stderr, /^thv: oidc_config\.Issuer http:\/\/idp\.example uses HTTP, which is insecure/);
    const stray = await runThv(["proxy", "stdio", "--oidc-audience", "a", "--", "true"]);
    assert.match(stray.stderr, /^thv: --oidc-audience needs --oidc-issuer/);
  }, [AUDIENCE]);
});

const PROBE = `npx://${fileURLToPath(new URL("./fixtures/sandbox_probe", import.meta.url))}`;

Deno.test("thv run --oidc-* saves oidc_config without the client secret, and its proxy authenticates clients", async () => {
  await withProvider(async (op) => {
    await using user = await privateHome({
      XDG_CACHE_HOME: `${Deno.env.get("HOME")}/.cache/thv/test-xdg-cache`,
      TOOLHIVE_RUNTIME: "deno",
    });
    const args = [
      "run",
      "--name",
      "authd",
      "--oidc-issuer",
      op.issuer,
      "--oidc-audience",
      AUDIENCE,
      "--oidc-introspection-url",
      op.introspectionEndpoint,
      "--oidc-client-id",
      "proxy",
    ];
    const missing = await runThv([...args, PROBE], user.env);
    assert.equal(missing.code, 1);
    assert.match(
      missing.stderr,
      /^thv: oidc_config\.ClientID proxy authenticates introspection, but TOOLHIVE_OIDC_CLIENT_SECRET is empty/,
    );
    const res = await runThv([...args, "--oidc-client-secret", "proxy-secret", PROBE], user.env);
    assert.equal(res.code, 0, res.stderr);
    try {
      const url = res.stdout.trim().split("\n")[0]!;
      const saved = JSON.parse(await Deno.readTextFile(`${user.home}/.local/state/toolhive/runconfigs/authd.json`));
      assert.equal(saved.oidc_config.Issuer, op.issuer);
      assert.equal(saved.oidc_config.ClientSecret, "");
      for await (const file of walk(user.home)) {
        const text = await Deno.readTextFile(file).catch(() => "");
        assert.ok(!text.includes("proxy-secret"), `${file} holds the client secret`);
      }
      const refused = await initialize(url);
      assert.equal(refused.status, 401);
      await refused.body?.cancel();
      const client = await clientWith(url, await op.token("alice", { resource: AUDIENCE }));
      try {
        const result = await client.callTool({ name: "echo", arguments: { message: "run" } });
        assert.match(JSON.stringify(result.content), /run/);
      } finally {
        await client.close();
      }
    } finally {
      assert.equal((await runThv(["rm", "authd"], user.env)).code, 0);
    }
  }, [AUDIENCE]);
});

async function* walk(dir: string): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(dir)) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) yield* walk(path);
    else if (entry.isFile) yield path;
  }
}

Deno.test("a legacy SSE client is challenged for the /sse resource and completes the SDK's OAuth flow there", async () => {
  await withProvider(async (op) => {
    const slot = late();
    await using served = await serveStdioProxy(FIXTURE_STDIO, { middleware: slot.middleware });
    const sse = served.url.replace(/\/mcp$/, "/sse");
    const chain = (await proxyChainOf(runConfig({ Issuer: op.issuer, Audience: sse }), { log, env: {} }))!;
    slot.set(chain);
    try {
      const open = await fetch(sse, { headers: { accept: "text/event-stream" } });
      assert.equal(open.status, 401);
      assert.match(open.headers.get("www-authenticate")!, /oauth-protected-resource\/sse"/);
      await open.body?.cancel();
      const authProvider = new ClientCredentialsProvider({
        clientId: "alice",
        clientSecret: "alice-secret",
        expectedIssuer: op.issuer,
      });
      const client = new Client({ name: "oauth-sse", version: "1.0.0" });
      await client.connect(new SSEClientTransport(new URL(sse), { authProvider }));
      try {
        const result = await client.callTool({ name: "echo", arguments: { message: "legacy" } });
        assert.equal((result.content as Array<{ text: string }>)[0]!.text, "Echo: legacy");
      } finally {
        await client.close();
      }
    } finally {
      await chain.close();
    }
  });
});

Deno.test("the client's token never reaches the MCP server behind the reverse proxy", async () => {
  await withProvider(async (op) => {
    const seen: Array<string | null> = [];
    const upstream = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
      seen.push(req.headers.get("authorization"));
      const body = await req.json();
      return Response.json({
        jsonrpc: "2.0",
        id: body.id,
        result: { protocolVersion: "2025-06-18", capabilities: {} },
      });
    });
    try {
      const chain = (await proxyChainOf(runConfig({ Issuer: op.issuer, Audience: AUDIENCE }), { log, env: {} }))!;
      await using served = await serveHttpProxy(`http://127.0.0.1:${upstream.addr.port}/mcp`, "streamable-http", {
        middleware: chain.middleware,
      });
      try {
        const res = await initialize(`${served.origin}/mcp`, await op.token("alice", { resource: AUDIENCE }));
        assert.equal(res.status, 200);
        await res.body?.cancel();
        assert.deepEqual(seen, [null]);
      } finally {
        await chain.close();
      }
    } finally {
      await upstream.shutdown();
    }
  });
});

Deno.test("authentication then token exchange, as every proxy builds them: the server gets the exchanged token", async () => {
  await withProvider(async (op) => {
    const seen: Array<string | null> = [];
    const upstream = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
      seen.push(req.headers.get("authorization"));
      const body = await req.json();
      return Response.json({
        jsonrpc: "2.0",
        id: body.id,
        result: { protocolVersion: "2025-06-18", capabilities: {} },
      });
    });
    try {
      const config = runConfig({ Issuer: op.issuer, Audience: AUDIENCE }, {
        token_exchange_config: {
          token_url: op.tokenEndpoint,
          client_id: "proxy",
          client_secret: "",
          client_secret_env: "TOOLHIVE_TOKEN_EXCHANGE_CLIENT_SECRET",
          audience: "http://backend.test",
          header_strategy: "replace",
        },
      });
      const chain = (await proxyChainOf(config, {
        log,
        env: { TOOLHIVE_TOKEN_EXCHANGE_CLIENT_SECRET: "proxy-secret" },
      }))!;
      assert.deepEqual(chain.stages, ["authentication", "outgoing-auth"]);
      await using served = await serveHttpProxy(`http://127.0.0.1:${upstream.addr.port}/mcp`, "streamable-http", {
        middleware: chain.middleware,
      });
      try {
        const token = await op.token("alice", { resource: AUDIENCE });
        const res = await initialize(`${served.origin}/mcp`, token);
        assert.equal(res.status, 200);
        await res.body?.cancel();
        const refused = await initialize(`${served.origin}/mcp`);
        assert.equal(refused.status, 401);
        await refused.body?.cancel();
        assert.equal(seen.length, 1, "the refused call never reached the server");
        const sent = seen[0]!.replace(/^Bearer /, "");
        assert.notEqual(sent, token);
        const claims = JSON.parse(atob(sent.split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/")));
        assert.deepEqual([claims.aud, claims.act_sub], ["http://backend.test", "alice"]);
      } finally {
        await chain.close();
      }
    } finally {
      await upstream.shutdown();
    }
  });
});

Deno.test("thv proxy stdio with --oidc-* and --authz-config: one chain, the token's groups decide the tools", async () => {
  await withProvider(async (op) => {
    const dir = await Deno.makeTempDir({ prefix: "thv-authn-authz-" });
    const policy = 'permit(principal, action == Action::"call_tool", resource == Tool::"echo") ' +
      'when { principal.claim_groups.contains("eng") };';
    await Deno.writeTextFile(
      `${dir}/authz.json`,
      JSON.stringify({ version: "1.0", type: "cedarv1", cedar: { policies: [policy] } }),
    );
    const thv = spawnThv([
      "proxy",
      "--oidc-issuer",
      op.issuer,
      "--oidc-audience",
      AUDIENCE,
      "stdio",
      "--authz-config",
      `${dir}/authz.json`,
      "--",
      FIXTURE_STDIO.command,
      ...FIXTURE_STDIO.args,
    ]);
    try {
      const url = await thv.firstLine(30_000);
      const anonymous = await initialize(url);
      assert.equal(anonymous.status, 401, "authentication runs before authorization");
      await anonymous.body?.cancel();
      const alice = await clientWith(url, await op.token("alice", { resource: AUDIENCE }));
      const bob = await clientWith(url, await op.token("bob", { resource: AUDIENCE }));
      try {
        const result = await alice.callTool({ name: "echo", arguments: { message: "eng" } });
        assert.equal((result.content as Array<{ text: string }>)[0]!.text, "Echo: eng");
        assert.deepEqual((await alice.listTools()).tools.map((t) => t.name), ["echo"]);
        assert.deepEqual((await bob.listTools()).tools, []);
        await assert.rejects(bob.callTool({ name: "echo", arguments: { message: "sales" } }));
      } finally {
        await alice.close();
        await bob.close();
      }
    } finally {
      assert.equal((await thv.stop()).code, 0);
      await Deno.remove(dir, { recursive: true });
    }
  });
});
