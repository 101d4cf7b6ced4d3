/**
 * Cedar authorization through a real proxy (issue 15, Must show): tokens from a real OpenID provider
 * (oidc-provider), the fixture MCP server over stdio and server-everything over HTTP (behind the reverse
 * proxy), SDK clients over streamable HTTP and legacy SSE, and the chain built from a RunConfig by
 * lib/middleware with thv's own stages.
 * @module
 */
import { strict as assert } from "node:assert";
import * as jose from "jose";
import { createLogger } from "../lib/log.ts";
import { Client, SSEClientTransport, StreamableHTTPClientTransport } from "../lib/mcp/mod.ts";
import { buildChain, STAGE_FACTORIES, type StageFactory } from "../lib/middleware/mod.ts";
import { parseRunConfig } from "../lib/run_config.ts";
import { FIXTURE_STDIO, serveHttpProxy, serveStdioProxy, startEverythingHttp } from "./harness/mod.ts";
import { type OidcProvider, startOidcProvider } from "./harness/oidc_provider.ts";

const log = createLogger({ format: "text", level: "error" });
const AUDIENCE = "http://mcp.test/mcp";
const POLICY =
  'permit(principal, action == Action::"call_tool", resource == Tool::"echo") when { principal.claim_groups.contains("eng") };';

/**
 * TEST STAND-IN for the authentication stage (written in parallel in lib/auth): verifies the bearer JWT with
 * jose against the provider's JWKS and sets the call's identity; 401 without a valid token. Swap in the real
 * stage when it lands.
 */
function testStandInAuthentication(op: OidcProvider): StageFactory {
  const jwks = jose.createRemoteJWKSet(new URL(op.jwksUri));
  return {
    name: "test-stand-in-authentication",
    keys: [],
    build: () =>
      Promise.resolve({
        authenticates: true,
        middleware: (next) => async (call) => {
          const token = call.request.headers.get("authorization")?.replace(/^Bearer /i, "");
          if (!token) return new Response("no token", { status: 401 });
          try {
            const { payload } = await jose.jwtVerify(token, jwks, { issuer: op.issuer, audience: AUDIENCE });
            call.identity = { subject: payload.sub!, claims: payload, token, anonymous: false };
          } catch {
            return new Response("bad token", { status: 401 });
          }
          return await next(call);
        },
      }),
  };
}

async function connect(url: string, token: string, transport: "streamable-http" | "sse"): Promise<Client> {
  const client = new Client({ name: "authz-test", version: "1.0.0" }, { capabilities: {} });
  const requestInit = { headers: { authorization: `Bearer ${token}` } };
  await client.connect(
    transport === "sse"
      ? new SSEClientTransport(new URL(url.replace(/\/mcp$/, "/sse")), { requestInit })
      : new StreamableHTTPClientTransport(new URL(url), { requestInit }),
  );
  return client;
}

function authzRunConfig(transport: string) {
  return parseRunConfig(
    JSON.stringify({
      schema_version: "v0.1.0",
      name: "fixture",
      image: "fixture",
      transport,
      port: 8080,
      authz_config: { version: "1.0", type: "cedarv1", cedar: { policies: [POLICY], entities_json: "[]" } },
    }),
    "test",
  );
}

Deno.test("a Cedar policy permits one tool to one group: the call works, another tool is 403, lists show only it, over streamable HTTP and SSE", async () => {
  const op = await startOidcProvider({
    clients: [{ id: "alice", secret: "a-secret", groups: ["eng"] }, { id: "bob", secret: "b-secret", groups: ["ops"] }],
  });
  const chain = (await buildChain(authzRunConfig("stdio"), { log, env: {} }, {
    factories: [testStandInAuthentication(op), ...STAGE_FACTORIES],
  }))!;
  assert.deepEqual(chain.stages, ["test-stand-in-authentication", "authorization"]);
  const served = await serveStdioProxy(FIXTURE_STDIO, { middleware: chain.middleware });
  try {
    const alice = await op.token("alice", { resource: AUDIENCE });
    const bob = await op.token("bob", { resource: AUDIENCE });
    for (const transport of ["streamable-http", "sse"] as const) {
      const client = await connect(served.url, alice, transport);
      try {
        const echoed = await client.callTool({ name: "echo", arguments: { message: "hello" } });
        assert.deepEqual(echoed.content, [{ type: "text", text: "Echo: hello" }], transport);
        await assert.rejects(
          client.callTool({ name: "test_simple_text", arguments: {} }),
          /403|Unauthorized/,
          transport,
        );
        const { tools } = await client.listTools();
        assert.deepEqual(tools.map((t) => t.name), ["echo"], transport);
      } finally {
        await client.close();
      }
      const outsider = await connect(served.url, bob, transport);
      try {
        assert.deepEqual((await outsider.listTools()).tools, [], transport);
        await assert.rejects(outsider.callTool({ name: "echo", arguments: { message: "x" } }), /403|Unauthorized/);
      } finally {
        await outsider.close();
      }
    }
    const anonymous = await fetch(served.url, { method: "POST", body: "{}" });
    await anonymous.body?.cancel();
    assert.equal(anonymous.status, 401);
  } finally {
    await served.stop();
    await chain.close();
    await op.close();
  }
});

Deno.test("the same policy behind the HTTP reverse proxy: server-everything over streamable HTTP and over SSE", async () => {
  const op = await startOidcProvider({
    clients: [{ id: "alice", secret: "a-secret", groups: ["eng"] }, { id: "bob", secret: "b-secret", groups: ["ops"] }],
  });
  try {
    const alice = await op.token("alice", { resource: AUDIENCE });
    const bob = await op.token("bob", { resource: AUDIENCE });
    for (const mode of ["streamableHttp", "sse"] as const) {
      const transport = mode === "sse" ? "sse" : "streamable-http";
      const chain = (await buildChain(authzRunConfig(transport), { log, env: {} }, {
        factories: [testStandInAuthentication(op), ...STAGE_FACTORIES],
      }))!;
      await using server = await startEverythingHttp(mode);
      await using served = await serveHttpProxy(server.url, transport, { middleware: chain.middleware });
      try {
        const url = `${served.origin}/mcp`;
        const client = await connect(url, alice, transport);
        try {
          const echoed = await client.callTool({ name: "echo", arguments: { message: "hello" } });
          assert.match(JSON.stringify(echoed.content), /hello/, mode);
          await assert.rejects(client.callTool({ name: "get-sum", arguments: { a: 1, b: 2 } }), /403|Unauthorized/);
          assert.deepEqual((await client.listTools()).tools.map((t) => t.name), ["echo"], mode);
        } finally {
          await client.close();
        }
        const outsider = await connect(url, bob, transport);
        try {
          assert.deepEqual((await outsider.listTools()).tools, [], mode);
        } finally {
          await outsider.close();
        }
      } finally {
        await chain.close();
      }
    }
  } finally {
    await op.close();
  }
});
