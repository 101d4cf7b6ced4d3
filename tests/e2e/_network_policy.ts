/**
 * The e2e step of the operator's NetworkPolicy: under profile none the MCP pod is confined and only its proxy
 * reaches it; under network its egress opens.
 * @module
 */
import assert from "node:assert/strict";
import { BUSYBOX_IMAGE, type NodeCluster, poll } from "../harness/mod.ts";
import { desiredNetworkPolicy, type Egress } from "../../roles/operator/desired/mod.ts";
import { mcpServer } from "../../roles/operator/testing/servers.ts";
import { apply, eventuallyGets, getFails, kwait, namespace } from "./_kube.ts";

/** e2e: the operator's NetworkPolicy for profile none confines the MCP pod and admits only its proxy; network opens egress. */
export async function networkPolicyConfinesMcpPod(c: NodeCluster): Promise<void> {
  const ns = await namespace(c, "e2e-mcp-netpol");
  const pod = (name: string, labels: Record<string, string>, serve: boolean) =>
    JSON.stringify({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name, labels },
      spec: {
        containers: [{
          name: "sh",
          image: BUSYBOX_IMAGE,
          imagePullPolicy: "Never",
          command: serve ? ["httpd", "-f", "-p", "8080", "-h", "/www"] : ["sleep", "100000"],
          ...(serve ? { readinessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 1 } } : {}),
        }],
      },
    });
  // Labelled as the proxy runner labels the MCP pod and as the operator labels the proxy pods (decision 016).
  const proxyLabels = {
    app: "mcpserver",
    "app.kubernetes.io/name": "mcpserver",
    "app.kubernetes.io/instance": "srv",
    toolhive: "true",
    "toolhive-name": "srv",
  };
  for (
    const manifest of [
      pod("mcp", { app: "srv", toolhive: "true", "toolhive-name": "srv" }, true),
      pod("proxy", proxyLabels, false),
      pod("stranger", { app: "stranger" }, false),
      pod("other", { app: "other" }, true),
    ]
  ) await apply(c, ns, manifest);
  await kwait(c, ns, ["--for=condition=Ready", "pod/mcp", "pod/proxy", "pod/stranger", "pod/other"]);
  const ip = async (name: string) =>
    (await c.kubectl(["-n", ns, "get", "pod", name, "-o", "jsonpath={.status.podIP}"])).stdout;
  const mcpUrl = `http://${await ip("mcp")}:8080/`;
  const otherUrl = `http://${await ip("other")}:8080/`;
  const page = "hello from busybox httpd";
  // Before any policy every path is open: what is blocked later is blocked by the policy.
  await eventuallyGets(c, ns, "mcp", otherUrl, page);
  await eventuallyGets(c, ns, "stranger", mcpUrl, page);

  const policy = (egress: Egress) => {
    const built = desiredNetworkPolicy(
      mcpServer({ transport: "streamable-http", mcpPort: 8080 }, { name: "srv", namespace: ns }),
      egress,
    );
    // No owner: the test's MCPServer does not exist, and the garbage collector would delete the policy.
    return JSON.stringify({ ...built, metadata: { ...built.metadata, ownerReferences: undefined } });
  };
  await apply(c, ns, policy({ all: false, rules: [] }));
  const blocked = (from: string, url: string) =>
    poll(async () => (await getFails(c, ns, from, url)) || undefined, {
      what: `${from} to be blocked from ${url}`,
      deadlineMs: 60_000,
    });
  await blocked("mcp", otherUrl);
  await blocked("stranger", mcpUrl);
  await eventuallyGets(c, ns, "proxy", mcpUrl, page);
  assert.ok(await getFails(c, ns, "mcp", otherUrl), "the MCP pod reached another pod under none");

  await apply(c, ns, policy({ all: true }));
  await eventuallyGets(c, ns, "mcp", otherUrl, page);
  await eventuallyGets(c, ns, "proxy", mcpUrl, page);
  assert.ok(await getFails(c, ns, "stranger", mcpUrl), "network still admits only the proxy");
}
