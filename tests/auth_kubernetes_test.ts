/**
 * The `kubernetesServiceAccount` source of MCPOIDCConfig against a real kube-apiserver: clients present
 * service-account tokens (TokenRequest, audience of this server), and the proxy fetches the API server's
 * `/openid/v1/jwks` with its own service-account token over TLS trusting the cluster's CA, as the operator
 * configures a proxy pod (roles/operator/server_refs/oidc.ts).
 */
import { strict as assert } from "node:assert";
import { createLogger } from "../lib/log.ts";
import { parseRunConfig } from "../lib/run_config.ts";
import { proxyChainOf } from "../lib/middleware/mod.ts";
import { Client, StreamableHTTPClientTransport } from "../lib/mcp/mod.ts";
import { FIXTURE_STDIO, kubectl, serveStdioProxy, startControlPlane } from "./harness/mod.ts";

const log = createLogger({ format: "text", level: "error" });
const ISSUER = "https://kubernetes.default.svc.cluster.local"; // the control plane's --service-account-issuer
const AUDIENCE = "thv-mcp";

function post(url: string, token: string): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      authorization: `Bearer ${token}`,
    },
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "t", version: "1" } },
    }),
  });
}

Deno.test("service-account tokens of a real cluster authenticate clients; the JWKS is fetched with the pod's token", async () => {
  await using cp = await startControlPlane();
  const k = async (...args: string[]) => {
    const res = await kubectl(cp.kubeconfigPath, args);
    assert.equal(res.code, 0, `kubectl ${args.join(" ")}: ${res.stderr}`);
    return res.stdout.trim();
  };
  await k("create", "serviceaccount", "mcp-client");
  await k("create", "serviceaccount", "proxy");
  const clientToken = await k("create", "token", "mcp-client", "--audience", AUDIENCE);
  const otherAudience = await k("create", "token", "mcp-client", "--audience", "another-server");
  const dir = await Deno.makeTempDir({ prefix: "thv-auth-k8s-" });
  try {
    // What the pod has at /var/run/secrets/kubernetes.io/serviceaccount: its token (API audience) and the CA.
    const tokenFile = `${dir}/token`;
    await Deno.writeTextFile(tokenFile, await k("create", "token", "proxy"));
    const caFile = `${dir}/ca.crt`;
    await Deno.writeTextFile(caFile, atob(cp.adminConfig().getCurrentCluster()!.caData!));
    const config = (tokenFile: string) =>
      parseRunConfig(
        JSON.stringify({
          schema_version: "v0.1.0",
          name: "k8s",
          image: "k8s",
          transport: "stdio",
          port: 8080,
          oidc_config: {
            Issuer: ISSUER,
            Audience: AUDIENCE,
            JWKSURL: `${cp.server}/openid/v1/jwks`,
            ClientID: "",
            ClientSecret: "",
            CACertPath: caFile,
            AuthTokenFile: tokenFile,
            AllowPrivateIP: true,
            InsecureAllowHTTP: false,
            IntrospectionURL: "",
            ResourceURL: "",
            Scopes: null,
          },
          thv_ca_bundle: caFile,
          jwks_auth_token_file: tokenFile,
        }),
        "test",
      );

    const chain = (await proxyChainOf(config(tokenFile), { log, env: {} }))!;
    try {
      await using served = await serveStdioProxy(FIXTURE_STDIO, { middleware: chain.middleware });
      const client = new Client({ name: "sa-client", version: "1.0.0" });
      await client.connect(
        new StreamableHTTPClientTransport(new URL(served.url), {
          requestInit: { headers: { authorization: `Bearer ${clientToken}` } },
        }),
      );
      try {
        const result = await client.callTool({ name: "echo", arguments: { message: "sa" } });
        assert.equal((result.content as Array<{ text: string }>)[0]!.text, "Echo: sa");
      } finally {
        await client.close();
      }
      const other = await post(served.url, otherAudience);
      assert.equal(other.status, 401);
      assert.match(other.headers.get("www-authenticate")!, /the token is for another audience/);
      await other.body?.cancel();
    } finally {
      await chain.close();
    }

    // Without a token the API server will accept, the keys cannot be had: the proxy says so (503), never lets in.
    const anonymous = `${dir}/not-a-token`;
    await Deno.writeTextFile(anonymous, "not-a-token");
    const refused = (await proxyChainOf(config(anonymous), { log, env: {} }))!;
    try {
      await using served = await serveStdioProxy(FIXTURE_STDIO, { middleware: refused.middleware });
      const res = await post(served.url, clientToken);
      assert.equal(res.status, 503);
      await res.body?.cancel();
    } finally {
      await refused.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
