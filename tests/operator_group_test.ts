/**
 * MCPGroup on a real control plane, with the operator under the chart's RBAC and kubectl as the user: a
 * group lists its members as they join, move between groups and leave; a member reports its group through
 * `GroupRefValidated`; a second pass over an unchanged group writes nothing; and a deleted group goes at
 * once while its members learn of it through their own condition.
 */
import "./harness/quiet_deprecations.ts";
import assert from "node:assert/strict";
import { namespaceObjects, poll, REPO_ROOT, startControlPlane, startTestOperator } from "./harness/mod.ts";

// deno-lint-ignore no-explicit-any
type Json = Record<string, any>;

const NS = "groups";
const condition = (o: Json, type: string): Json | undefined => o.status?.conditions?.find((c: Json) => c.type === type);
const members = (o: Json) => `${(o.status?.servers ?? ["?"]).join(",")}#${o.status?.serverCount}`;

const group = (name: string) =>
  JSON.stringify({
    apiVersion: "toolhive.stacklok.dev/v1beta1",
    kind: "MCPGroup",
    metadata: { name },
    spec: { description: `group ${name}` },
  });
const server = (name: string, groupName?: string) =>
  JSON.stringify({
    apiVersion: "toolhive.stacklok.dev/v1beta1",
    kind: "MCPServer",
    metadata: { name },
    spec: { image: "example/mcp:1", ...(groupName ? { groupRef: { name: groupName } } : {}) },
  });

Deno.test("a group follows its members, writes nothing when unchanged, and its deletion never blocks", async (t) => {
  await using cp = await startControlPlane();
  const o = namespaceObjects(cp, NS);
  await o.run(["apply", "--server-side", "-f", `${REPO_ROOT}crds/generated/`]);
  await o.run(["wait", "--for=condition=Established", "crd", "--all"]);
  await o.run(["create", "namespace", NS]);
  await using operator = await startTestOperator(cp);
  const apply = (text: string) => o.run(["apply", "-n", NS, "-f", "-"], text);
  const groupRef = (name: string, kind: "GroupRefIsValid" | "GroupRefNotFound" | "GroupRefNotReady") =>
    o.eventually("mcpserver", name, (x) => condition(x, "GroupRefValidated")?.reason === kind);

  await t.step("an empty group is Ready with empty lists, a finalizer and MCPServersChecked", async () => {
    await apply(group("one"));
    await apply(group("two"));
    const g = await o.eventually("mcpgroup", "one", (x) => x.status?.phase === "Ready");
    assert.deepEqual(g.metadata.finalizers, ["toolhive.stacklok.dev/mcpgroup-finalizer"]);
    assert.deepEqual([g.status.servers, g.status.remoteProxies, g.status.entries], [[], [], []]);
    assert.deepEqual([g.status.serverCount, g.status.remoteProxyCount, g.status.entryCount], [0, 0, 0]);
    assert.equal(condition(g, "MCPServersChecked")?.reason, "ListMCPServersCheckSucceeded");
    assert.equal(g.status.observedGeneration, g.metadata.generation);
    const columns = await o.run(["get", "mcpg", "one", "-n", NS]);
    assert.match(columns, /SERVERS\s+PROXIES\s+PHASE\s+CHECKED\s+AGE[\s\S]*one\s+0\s+0\s+Ready\s+True/);
  });

  await t.step("members are listed sorted as they join; each reports its group valid", async () => {
    await apply(server("b", "one"));
    await apply(server("a", "one"));
    await apply(server("c", "two"));
    await apply(server("loner"));
    await o.eventually("mcpgroup", "one", (x) => members(x) === "a,b#2");
    await o.eventually("mcpgroup", "two", (x) => members(x) === "c#1");
    const a = await groupRef("a", "GroupRefIsValid");
    assert.deepEqual(condition(a, "GroupRefValidated")?.message, "MCPGroup 'one' is valid and ready");
    const loner = await o.eventually("mcpserver", "loner", (x) => x.status?.phase !== undefined);
    assert.equal(condition(loner, "GroupRefValidated"), undefined);
  });

  await t.step("a member that moves leaves one group and joins the other; one that leaves drops out", async () => {
    await o.run(["patch", "mcpserver", "b", "-n", NS, "--type=merge", "-p", '{"spec":{"groupRef":{"name":"two"}}}']);
    await o.eventually("mcpgroup", "one", (x) => members(x) === "a#1");
    await o.eventually("mcpgroup", "two", (x) => members(x) === "b,c#2");
    await o.run([
      "patch",
      "mcpserver",
      "a",
      "-n",
      NS,
      "--type=json",
      "-p",
      '[{"op":"remove","path":"/spec/groupRef"}]',
    ]);
    await o.eventually("mcpgroup", "one", (x) => members(x) === "#0");
    await o.eventually("mcpserver", "a", (x) => condition(x, "GroupRefValidated") === undefined);
  });

  await t.step("a server naming a missing group says so and is not failed for it", async () => {
    await apply(server("stray", "nowhere"));
    const stray = await groupRef("stray", "GroupRefNotFound");
    assert.equal(condition(stray, "GroupRefValidated")?.message, `MCPGroup 'nowhere' not found in namespace '${NS}'`);
    assert.notEqual(stray.status.phase, "Failed");
  });

  await t.step("a second pass over an unchanged group changes neither it nor anything else", async () => {
    const before = await o.eventually("mcpgroup", "two", (x) => members(x) === "b,c#2");
    const writes = await operator.metric('thv_operator_api_requests_total{verb="write"}');
    const reconciles = await operator.metric("thv_operator_reconciles_total");
    // A label change brings the group and both its members back through their watches.
    await o.run(["label", "mcpgroup", "two", "-n", NS, "pass=2"]);
    const labelled = await o.eventually("mcpgroup", "two", (x) => x.metadata.labels?.pass === "2");
    await poll(async () => (await operator.metric("thv_operator_reconciles_total")) >= reconciles + 3 || undefined, {
      what: "the group and its members reconciled again",
    });
    const after = await o.eventually("mcpgroup", "two");
    assert.equal(after.metadata.resourceVersion, labelled.metadata.resourceVersion);
    assert.deepEqual(after.status, before.status);
    assert.equal(await operator.metric('thv_operator_api_requests_total{verb="write"}'), writes);
  });

  await t.step("the example group lists its two servers", async () => {
    const ex = namespaceObjects(cp, "mcpgroup-example");
    await ex.run(["create", "namespace", "mcpgroup-example"]);
    await ex.run(["apply", "-n", "mcpgroup-example", "-f", `${REPO_ROOT}docs/examples/mcpgroup.yaml`]);
    await ex.eventually("mcpgroup", "research", (x) => members(x) === "fetch,osv#2");
    await ex.eventually("mcpserver", "osv", (x) => condition(x, "GroupRefValidated")?.reason === "GroupRefIsValid");
  });

  await t.step("a deleted group goes at once; its members report it gone", async () => {
    await o.run(["delete", "mcpgroup", "two", "-n", NS, "--wait=false"]);
    await o.gone("mcpgroup", "two");
    for (const name of ["b", "c"]) {
      const s = await groupRef(name, "GroupRefNotFound");
      assert.equal(condition(s, "GroupRefValidated")?.status, "False");
      assert.notEqual(s.status.phase, "Failed");
    }
  });
});
