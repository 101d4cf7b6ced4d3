/**
 * Permission profiles as NetworkPolicies (decision 016) on a real control plane, with the operator under the
 * chart's RBAC and kubectl as the user: each enforceable profile gives the MCP pod its policy (owned by the
 * MCPServer), an unchanged server makes no write, and the policy goes with the profile and with the server.
 */
import "./harness/quiet_deprecations.ts";
import assert from "node:assert/strict";
import {
  type ControlPlane,
  namespaceObjects,
  poll,
  REPO_ROOT,
  startControlPlane,
  startTestOperator,
} from "./harness/mod.ts";

// deno-lint-ignore no-explicit-any
type Json = Record<string, any>;

const NS = "netpol";
const RESYNC_MS = 1000;

const k = (cp: ControlPlane) => namespaceObjects(cp, NS).run;
const getJson = (cp: ControlPlane, kind: string, name: string) => namespaceObjects(cp, NS).get(kind, name);
const eventually = (cp: ControlPlane, kind: string, name: string, check?: (o: Json) => boolean) =>
  namespaceObjects(cp, NS).eventually(kind, name, check);
const gone = (cp: ControlPlane, kind: string, name: string) => namespaceObjects(cp, NS).gone(kind, name);

const server = (name: string, spec: Json) =>
  JSON.stringify({
    apiVersion: "toolhive.stacklok.dev/v1beta1",
    kind: "MCPServer",
    metadata: { name },
    spec: { image: "example/mcp:1", ...spec },
  });

const proxyLabels = (name: string) => ({
  app: "mcpserver",
  "app.kubernetes.io/instance": name,
  "app.kubernetes.io/name": "mcpserver",
  toolhive: "true",
  "toolhive-name": name,
});

const mcpSelector = (name: string) => ({
  matchLabels: { app: name, "toolhive-name": name },
  matchExpressions: [{ key: "app.kubernetes.io/name", operator: "NotIn", values: ["mcpserver"] }],
});

