/**
 * The e2e step of a client inside the cluster: a pod from the thv image (Deno and the MCP SDK) in another
 * namespace calls `echo` at each MCPServer's `status.url`, by its DNS name.
 * @module
 */
import assert from "node:assert/strict";
import { THV_IMAGE } from "../../scripts/image.ts";
import { type NodeCluster, poll } from "../harness/mod.ts";
import { apply, namespace } from "./_kube.ts";
import { SERVERS, SERVERS_NAMESPACE, timings } from "./_mcp_servers.ts";

/** Connects to each URL given (sse when it ends in /sse, else streamable HTTP), calls echo, prints the answers. */
const CLIENT_SCRIPT = `
import { Client, SSEClientTransport, StreamableHTTPClientTransport } from "/app/lib/mcp/mod.ts";
for (const raw of Deno.args) {
  const url = new URL(raw);
  const deadline = Date.now() + 60_000;
  while (true) {
    const client = new Client({ name: "in-cluster", version: "1.0.0" });
    try {
      const started = Date.now();
      await client.connect(url.pathname === "/sse" ? new SSEClientTransport(url) : new StreamableHTTPClientTransport(url));
      const result = await client.callTool({ name: "echo", arguments: { message: "inside " + url.host } });
      console.log(JSON.stringify({ url: raw, ms: Date.now() - started, content: result.content }));
      await client.close();
      break;
    } catch (e) {
      await client.close().catch(() => {});
      if (Date.now() > deadline) throw e;
      console.error(raw + ": " + e.message + ", trying again");
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}
`;

/** e2e: a pod in the cluster calls a tool at each MCPServer's status.url by its DNS name. */
export async function podCallsStatusUrl(c: NodeCluster): Promise<void> {
  const ns = await namespace(c, "e2e-mcp-clients", {
    "pod-security.kubernetes.io/enforce": "restricted",
    "pod-security.kubernetes.io/enforce-version": "latest",
  });
  const urls: string[] = [];
  for (const server of SERVERS) {
    const r = await c.kubectl([
      "-n",
      SERVERS_NAMESPACE,
      "get",
      "mcpserver",
      server.name,
      "-o",
      "jsonpath={.status.url}",
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      new RegExp(`^http://mcp-${server.name}-proxy\\.${SERVERS_NAMESPACE}\\.svc\\.cluster\\.local:`),
    );
    urls.push(r.stdout.trim());
  }
  const configMap = {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "client" },
    data: { "client.ts": CLIENT_SCRIPT },
  };
  await apply(c, ns, JSON.stringify(configMap));
  const pod = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "client" },
    spec: {
      restartPolicy: "Never",
      securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
      containers: [{
        name: "client",
        image: THV_IMAGE,
        imagePullPolicy: "Never",
        command: ["/usr/local/bin/deno", "run", "-A", "--cached-only", "--config=/app/deno.json", "/client/client.ts"],
        args: urls,
        securityContext: {
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ["ALL"] },
        },
        volumeMounts: [{ name: "client", mountPath: "/client", readOnly: true }],
      }],
      volumes: [{ name: "client", configMap: { name: "client" } }],
    },
  };
  const started = Date.now();
  await apply(c, ns, JSON.stringify(pod));
  const phase = await poll(async () => {
    const r = await c.kubectl(["-n", ns, "get", "pod", "client", "-o", "jsonpath={.status.phase}"]);
    return r.stdout === "Succeeded" || r.stdout === "Failed" ? r.stdout : undefined;
  }, { what: "the client pod to finish", deadlineMs: 240_000, intervalMs: 500 });
  timings["in-cluster client pod apply → done"] = Date.now() - started;
  const logs = await c.kubectl(["-n", ns, "logs", "client"]);
  assert.equal(phase, "Succeeded", `the client pod failed: ${logs.stdout}${logs.stderr}`);
  // Retries go to stderr, which kubectl logs interleaves.
  const answers = logs.stdout.split("\n").filter((l) => l.startsWith('{"url"')).map((l) => JSON.parse(l));
  assert.deepEqual(
    answers.map((a) => [a.url, a.content]),
    urls.map((u) => [u, [{ type: "text", text: `Echo: inside ${new URL(u).host}` }]]),
  );
  console.log(`in-cluster calls: ${JSON.stringify(answers.map((a) => ({ url: a.url, ms: a.ms })))}`);
  const deleted = await c.kubectl(["delete", "namespace", ns, "--wait=false"]);
  assert.equal(deleted.code, 0, deleted.stderr);
}
