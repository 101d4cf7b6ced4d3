/**
 * The e2e step of an MCPToolConfig through the real cluster: an MCPServer (server-everything over stdio)
 * references one; a client outside the cluster, through the proxy Service, sees only the allowed tools under
 * their new names and descriptions, calls a renamed one, and is refused a filtered one; editing the
 * MCPToolConfig rolls the proxy and the next `tools/list` reflects the edit.
 * @module
 */
import assert from "node:assert/strict";
import { EVERYTHING_IMAGE, type NodeCluster, poll } from "../harness/mod.ts";
import { apply, kwait, namespace } from "./_kube.ts";
import { OPERATOR_NAMESPACE } from "./_chart.ts";
import { ensureOperator, proxyClient, readyServer } from "./_mcp_kit.ts";

const toolConfig = (spec: Record<string, unknown>) =>
  JSON.stringify({
    apiVersion: "toolhive.stacklok.dev/v1beta1",
    kind: "MCPToolConfig",
    metadata: { name: "curated" },
    spec,
  });

/** The tools (name → description) a fresh client sees through the proxy of `name`. */
async function listedTools(c: NodeCluster, ns: string, name: string): Promise<Record<string, string>> {
  const { forward, client } = await proxyClient(c, ns, name);
  await using _ = forward;
  try {
    const { tools } = await client.listTools();
    return Object.fromEntries(tools.map((t: { name: string; description?: string }) => [t.name, t.description ?? ""]));
  } finally {
    await client.close();
  }
}

/** e2e: the filter and override apply to clients outside the cluster, and an edit rolls the server. */
export async function toolConfigInCluster(c: NodeCluster): Promise<void> {
  await ensureOperator(c);
  const ns = await namespace(c, "e2e-tool-config");
  await apply(
    c,
    ns,
    toolConfig({ toolsFilter: ["say", "get-sum"], toolsOverride: { echo: { name: "say", description: "Says it" } } }),
  );
  await readyServer(
    c,
    ns,
    "curated",
    `  image: "${EVERYTHING_IMAGE}"\n  transport: stdio\n  toolConfigRef: {name: curated}\n`,
  );
  const hash = await c.kubectl(["-n", ns, "get", "mcptoolconfig", "curated", "-o", "jsonpath={.status.configHash}"]);
  const copied = await c.kubectl(["-n", ns, "get", "mcpserver", "curated", "-o", "jsonpath={.status.toolConfigHash}"]);
  assert.equal(copied.stdout, hash.stdout);

  const listed = await listedTools(c, ns, "curated");
  assert.deepEqual(Object.keys(listed).sort(), ["get-sum", "say"]);
  assert.equal(listed.say, "Says it");
  {
    const { forward, client } = await proxyClient(c, ns, "curated");
    await using _ = forward;
    try {
      const said = await client.callTool({ name: "say", arguments: { message: "hi" } });
      assert.deepEqual(said.content, [{ type: "text", text: "Echo: hi" }]);
      await assert.rejects(client.callTool({ name: "get-env", arguments: {} }), /Unknown tool: get-env/);
      await assert.rejects(client.callTool({ name: "echo", arguments: { message: "x" } }), /Unknown tool: echo/);
    } finally {
      await client.close();
    }
  }

  const before = await checksum(c, ns);
  await apply(c, ns, toolConfig({ toolsFilter: ["say", "get-env"], toolsOverride: { echo: { name: "say" } } }));
  await poll(async () => (await checksum(c, ns)) !== before || undefined, {
    what: "the proxy Deployment's runconfig checksum to change",
    deadlineMs: 60_000,
  });
  await kwait(c, ns, ["--for=condition=Ready", "mcpserver/curated"]);
  const rolled = await c.kubectl(["-n", ns, "rollout", "status", "deployment/curated", "--timeout=120s"]);
  assert.equal(rolled.code, 0, rolled.stderr);
  const after = await poll(async () => {
    const tools = await listedTools(c, ns, "curated").catch(() => undefined);
    return tools && Object.keys(tools).sort().join() === "get-env,say" ? tools : undefined;
  }, { what: "tools/list to show the edited MCPToolConfig", deadlineMs: 60_000 });
  assert.notEqual(after.say, "Says it", "the edit dropped the description override");
  const deleted = await c.kubectl(["-n", ns, "delete", "mcpserver", "curated", "--timeout=120s"]);
  assert.equal(deleted.code, 0, deleted.stderr);
  const gone = await c.kubectl(["-n", ns, "delete", "mcptoolconfig", "curated", "--timeout=60s"]);
  if (gone.code !== 0) {
    // What held it: the config's status (DeletionBlocked names the referrers) and the operator's last lines.
    const held = await c.kubectl(["-n", ns, "get", "mcptoolconfig", "curated", "-o", "json"]);
    const log = await c.kubectl(["-n", OPERATOR_NAMESPACE, "logs", "deployment/thv-operator", "--tail=60"]);
    assert.fail(`${gone.stderr}\n${held.stdout}\n${log.stdout}`);
  }
}

/** The proxy Deployment's runconfig checksum annotation. */
async function checksum(c: NodeCluster, ns: string): Promise<string> {
  const r = await c.kubectl([
    "-n",
    ns,
    "get",
    "deployment",
    "curated",
    "-o",
    "jsonpath={.spec.template.metadata.annotations.toolhive\\.stacklok\\.dev/runconfig-checksum}",
  ]);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout;
}
