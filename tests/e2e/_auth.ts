/**
 * Who may call what, in the real cluster: an MCPServer (server-everything over stdio) authenticates clients
 * against a real OpenID provider on the host (oidc-provider, reached by pods at the node IP on `lo`) through an
 * MCPOIDCConfig, and authorizes them with Cedar from an MCPAuthzConfig that lets the group `eng` call `echo`
 * only. A client outside the cluster, through the proxy Service: without a token → 401 with the metadata
 * header; a member of `eng` sees only `echo` and calls it; another tool → 403; a caller outside the group sees
 * no tools. The audit events of the proxy pod record the denial.
 * @module
 */
import assert from "node:assert/strict";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { EVERYTHING_IMAGE, type NodeCluster, poll } from "../harness/mod.ts";
import { startOidcProvider } from "../harness/oidc_provider.ts";
import { apply, forwardToService, kwait, namespace } from "./_kube.ts";
import { ensureOperator } from "./_mcp_kit.ts";

/** The node IP the cluster setup adds to `lo`: pods reach the host there (tests/harness/cluster.ts). */
const HOST_IP = "172.31.255.1";
const NS = "e2e-auth";
const AUDIENCE = "http://guarded.e2e-auth.svc.cluster.local:8080";

/** A client with `token` on every request. */
async function clientWith(url: string, token: string): Promise<Client> {
  const client = new Client({ name: "e2e-auth", version: "1.0.0" });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { authorization: `Bearer ${token}` } } }),
  );
  return client;
}

/** The step: authentication and Cedar authorization from shared configs, seen by clients outside the cluster. */
export async function authInCluster(c: NodeCluster): Promise<void> {
  await ensureOperator(c);
  await namespace(c, NS);
  const op = await startOidcProvider({
    hostname: HOST_IP,
    clients: [{ id: "alice", secret: "alice-secret", groups: ["eng"] }, {
      id: "bob",
      secret: "bob-secret",
      groups: ["sales"],
    }],
  });
  try {
    await apply(
      c,
      NS,
      `apiVersion: toolhive.stacklok.dev/v1beta1
kind: MCPOIDCConfig
metadata: {name: host-idp}
spec:
  type: inline
  inline:
    issuer: ${op.issuer}
    insecureAllowHTTP: true
    jwksAllowPrivateIP: true
---
apiVersion: toolhive.stacklok.dev/v1beta1
kind: MCPAuthzConfig
metadata: {name: eng-echo}
spec:
  type: cedarv1
  config:
    policies:
      - 'permit(principal, action == Action::"call_tool", resource == Tool::"echo") when { principal.claim_groups.contains("eng") };'
    entities_json: "[]"
---
apiVersion: toolhive.stacklok.dev/v1beta1
kind: MCPServer
metadata: {name: guarded}
spec:
  image: "${EVERYTHING_IMAGE}"
  transport: stdio
  oidcConfigRef: {name: host-idp, audience: "${AUDIENCE}"}
  authzConfigRef: {name: eng-echo}
  audit: {enabled: true}`,
    );
    await kwait(c, NS, ["--for=condition=Ready", "mcpserver/guarded"]);
    const forward = await forwardToService(c.adminConfig(), NS, "mcp-guarded-proxy", 8080);
    try {
      const url = `http://127.0.0.1:${forward.port}/mcp`;
      const anonymous = await poll(async () => {
        const res = await fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
          body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" }),
        }).catch(() => undefined);
        await res?.body?.cancel();
        return res?.status === 401 ? res : undefined;
      }, { what: "the guarded proxy to answer 401 without a token", deadlineMs: 60_000 });
      assert.match(anonymous.headers.get("www-authenticate") ?? "", /resource_metadata="[^"]+"/);

      const alice = await clientWith(url, await op.token("alice", { resource: AUDIENCE }));
      try {
        const { tools } = await alice.listTools();
        assert.deepEqual(tools.map((t) => t.name), ["echo"]);
        const said = await alice.callTool({ name: "echo", arguments: { message: "hi" } });
        assert.deepEqual(said.content, [{ type: "text", text: "Echo: hi" }]);
        await assert.rejects(
          alice.callTool({ name: "get-sum", arguments: { a: 1, b: 2 } }),
          /403|denied|not authorized/i,
        );
      } finally {
        await alice.close();
      }
      const bob = await clientWith(url, await op.token("bob", { resource: AUDIENCE }));
      try {
        assert.deepEqual((await bob.listTools()).tools, []);
      } finally {
        await bob.close();
      }
      const elsewhere = await op.token("alice", { resource: "http://another.example/mcp" });
      const replay = await fetch(url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: "application/json, text/event-stream",
          authorization: `Bearer ${elsewhere}`,
        },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" }),
      });
      await replay.body?.cancel();
      assert.equal(replay.status, 401, "a token for another audience is refused");
    } finally {
      await forward.close();
    }
    const denied = await poll(async () => {
      const logs = await c.kubectl(["-n", NS, "logs", "deployment/guarded", "-c", "toolhive", "--tail=-1"]);
      return logs.stdout.split("\n").find((l) => l.includes("get-sum") && /denied/i.test(l));
    }, { what: "an audit event of the denied call in the proxy's log", deadlineMs: 30_000 });
    assert.ok(denied);
  } finally {
    await op.close();
    await c.kubectl(["delete", "namespace", NS, "--wait=false"]);
  }
}