Deno.test("operator enforces permission profiles with a NetworkPolicy on the MCP pod", async (t) => {
  await using cp = await startControlPlane();
  const run = k(cp);
  await run(["apply", "--server-side", "-f", `${REPO_ROOT}crds/generated/`]);
  await run(["wait", "--for=condition=Established", "crd/mcpservers.toolhive.stacklok.dev"]);
  await run(["create", "namespace", NS]);
  await using operator = await startTestOperator(cp, { resyncMs: RESYNC_MS });

  await t.step("none: no egress, ingress only from the proxy pods on the MCP port", async () => {
    await run(
      ["apply", "-n", NS, "-f", "-"],
      server("closed", {
        transport: "streamable-http",
        mcpPort: 9000,
        permissionProfile: { type: "builtin", name: "none" },
      }),
    );
    const policy = await eventually(cp, "networkpolicy", "mcp-closed-network");
    const owner = await eventually(cp, "mcpserver", "closed");
    assert.deepEqual(
      policy.metadata.ownerReferences.map((o: Json) => [o.kind, o.name, o.uid, o.controller]),
      [["MCPServer", "closed", owner.metadata.uid, true]],
    );
    assert.equal(policy.metadata.labels["toolhive-name"], "closed");
    assert.deepEqual(policy.spec.podSelector, mcpSelector("closed"));
    assert.deepEqual(policy.spec.policyTypes, ["Ingress", "Egress"]);
    assert.deepEqual(policy.spec.ingress, [
      { from: [{ podSelector: { matchLabels: proxyLabels("closed") } }], ports: [{ protocol: "TCP", port: 9000 }] },
    ]);
    assert.deepEqual(policy.spec.egress ?? [], [], "no egress at all, not even DNS");
    await eventually(cp, "deployment", "closed");
  });

  await t.step("network over stdio: every egress, no ingress at all", async () => {
    await run(
      ["apply", "-n", NS, "-f", "-"],
      server("open", { transport: "stdio", permissionProfile: { type: "builtin", name: "network" } }),
    );
    const policy = await eventually(cp, "networkpolicy", "mcp-open-network");
    assert.deepEqual(policy.spec.policyTypes, ["Ingress", "Egress"]);
    assert.deepEqual(policy.spec.ingress ?? [], []);
    assert.deepEqual(policy.spec.egress, [{}]);
  });

  await t.step("a configmap profile's IP and CIDR hosts and ports become one egress rule", async () => {
    await run(
      ["apply", "-n", NS, "-f", "-"],
      JSON.stringify({
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: "profile" },
        data: {
          "profile.json": JSON.stringify({
            network: { outbound: { allow_host: ["10.20.0.0/16", "192.0.2.7"], allow_port: [443, 8443] } },
          }),
        },
      }),
    );
    await run(
      ["apply", "-n", NS, "-f", "-"],
      server("custom", {
        transport: "sse",
        permissionProfile: { type: "configmap", name: "profile", key: "profile.json" },
      }),
    );
    const policy = await eventually(
      cp,
      "networkpolicy",
      "mcp-custom-network",
      (o) => (o.spec.egress ?? []).length > 0,
    );
    assert.deepEqual(policy.spec.egress, [{
      to: [{ ipBlock: { cidr: "10.20.0.0/16" } }, { ipBlock: { cidr: "192.0.2.7/32" } }],
      ports: [{ protocol: "TCP", port: 443 }, { protocol: "TCP", port: 8443 }],
    }]);
    assert.equal(policy.spec.ingress[0].ports[0].port, 8080, "the default MCP port");
  });

  await t.step("a profile with a host name is refused: phase Failed, no policy, no proxy", async () => {
    await run(
      ["apply", "-n", NS, "-f", "-"],
      JSON.stringify({
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: "named" },
        data: { "profile.json": JSON.stringify({ network: { outbound: { allow_host: ["api.example.com"] } } }) },
      }),
    );
    await run(
      ["apply", "-n", NS, "-f", "-"],
      server("named", { permissionProfile: { type: "configmap", name: "named", key: "profile.json" } }),
    );
    const failed = await eventually(cp, "mcpserver", "named", (o) => o.status?.phase === "Failed");
    const c = failed.status.conditions.find((x: Json) => x.type === "PermissionProfileValidated");
    assert.equal(c.reason, "NetworkRestrictionNotExpressible");
    assert.match(c.message, /allow_host \["api\.example\.com"\] are host names/);
    assert.equal(await getJson(cp, "networkpolicy", "mcp-named-network"), undefined);
    assert.equal(await getJson(cp, "deployment", "named"), undefined);
  });

  await t.step("unchanged servers make no write over two resyncs", async () => {
    const version = async () => (await getJson(cp, "networkpolicy", "mcp-closed-network"))!.metadata.resourceVersion;
    const before = await version();
    const writes = await operator.metric('thv_operator_api_requests_total{verb="write"}');
    const reconciles = await operator.metric("thv_operator_reconciles_total");
    // Every server is reconciled at each resync: four servers, two resyncs.
    await poll(
      async () => (await operator.metric("thv_operator_reconciles_total")) >= reconciles + 8 || undefined,
      { what: "two resyncs", deadlineMs: 30_000, intervalMs: 200 },
    );
    assert.equal(await operator.metric('thv_operator_api_requests_total{verb="write"}'), writes, "no write requests");
    assert.equal(await version(), before);
  });

  await t.step("a hand edit is undone; the policy goes with the profile and with the server", async () => {
    await run([
      "patch",
      "networkpolicy",
      "mcp-closed-network",
      "-n",
      NS,
      "--type=merge",
      "-p",
      JSON.stringify({ spec: { egress: [{}] } }),
    ]);
    await eventually(cp, "networkpolicy", "mcp-closed-network", (o) => (o.spec.egress ?? []).length === 0);
    await run([
      "patch",
      "mcpserver",
      "closed",
      "-n",
      NS,
      "--type=json",
      "-p",
      '[{"op":"remove","path":"/spec/permissionProfile"}]',
    ]);
    await gone(cp, "networkpolicy", "mcp-closed-network");
    await eventually(cp, "deployment", "closed");
    await run(["delete", "mcpserver", "open", "-n", NS, "--wait=false"]);
    await gone(cp, "networkpolicy", "mcp-open-network");
    await gone(cp, "mcpserver", "open");
  });
});
