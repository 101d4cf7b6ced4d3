/**
 * The shared-config lifecycle on a real control plane, with the operator under the chart's RBAC and kubectl
 * as the user, shown on MCPToolConfig (every shared-config kind runs the same controller): a finalizer,
 * `Valid`, a `configHash` that changes with the spec, `referencingWorkloads` that follows the referrers
 * exactly, and a deletion held with `DeletionBlocked` until the last referrer lets go.
 */
import "./harness/quiet_deprecations.ts";
import assert from "node:assert/strict";
import { namespaceObjects, REPO_ROOT, startControlPlane, startTestOperator } from "./harness/mod.ts";

// deno-lint-ignore no-explicit-any
type Json = Record<string, any>;

const NS = "shared-config";
const condition = (o: Json, type: string): Json | undefined => o.status?.conditions?.find((c: Json) => c.type === type);
const names = (o: Json) => (o.status?.referencingWorkloads ?? []).map((r: Json) => `${r.kind}/${r.name}`);

const toolConfig = (spec: Json) =>
  JSON.stringify({
    apiVersion: "toolhive.stacklok.dev/v1beta1",
    kind: "MCPToolConfig",
    metadata: { name: "tools" },
    spec,
  });
const server = (name: string, spec: Json = {}) =>
  JSON.stringify({
    apiVersion: "toolhive.stacklok.dev/v1beta1",
    kind: "MCPServer",
    metadata: { name },
    spec: { image: "example/mcp:1", ...spec },
  });

Deno.test("a shared config is validated, hashed, tracks its referrers and is deleted only once unreferenced", async (t) => {
  await using cp = await startControlPlane();
  const o = namespaceObjects(cp, NS);
  await o.run(["apply", "--server-side", "-f", `${REPO_ROOT}crds/generated/`]);
  await o.run(["wait", "--for=condition=Established", "crd", "--all"]);
  await o.run(["create", "namespace", NS]);
  await using _operator = await startTestOperator(cp);
  const apply = (text: string) => o.run(["apply", "-n", NS, "-f", "-"], text);

  let firstHash = "";
  await t.step("Valid, a finalizer and a configHash; no referrers yet", async () => {
    await apply(toolConfig({ toolsFilter: ["echo"] }));
    const tc = await o.eventually("mcptoolconfig", "tools", (x) => condition(x, "Valid")?.status === "True");
    assert.equal(condition(tc, "Valid")?.reason, "ValidationSucceeded");
    assert.deepEqual(tc.metadata.finalizers, ["toolhive.stacklok.dev/toolconfig-finalizer"]);
    assert.match(tc.status.configHash, /^[0-9a-f]{16}$/);
    assert.deepEqual(names(tc), []);
    assert.equal(tc.status.observedGeneration, tc.metadata.generation);
    firstHash = tc.status.configHash;
    const columns = await o.run(["get", "tc", "tools", "-n", NS]);
    assert.match(columns, /VALID\s+AGE[\s\S]*tools\s+True/);
  });

  await t.step("the hash changes with the spec", async () => {
    await apply(toolConfig({ toolsFilter: ["echo", "add"] }));
    const tc = await o.eventually("mcptoolconfig", "tools", (x) => x.status?.configHash !== firstHash);
    assert.match(tc.status.configHash, /^[0-9a-f]{16}$/);
  });

  await t.step("referencingWorkloads follows servers as they reference it and let go", async () => {
    await apply(server("b", { toolConfigRef: { name: "tools" } }));
    await apply(server("a", { toolConfigRef: { name: "tools" } }));
    await apply(server("other"));
    await o.eventually("mcptoolconfig", "tools", (x) => names(x).join() === "MCPServer/a,MCPServer/b");
    await o.run([
      "patch",
      "mcpserver",
      "a",
      "-n",
      NS,
      "--type=json",
      "-p",
      '[{"op":"remove","path":"/spec/toolConfigRef"}]',
    ]);
    await o.eventually("mcptoolconfig", "tools", (x) => names(x).join() === "MCPServer/b");
  });

  await t.step("deletion is held with DeletionBlocked until the last referrer lets go", async () => {
    await o.run(["delete", "mcptoolconfig", "tools", "-n", NS, "--wait=false"]);
    const held = await o.eventually(
      "mcptoolconfig",
      "tools",
      (x) => condition(x, "DeletionBlocked")?.status === "True",
    );
    assert.ok(held.metadata.deletionTimestamp);
    assert.equal(condition(held, "DeletionBlocked")?.reason, "ReferencedByWorkloads");
    assert.match(condition(held, "DeletionBlocked")?.message, /MCPServer\/b/);
    const events = JSON.parse(await o.run(["get", "events", "-n", NS, "-o", "json"])).items as Json[];
    assert.ok(events.some((e) => e.involvedObject.kind === "MCPToolConfig" && e.reason === "DeletionBlocked"));
    await o.run(["delete", "mcpserver", "b", "-n", NS, "--wait=false"]);
    await o.gone("mcptoolconfig", "tools");
  });
});
