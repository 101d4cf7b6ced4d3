/**
 * The e2e steps of what an MCPServer may reach and what it reports when it cannot start: under the builtin
 * profile `none` its MCP pod reaches no other pod or Service while its proxy still reaches it, under `network`
 * it reaches another pod; an image that does not exist gives a status naming the image and the pull error.
 * @module
 */
import assert from "node:assert/strict";
import { BUSYBOX_IMAGE, EVERYTHING_IMAGE, EVERYTHING_IN_IMAGE, type NodeCluster, poll } from "../harness/mod.ts";
import { apply, kwait, namespace } from "./_kube.ts";
import { echoes, ensureOperator, proxyClient, readyServer } from "./_mcp_kit.ts";

/** A GET from inside MCP pod `<server>-0` with the image's node (it has no shell): the body, or undefined. */
async function fetchFromMcpPod(c: NodeCluster, ns: string, server: string, url: string) {
  const script = `fetch(${JSON.stringify(url)}, { signal: AbortSignal.timeout(3000) }).then((r) => r.text())` +
    `.then((t) => process.stdout.write(t), (e) => { console.error(String(e.cause ?? e)); process.exit(1); })`;
  const r = await c.kubectl(["-n", ns, "exec", `${server}-0`, "-c", "mcp", "--", "node", "-e", script]);
  return r.code === 0 ? r.stdout.trim() : undefined;
}

const PAGE = "hello from busybox httpd";

/** e2e: under profile none the MCP pod reaches no other pod or Service and its proxy reaches it; network opens egress. */
export async function permissionProfilesInCluster(c: NodeCluster): Promise<void> {
  await ensureOperator(c);
  const ns = await namespace(c, "e2e-mcp-profiles");
  await apply(
    c,
    ns,
    `apiVersion: v1
kind: Pod
metadata: {name: other, labels: {app: other}}
spec:
  containers:
  - name: httpd
    image: ${BUSYBOX_IMAGE}
    imagePullPolicy: Never
    command: ["httpd", "-f", "-p", "8080", "-h", "/www"]
    readinessProbe: {tcpSocket: {port: 8080}, periodSeconds: 1}
---
apiVersion: v1
kind: Service
metadata: {name: other}
spec:
  selector: {app: other}
  ports: [{port: 80, targetPort: 8080}]
`,
  );
  const args = JSON.stringify([...EVERYTHING_IN_IMAGE, "streamableHttp"]);
  const server = (profile: string) =>
    `  image: "${EVERYTHING_IMAGE}"\n  transport: streamable-http\n  mcpPort: 3001\n  args: ${args}\n` +
    `  permissionProfile: {type: builtin, name: ${profile}}\n`;
  await readyServer(c, ns, "confined", server("none"));
  await readyServer(c, ns, "open", server("network"));
  await kwait(c, ns, ["--for=condition=Ready", "pod/other"]);
  const get = async (args: readonly string[]) => (await c.kubectl(["-n", ns, "get", ...args])).stdout.trim();
  const podUrl = `http://${await get(["pod", "other", "-o", "jsonpath={.status.podIP}"])}:8080/`;
  const serviceUrl = `http://${await get(["service", "other", "-o", "jsonpath={.spec.clusterIP}"])}/`;
  const dnsUrl = `http://other.${ns}.svc.cluster.local/`;

  // network: the control, so that what fails under none fails because of the policy.
  for (const url of [podUrl, serviceUrl, dnsUrl]) {
    await poll(async () => (await fetchFromMcpPod(c, ns, "open", url)) === PAGE || undefined, {
      what: `MCP pod open-0 under profile network to reach ${url}`,
      deadlineMs: 60_000,
      intervalMs: 500,
    });
  }
  for (const url of [podUrl, serviceUrl, dnsUrl]) {
    await poll(async () => (await fetchFromMcpPod(c, ns, "confined", url)) === undefined || undefined, {
      what: `MCP pod confined-0 under profile none to be blocked from ${url}`,
      deadlineMs: 60_000,
    });
  }
  assert.equal(await fetchFromMcpPod(c, ns, "confined", podUrl), undefined, "confined-0 reached another pod");
  assert.equal(await fetchFromMcpPod(c, ns, "confined", serviceUrl), undefined, "confined-0 reached a Service");
  for (const name of ["confined", "open"]) {
    const { forward, client } = await proxyClient(c, ns, name);
    await using _ = forward;
    try {
      await echoes(client, `through the proxy of ${name}`);
    } finally {
      await client.close();
    }
  }
  const deleted = await c.kubectl(["-n", ns, "delete", "mcpserver", "--all", "--timeout=120s"]);
  assert.equal(deleted.code, 0, deleted.stderr);
}

/** The image of {@linkcode missingImageFails}: no node has it and no registry serves it. */
export const MISSING_IMAGE = "localhost/thv-no-such-image:1";

/** e2e: an image that does not exist gives a status naming the image and the pull error, not an endless Pending. */
export async function missingImageFails(c: NodeCluster): Promise<void> {
  await ensureOperator(c);
  const ns = await namespace(c, "e2e-mcp-no-image");
  await apply(
    c,
    ns,
    `apiVersion: toolhive.stacklok.dev/v1beta1
kind: MCPServer
metadata: {name: ghost}
spec: {image: "${MISSING_IMAGE}", transport: stdio}
`,
  );
  // The kubelet's own words for the pull error, from the MCP pod.
  const pullError = await poll(async () => {
    const r = await c.kubectl([
      "-n",
      ns,
      "get",
      "pod",
      "ghost-0",
      "-o",
      "jsonpath={.status.containerStatuses[0].state.waiting}",
    ]);
    const waiting = r.code === 0 && r.stdout ? JSON.parse(r.stdout) as { reason?: string; message?: string } : {};
    return /ErrImagePull|ImagePullBackOff/.test(waiting.reason ?? "") && waiting.message ? waiting : undefined;
  }, { what: "MCP pod ghost-0 to fail pulling its image", deadlineMs: 120_000 });
  type Status = { phase?: string; message?: string; conditions?: { type: string; message?: string }[] };
  const named = (text = "") =>
    text.includes(MISSING_IMAGE) && /failed to (pull|resolve)|ErrImagePull|ImagePullBackOff/i.test(text);
  const status = await poll(async () => {
    const r = await c.kubectl(["-n", ns, "get", "mcpserver", "ghost", "-o", "jsonpath={.status}"]);
    const s = r.code === 0 && r.stdout ? JSON.parse(r.stdout) as Status : undefined;
    if (s && s.phase !== "Pending" && (s.conditions ?? []).some((x) => named(x.message))) return s;
    // poll reports the last error: the status as it was when the deadline passed.
    throw new Error(`status ${JSON.stringify(s)}; the pod says ${JSON.stringify(pullError)}`);
  }, { what: `MCPServer ghost to report the pull error of ${MISSING_IMAGE}`, deadlineMs: 180_000 });
  assert.equal(status.phase, "Failed", JSON.stringify(status));
  assert.ok(named(status.message), `status.message names neither the image nor the pull error: ${status.message}`);
  const deleted = await c.kubectl(["-n", ns, "delete", "mcpserver", "ghost", "--timeout=120s"]);
  assert.equal(deleted.code, 0, deleted.stderr);
}
