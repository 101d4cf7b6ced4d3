/**
 * An MCPRemoteProxy in the real cluster in front of an MCP server running on the host (outside the cluster),
 * reached by the node IP on `lo` (a private address, hence `allowPrivateEndpoint`): a header whose value comes
 * from a Secret reaches the host server, a client outside the cluster calls a tool through the proxy's
 * Service, and the Secret's value is in no ConfigMap, Event, or log line of the operator and the proxy.
 * @module
 */
import assert from "node:assert/strict";
import { connectClient, type NodeCluster, poll } from "../harness/mod.ts";
import { startHeaderEchoServer } from "../fixtures/header_echo_server.ts";
import { apply, forwardToService, kwait, namespace } from "./_kube.ts";
import { OPERATOR_NAMESPACE } from "./_chart.ts";
import { ensureOperator } from "./_mcp_kit.ts";

/** The node IP the cluster setup adds to `lo`: pods reach the host there (tests/harness/cluster.ts). */
const HOST_IP = "172.31.255.1";
const NS = "e2e-remote-proxy";
const VALUE = `remote-secret-${crypto.randomUUID()}`;

/** The step: the host server sees the Secret's header; the value leaks nowhere. */
export async function remoteProxyFrontsHostServer(c: NodeCluster): Promise<void> {
  await ensureOperator(c);
  await namespace(c, NS);
  await using host = startHeaderEchoServer({ hostname: HOST_IP });
  await apply(
    c,
    NS,
    `apiVersion: v1
kind: Secret
metadata: {name: upstream}
stringData: {token: ${VALUE}}
---
apiVersion: toolhive.stacklok.dev/v1beta1
kind: MCPRemoteProxy
metadata: {name: hostmcp}
spec:
  remoteUrl: http://${HOST_IP}:${host.port}/mcp
  allowPrivateEndpoint: true
  headerForward:
    addPlaintextHeaders: {X-Tenant: acme}
    addHeadersFromSecret:
      - {headerName: X-Upstream-Token, valueSecretRef: {name: upstream, key: token}}`,
  );
  await kwait(c, NS, ["--for=jsonpath={.status.phase}=Ready", "mcpremoteproxy/hostmcp"]);
  // Phase Ready counts a Running pod (as ToolHive); the Service needs it ready (its /health pings the remote).
  await kwait(c, NS, ["--for=condition=Ready", "pod", "-l", "app=mcpremoteproxy"]);
  const forward = await forwardToService(c.adminConfig(), NS, "mcp-hostmcp-remote-proxy", 8080);
  try {
    const client = await poll(() => connectClient(`http://127.0.0.1:${forward.port}/mcp`), {
      what: "a client session through mcp-hostmcp-remote-proxy",
      deadlineMs: 60_000,
    });
    const token = await client.callTool({ name: "header", arguments: { name: "x-upstream-token" } });
    assert.deepEqual(token.content, [{ type: "text", text: VALUE }]);
    const tenant = await client.callTool({ name: "header", arguments: { name: "x-tenant" } });
    assert.deepEqual(tenant.content, [{ type: "text", text: "acme" }]);
    await client.close();
  } finally {
    await forward.close();
  }
  assert.ok(host.seen("x-upstream-token").every((v) => v === VALUE) && host.seen("x-upstream-token").length > 0);

  const leaks: string[] = [];
  for (const ns of [NS, OPERATOR_NAMESPACE]) {
    const objects = await c.kubectl(["-n", ns, "get", "configmaps,events", "-o", "json"]);
    if (objects.stdout.includes(VALUE)) leaks.push(`ConfigMaps or Events of ${ns}`);
  }
  const runConfig = await c.kubectl(["-n", NS, "get", "configmap", "hostmcp-runconfig", "-o", "json"]);
  assert.match(runConfig.stdout, /HEADER_FORWARD_X_UPSTREAM_TOKEN_HOSTMCP/);
  for (
    const [ns, selector] of [[NS, "app=mcpremoteproxy"], [OPERATOR_NAMESPACE, "app.kubernetes.io/name=thv-operator"]]
  ) {
    const logs = await c.kubectl(["-n", ns!, "logs", "-l", selector!, "--tail=-1", "--all-containers"]);
    assert.equal(logs.code, 0, logs.stderr);
    if (logs.stdout.includes(VALUE)) leaks.push(`pod logs ${ns} ${selector}`);
  }
  assert.deepEqual(leaks, [], "the Secret's value leaked");
  await c.kubectl(["delete", "namespace", NS, "--wait=false"]);
}
