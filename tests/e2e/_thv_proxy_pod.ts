/**
 * The e2e step of `thv proxy stdio` in a pod: the fixture's tool call through a Service, from a client outside the
 * cluster.
 * @module
 */
import assert from "node:assert/strict";
import { THV_IMAGE } from "../../scripts/image.ts";
import { connectClient, type NodeCluster } from "../harness/mod.ts";
import { apply, forwardToService, kwait, namespace } from "./_kube.ts";

const FIXTURE_SOURCE = new URL("../fixtures/mcp_fixture.ts", import.meta.url);

/** e2e: thv proxy stdio in a pod serves the fixture's tool call through a Service to a client outside the cluster. */
export async function thvProxyStdioInPod(c: NodeCluster): Promise<void> {
  const ns = await namespace(c, "e2e-thv-proxy");
  const configMap = {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "fixture" },
    data: { "mcp_fixture.ts": await Deno.readTextFile(FIXTURE_SOURCE) },
  };
  await apply(c, ns, JSON.stringify(configMap));
  await apply(
    c,
    ns,
    `apiVersion: apps/v1
kind: Deployment
metadata: {name: fixture}
spec:
  replicas: 1
  selector: {matchLabels: {app: fixture}}
  template:
    metadata: {labels: {app: fixture}}
    spec:
      securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
      containers:
      - name: thv
        image: ${THV_IMAGE}
        imagePullPolicy: Never
        args: ["proxy", "stdio", "--host", "0.0.0.0", "--port", "8080", "--",
               "deno", "run", "-A", "--cached-only", "--config=/app/deno.json", "/app/tests/fixtures/mcp_fixture.ts", "stdio"]
        ports: [{containerPort: 8080, name: mcp}]
        readinessProbe: {tcpSocket: {port: 8080}, periodSeconds: 1}
        securityContext: {allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: {drop: ["ALL"]}}
        volumeMounts: [{name: fixture, mountPath: /app/tests/fixtures, readOnly: true}]
      volumes: [{name: fixture, configMap: {name: fixture}}]
---
apiVersion: v1
kind: Service
metadata: {name: fixture}
spec:
  selector: {app: fixture}
  ports: [{port: 80, targetPort: mcp}]
`,
  );
  await kwait(c, ns, ["--for=condition=Available", "deployment/fixture"]);
  await using forward = await forwardToService(c.adminConfig(), ns, "fixture", 80);
  const client = await connectClient(`http://127.0.0.1:${forward.port}/mcp`);
  try {
    const result = await client.callTool({ name: "echo", arguments: { message: "from outside the cluster" } });
    assert.deepEqual(result.content, [{ type: "text", text: "Echo: from outside the cluster" }]);
  } finally {
    await client.close();
  }
}
