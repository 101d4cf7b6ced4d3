/**
 * Authorization in the cluster, on a real control plane with the operator under the chart's RBAC and kubectl as
 * the user: an MCPServer's `authzConfigRef` (MCPAuthzConfig), inline `authzConfig` and `authzConfig` from a
 * ConfigMap all end up as RunConfig `authz_config` (which the proxy runner's authorization stage enforces); a
 * missing or invalid ConfigMap fails the server with ToolHive's message, and a change of it reaches the RunConfig.
 */
import "./harness/quiet_deprecations.ts";
import assert from "node:assert/strict";
import { type ControlPlane, namespaceObjects, REPO_ROOT, startControlPlane, startTestOperator } from "./harness/mod.ts";

// deno-lint-ignore no-explicit-any
type Json = Record<string, any>;

const NS = "authz";
const RESYNC_MS = 1500;
const POLICY = 'permit(principal, action == Action::"call_tool", resource == Tool::"echo");';

const server = (name: string, spec: Json) =>
  JSON.stringify({
    apiVersion: "toolhive.stacklok.dev/v1beta1",
    kind: "MCPServer",
    metadata: { name },
    spec: { image: "example/mcp:1", ...spec },
  });
const configMap = (name: string, data: Record<string, string>) =>
  JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name }, data });
const condition = (o: Json, type: string): Json | undefined => o.status?.conditions?.find((c: Json) => c.type === type);

async function runConfigOf(cp: ControlPlane, name: string, check: (rc: Json) => boolean = () => true): Promise<Json> {
  const cm = await namespaceObjects(cp, NS).eventually("configmap", `${name}-runconfig`, (o) => {
    const rc = JSON.parse(o.data?.["runconfig.json"] ?? "{}");
    return check(rc);
  });
  return JSON.parse(cm.data["runconfig.json"]);
}

Deno.test("the operator turns authzConfigRef, inline authzConfig and a ConfigMap's authorization file into RunConfig authz_config", async (t) => {
  await using cp = await startControlPlane();
  const objects = namespaceObjects(cp, NS);
  const run = objects.run;
  await run(["apply", "--server-side", "-f", `${REPO_ROOT}crds/generated/`]);
  await run(["wait", "--for=condition=Established", "crd/mcpservers.toolhive.stacklok.dev"]);
  await run(["create", "namespace", NS]);
  await using operator = await startTestOperator(cp, { resyncMs: RESYNC_MS });

  await t.step("authzConfigRef: the assembled MCPAuthzConfig, and a proxy Deployment", async () => {
    await run(
      ["apply", "-n", NS, "-f", "-"],
      JSON.stringify({
        apiVersion: "toolhive.stacklok.dev/v1beta1",
        kind: "MCPAuthzConfig",
        metadata: { name: "policies" },
        spec: { type: "cedarv1", config: { policies: [POLICY], entities_json: "[]" } },
      }),
    );
    await run(["apply", "-n", NS, "-f", "-"], server("by-ref", { authzConfigRef: { name: "policies" } }));
    const rc = await runConfigOf(cp, "by-ref");
    assert.deepEqual(rc.authz_config, {
      version: "1.0",
      type: "cedarv1",
      cedar: { policies: [POLICY], entities_json: "[]" },
    });
    await objects.eventually("deployment", "by-ref");
    const s = await objects.eventually("mcpserver", "by-ref", (o) => !!condition(o, "AuthzConfigRefValidated"));
    assert.equal(condition(s, "AuthzConfigRefValidated")?.status, "True");
  });

  await t.step("inline authzConfig: cedarv1 with the claim-name overrides", async () => {
    await run(
      ["apply", "-n", NS, "-f", "-"],
      server("inline", {
        authzConfig: { type: "inline", inline: { policies: [POLICY] }, groupClaimName: "realm.groups" },
      }),
    );
    const rc = await runConfigOf(cp, "inline");
    assert.deepEqual(rc.authz_config, {
      version: "1.0",
      type: "cedarv1",
      cedar: { policies: [POLICY], entities_json: "[]", group_claim_name: "realm.groups" },
    });
    const s = await objects.eventually("mcpserver", "inline", (o) => !!condition(o, "AuthzConfigValidated"));
    assert.deepEqual(
      [condition(s, "AuthzConfigValidated")?.status, condition(s, "AuthzConfigValidated")?.reason],
      ["True", "AuthzConfigValid"],
    );
    await objects.eventually("deployment", "inline");
  });

  await t.step(
    "a ConfigMap: missing fails the server with no proxy; present, its file is the RunConfig's; changed, it follows",
    async () => {
      await run(
        ["apply", "-n", NS, "-f", "-"],
        server("from-cm", {
          authzConfig: { type: "configMap", configMap: { name: "authz-file" }, roleClaimName: "roles" },
        }),
      );
      const failed = await objects.eventually("mcpserver", "from-cm", (o) => o.status?.phase === "Failed");
      assert.equal(
        failed.status.message,
        `Failed to build configuration: failed to get Authz ConfigMap ${NS}/authz-file: configmaps "authz-file" not found`,
      );
      assert.equal(await objects.get("deployment", "from-cm"), undefined, "no proxy without its policies");

      await run(["apply", "-n", NS, "-f", "-"], configMap("authz-file", { "authz.json": '{"version": "1.0"}' }));
      const invalid = await objects.eventually(
        "mcpserver",
        "from-cm",
        (o) => /invalid authz config/.test(o.status?.message ?? ""),
      );
      assert.equal(
        invalid.status.message,
        `Failed to build configuration: invalid authz config from ConfigMap ${NS}/authz-file: type is required`,
      );

      const yaml = `version: "1.0"\ntype: cedarv1\ncedar:\n  policies:\n    - '${POLICY}'\n`;
      await run(["apply", "-n", NS, "-f", "-"], configMap("authz-file", { "authz.json": yaml }));
      const rc = await runConfigOf(cp, "from-cm");
      assert.deepEqual(rc.authz_config, {
        version: "1.0",
        type: "cedarv1",
        cedar: { policies: [POLICY], role_claim_name: "roles" },
      });
      await objects.eventually("deployment", "from-cm");

      const other = 'permit(principal, action == Action::"get_prompt", resource);';
      await run(
        ["apply", "-n", NS, "-f", "-"],
        configMap("authz-file", {
          "authz.json": JSON.stringify({ version: "1.0", type: "cedarv1", cedar: { policies: [other] } }),
        }),
      );
      const changed = await runConfigOf(cp, "from-cm", (r) => r.authz_config?.cedar?.policies?.[0] === other);
      assert.deepEqual(changed.authz_config.cedar, { policies: [other], role_claim_name: "roles" });
      await objects.eventually("mcpserver", "from-cm", (o) => o.status?.phase === "Pending");
    },
  );

  await t.step("a second pass over unchanged specs writes nothing", async () => {
    const write = 'thv_operator_api_requests_total{verb="write"}';
    const reconciles = "thv_operator_reconciles_total";
    const [writesBefore, passesBefore] = [await operator.metric(write), await operator.metric(reconciles)];
    await new Promise((r) => setTimeout(r, RESYNC_MS * 2.5)); // absence of writes: nothing to poll for
    assert.ok((await operator.metric(reconciles)) > passesBefore, "resyncs happened");
    assert.equal(await operator.metric(write), writesBefore, "no write requests");
    const metrics = await (await fetch(`${operator.healthUrl}/metrics`)).text();
    assert.match(metrics, /^thv_operator_reconcile_errors_total 0$/m);
  });
});
