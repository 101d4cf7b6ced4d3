/**
 * An MCPServer's `spec.toolConfigRef` on a real control plane, with the operator under the chart's RBAC and
 * kubectl as the user: the MCPToolConfig's filter and override reach the RunConfig ConfigMap the proxy runner
 * reads, `ToolConfigValidated` and `status.toolConfigHash` say which config it is, an edit rolls the proxy
 * (its runconfig checksum changes), a config the proxy could not apply is invalid, and a missing one fails
 * the server.
 */
import "./harness/quiet_deprecations.ts";
import assert from "node:assert/strict";
import { namespaceObjects, REPO_ROOT, startControlPlane, startTestOperator } from "./harness/mod.ts";

// deno-lint-ignore no-explicit-any
type Json = Record<string, any>;

const NS = "tool-config";
const CHECKSUM = "toolhive.stacklok.dev/runconfig-checksum";
const condition = (o: Json, type: string): Json | undefined => o.status?.conditions?.find((c: Json) => c.type === type);
const toolConfig = (name: string, spec: Json) =>
  JSON.stringify({ apiVersion: "toolhive.stacklok.dev/v1beta1", kind: "MCPToolConfig", metadata: { name }, spec });
const server = (name: string, toolConfigName: string) =>
  JSON.stringify({
    apiVersion: "toolhive.stacklok.dev/v1beta1",
    kind: "MCPServer",
    metadata: { name },
    spec: { image: "example/mcp:1", transport: "streamable-http", toolConfigRef: { name: toolConfigName } },
  });

Deno.test("toolConfigRef: the filter and override reach the RunConfig, edits roll the proxy, a missing config fails", async (t) => {
  await using cp = await startControlPlane();
  const o = namespaceObjects(cp, NS);
  await o.run(["apply", "--server-side", "-f", `${REPO_ROOT}crds/generated/`]);
  await o.run(["wait", "--for=condition=Established", "crd", "--all"]);
  await o.run(["create", "namespace", NS]);
  await using _operator = await startTestOperator(cp);
  const apply = (text: string) => o.run(["apply", "-n", NS, "-f", "-"], text);
  const runConfig = async (name: string) =>
    JSON.parse((await o.get("configmap", `${name}-runconfig`))!.data["runconfig.json"]);

  let checksum = "";
  await t.step("ToolConfigValidated True, toolConfigHash the config's hash, the RunConfig holds both", async () => {
    await apply(
      toolConfig("tools", { toolsFilter: ["say"], toolsOverride: { echo: { name: "say", description: "D" } } }),
    );
    await apply(server("srv", "tools"));
    const tc = await o.eventually("mcptoolconfig", "tools", (x) => Boolean(x.status?.configHash));
    const srv = await o.eventually("mcpserver", "srv", (x) => x.status?.toolConfigHash === tc.status.configHash);
    assert.deepEqual(
      [condition(srv, "ToolConfigValidated")?.status, condition(srv, "ToolConfigValidated")?.reason],
      ["True", "ToolConfigValid"],
    );
    assert.notEqual(srv.status.phase, "Failed");
    await o.eventually("configmap", "srv-runconfig");
    const rc = await runConfig("srv");
    assert.deepEqual(rc.tools_filter, ["say"]);
    assert.deepEqual(rc.tools_override, { echo: { name: "say", description: "D" } });
    const dep = await o.eventually("deployment", "srv");
    checksum = dep.spec.template.metadata.annotations[CHECKSUM];
    assert.ok(checksum);
  });

  await t.step("editing the MCPToolConfig changes the ConfigMap and rolls the proxy Deployment", async () => {
    await apply(toolConfig("tools", { toolsFilter: ["say", "add"], toolsOverride: { echo: { name: "say" } } }));
    const dep = await o.eventually(
      "deployment",
      "srv",
      (d) => d.spec.template.metadata.annotations[CHECKSUM] !== checksum,
    );
    assert.ok(dep.spec.template.metadata.annotations[CHECKSUM]);
    const rc = await runConfig("srv");
    assert.deepEqual(rc.tools_filter, ["say", "add"]);
    assert.deepEqual(rc.tools_override, { echo: { name: "say" } });
    const tc = (await o.get("mcptoolconfig", "tools"))!;
    await o.eventually("mcpserver", "srv", (x) => x.status?.toolConfigHash === tc.status.configHash);
  });

  await t.step("a config naming two tools the same is invalid, and fails the server that uses it", async () => {
    await apply(toolConfig("clash", { toolsOverride: { a: { name: "x" }, b: { name: "x" } } }));
    const tc = await o.eventually("mcptoolconfig", "clash", (x) => condition(x, "Valid")?.status === "False");
    assert.match(condition(tc, "Valid")!.message, /spec\.toolsOverride gives tools a and b the same name x/);
    await apply(server("clashing", "clash"));
    const srv = await o.eventually("mcpserver", "clashing", (x) => x.status?.phase === "Failed");
    assert.equal(condition(srv, "ToolConfigValidated")?.reason, "ToolConfigInvalid");
    assert.equal(await o.get("deployment", "clashing"), undefined);
  });

  await t.step("a missing MCPToolConfig: phase Failed, ToolConfigNotFound, no proxy", async () => {
    await apply(server("orphan", "absent"));
    const srv = await o.eventually("mcpserver", "orphan", (x) => x.status?.phase === "Failed");
    const c = condition(srv, "ToolConfigValidated")!;
    assert.deepEqual([c.status, c.reason], ["False", "ToolConfigNotFound"]);
    assert.equal(c.message, `MCPToolConfig 'absent' not found in namespace '${NS}'`);
    assert.equal(await o.get("deployment", "orphan"), undefined);
  });
});
