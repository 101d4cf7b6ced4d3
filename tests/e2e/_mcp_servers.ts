/**
 * The e2e steps of MCPServers answering calls, driven like a user: helm installs the operator, kubectl applies an
 * MCPServer per transport (server-everything built as a local image) and waits for Ready, an SDK client outside
 * the cluster calls `echo` through `kubectl port-forward svc/mcp-<name>-proxy`, and deleting the MCPServers
 * removes everything the proxy runner made. The steps share the servers and run in order.
 * @module
 */
import assert from "node:assert/strict";
import {
  connectClient,
  connectSseClient,
  EVERYTHING_IMAGE,
  EVERYTHING_IN_IMAGE,
  everythingArchive,
  type NodeCluster,
  poll,
} from "../harness/mod.ts";
import type { Client } from "../../lib/mcp/mod.ts";
import { apply, forwardToService, kwait, namespace } from "./_kube.ts";
import { installCrdsChart, installOperatorChart, OPERATOR_NAMESPACE, uninstallCharts } from "./_chart.ts";

/** The namespace of the servers (Pod Security `restricted` enforced, as a careful user would). */
export const SERVERS_NAMESPACE = "e2e-mcp-servers";

/** One MCPServer of the steps: its name, transport and the endpoints its proxy serves. */
export interface ServerCase {
  /** metadata.name. */
  readonly name: string;
  /** spec.transport. */
  readonly transport: "stdio" | "sse" | "streamable-http";
  /** The proxy's client endpoints (a stdio proxy serves both, an HTTP proxy its server's). */
  readonly paths: readonly ("/mcp" | "/sse")[];
}

/** The servers: server-everything over each transport. */
export const SERVERS: readonly ServerCase[] = [
  { name: "everything-stdio", transport: "stdio", paths: ["/mcp", "/sse"] },
  { name: "everything-http", transport: "streamable-http", paths: ["/mcp"] },
  { name: "everything-sse", transport: "sse", paths: ["/sse"] },
];

/** server-everything's HTTP port (it reads `PORT`, default 3001, not `MCP_PORT`). */
const EVERYTHING_PORT = 3001;

/** The MCPServer manifest of `server`. */
function manifest(server: ServerCase): string {
  const spec: Record<string, unknown> = { image: EVERYTHING_IMAGE, transport: server.transport };
  if (server.transport !== "stdio") {
    // The image has no entrypoint: args replace its command, so they name the whole command line.
    spec.args = [...EVERYTHING_IN_IMAGE, server.transport === "sse" ? "sse" : "streamableHttp"];
    spec.mcpPort = EVERYTHING_PORT;
  }
  return JSON.stringify({
    apiVersion: "toolhive.stacklok.dev/v1beta1",
    kind: "MCPServer",
    metadata: { name: server.name },
    spec,
  });
}

/** Timings the steps saw, printed for the report. */
export const timings: Record<string, number> = {};

async function get(c: NodeCluster, args: readonly string[]): Promise<string | undefined> {
  const r = await c.kubectl(["-n", SERVERS_NAMESPACE, "get", ...args]);
  return r.code === 0 ? r.stdout.trim() : undefined;
}

/** Calls `echo` and checks server-everything's answer. */
export async function assertEcho(client: Client, message: string): Promise<void> {
  const tools = await client.listTools();
  assert.ok(tools.tools.some((t) => t.name === "echo"), `no echo tool in ${tools.tools.map((t) => t.name)}`);
  const result = await client.callTool({ name: "echo", arguments: { message } });
  assert.deepEqual(result.content, [{ type: "text", text: `Echo: ${message}` }]);
}

/**
 * e2e: with the chart installed, an MCPServer of each transport becomes Ready (`kubectl wait`) and a client outside
 * the cluster lists tools and calls `echo` through a port-forward to its proxy Service over each endpoint it serves.
 */
export async function serversBecomeReadyAndAnswer(c: NodeCluster): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "thv-e2e-everything-" });
  try {
    await c.importImage((await everythingArchive(`${dir}/everything.tar`)).path);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  const restricted = {
    "pod-security.kubernetes.io/enforce": "restricted",
    "pod-security.kubernetes.io/enforce-version": "latest",
  };
  await namespace(c, OPERATOR_NAMESPACE, restricted);
  // Earlier steps may have uninstalled the CRDs release and kept its CRDs: installing again adopts them.
  await installCrdsChart(c);
  await installOperatorChart(c);
  await kwait(c, OPERATOR_NAMESPACE, ["--for=condition=Available", "deployment/thv-operator"]);
  const ns = await namespace(c, SERVERS_NAMESPACE, restricted);

  const applied = Date.now();
  for (const server of SERVERS) await apply(c, ns, manifest(server));
  await Promise.all(SERVERS.map(async (server) => {
    await kwait(c, ns, ["--for=condition=Ready", `mcpserver/${server.name}`]);
    timings[`apply → Ready ${server.transport}`] = Date.now() - applied;
  }));

  const kc = c.adminConfig();
  for (const server of SERVERS) {
    const url = await get(c, ["mcpserver", server.name, "-o", "jsonpath={.status.url}"]);
    assert.equal(url?.replace(/#.*$/, "").replace(/\/(mcp|sse)$/, ""), `http://${proxyHost(server)}:8080`);
    await using forward = await forwardToService(kc, ns, `mcp-${server.name}-proxy`, 8080);
    for (const path of server.paths) {
      const started = Date.now();
      const endpoint = `http://127.0.0.1:${forward.port}${path}`;
      const client = path === "/sse" ? await connectSseClient(endpoint) : await connectClient(endpoint);
      try {
        await assertEcho(client, `outside over ${path} to ${server.transport}`);
      } finally {
        await client.close();
      }
      timings[`first call ${server.transport} ${path}`] = Date.now() - started;
    }
    // Written once: no reconcile or proxy runner pass since the apply rolled the proxy or the MCP pod.
    for (const kind of ["deployment", "statefulset"]) {
      const generation = await get(c, [kind, server.name, "-o", "jsonpath={.metadata.generation}"]);
      assert.equal(generation, "1", `${kind}/${server.name} was changed after it was created`);
    }
  }
  console.log(`timings (ms): ${JSON.stringify(timings)}`);
}

/** The proxy Service's DNS name inside the cluster. */
export function proxyHost(server: ServerCase): string {
  return `mcp-${server.name}-proxy.${SERVERS_NAMESPACE}.svc.cluster.local`;
}

/** e2e: deleting the MCPServers removes their StatefulSets, Services and pods; then helm uninstalls the operator. */
export async function deletingServersRemovesEverything(c: NodeCluster): Promise<void> {
  const ns = SERVERS_NAMESPACE;
  for (const server of SERVERS) {
    assert.ok(await get(c, ["statefulset", server.name, "-o", "name"]), `statefulset/${server.name} is missing`);
  }
  const started = Date.now();
  const names = SERVERS.map((s) => `mcpserver/${s.name}`);
  const deleted = await c.kubectl(["-n", ns, "delete", ...names, "--timeout=120s"]);
  assert.equal(deleted.code, 0, deleted.stderr);
  for (const server of SERVERS) {
    const children = [
      `statefulset/${server.name}`,
      `deployment/${server.name}`,
      `service/mcp-${server.name}-proxy`,
      ...(server.transport === "stdio" ? [] : [`service/mcp-${server.name}`, `service/mcp-${server.name}-headless`]),
    ];
    for (const child of children) {
      await poll(async () => await get(c, [child, "-o", "name"]) === undefined || undefined, {
        what: `${child} to go with its MCPServer`,
        deadlineMs: 120_000,
      });
    }
  }
  await poll(async () => (await get(c, ["pods", "-o", "name"])) === "" || undefined, {
    what: `every pod in ${ns} to go with the MCPServers`,
    deadlineMs: 120_000,
  });
  timings["delete → nothing left"] = Date.now() - started;
  console.log(`timings (ms): ${JSON.stringify(timings)}`);
  await uninstallCharts(c, { crds: false });
}
