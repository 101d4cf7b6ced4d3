/**
 * An MCPRemoteProxy's references on a real control plane, with the operator under the chart's RBAC and kubectl
 * as the user (issue 15: every proxy thv runs): MCPOIDCConfig, MCPAuthzConfig, MCPExternalAuthConfig,
 * MCPToolConfig, MCPGroup and an authorization ConfigMap reach its RunConfig, conditions and hashes as an MCPServer's do, secrets only as
 * secretKeyRef env; a config edit rolls the Deployment; a type thv does not enforce is refused naming it, and
 * a reference the MCPServer still refuses (its stage is not in the proxy yet) is refused the same way; a second
 * pass writes nothing.
 */
import "./harness/quiet_deprecations.ts";
import assert from "node:assert/strict";
import { unenforcedFields } from "../roles/operator/unenforced.ts";
import { mcpServer } from "../roles/operator/testing/servers.ts";
import { namespaceObjects, poll, REPO_ROOT, startControlPlane, startTestOperator } from "./harness/mod.ts";

// deno-lint-ignore no-explicit-any
type Json = Record<string, any>;

const NS = "remote-auth";
const SECRET_VALUE = "rp-s3cr3t-client-7d1e";
const CHECKSUM = "toolhive.stacklok.dev/runconfig-checksum";
const condition = (o: Json, type: string): Json | undefined => o.status?.conditions?.find((c: Json) => c.type === type);
const object = (kind: string, name: string, spec: Json) =>
  JSON.stringify({ apiVersion: "toolhive.stacklok.dev/v1beta1", kind, metadata: { name }, spec });
const REMOTE = "https://mcp.example.com/mcp";
const exchange = (audience: string) => ({
  type: "tokenExchange",
  tokenExchange: {
    tokenUrl: "https://sts.example.com/token",
    clientId: "proxy",
    clientSecretRef: { name: "sts", key: "client-secret" },
    audience,
  },
});
const env = (deployment: Json, name: string) =>
  (deployment.spec.template.spec.containers[0].env as Json[]).find((e) => e.name === name);

Deno.test("an MCPRemoteProxy resolves its references as an MCPServer does", async (t) => {
  await using cp = await startControlPlane();
  const o = namespaceObjects(cp, NS);
  await o.run(["apply", "--server-side", "-f", `${REPO_ROOT}crds/generated/`]);
  await o.run(["wait", "--for=condition=Established", "crd", "--all"]);
  await o.run(["create", "namespace", NS]);
  for (const [name, key] of [["idp", "secret"], ["sts", "client-secret"]]) {
    await o.run(["create", "secret", "generic", name!, "-n", NS, `--from-literal=${key}=${SECRET_VALUE}`]);
  }
  await using operator = await startTestOperator(cp, { resyncMs: 1500 });
  const apply = (text: string) => o.run(["apply", "-n", NS, "-f", "-"], text);
  await apply(object("MCPOIDCConfig", "idp", {
    type: "inline",
    inline: { issuer: "https://idp.example.com", clientId: "thv", clientSecretRef: { name: "idp", key: "secret" } },
  }));
  await apply(object("MCPAuthzConfig", "policies", {
    type: "cedarv1",
    config: { policies: ['permit(principal, action == Action::"call_tool", resource == Tool::"forecast");'] },
  }));
  await apply(object("MCPExternalAuthConfig", "sts", exchange("backend")));
  await apply(object("MCPExternalAuthConfig", "inject", {
    type: "upstreamInject",
    upstreamInject: { providerName: "corp" },
  }));
  await apply(object("MCPToolConfig", "tools", { toolsFilter: ["forecast"] }));
  await apply(object("MCPGroup", "team", {}));
  const hashOf = async (kind: string, name: string) =>
    (await o.eventually(kind, name, (x) => x.status?.configHash !== undefined)).status.configHash as string;

  await t.step("token exchange, a tool config and a group reach the RunConfig, the status and the pod", async () => {
    await apply(object("MCPRemoteProxy", "weather", {
      remoteUrl: REMOTE,
      externalAuthConfigRef: { name: "sts" },
      toolConfigRef: { name: "tools" },
      groupRef: { name: "team" },
    }));
    const cm = await o.eventually("configmap", "weather-runconfig", (x) => x.data?.["runconfig.json"] !== undefined);
    const rc = JSON.parse(cm.data["runconfig.json"]);
    assert.deepEqual(rc.token_exchange_config, {
      token_url: "https://sts.example.com/token",
      client_id: "proxy",
      client_secret: "",
      client_secret_env: "TOOLHIVE_TOKEN_EXCHANGE_CLIENT_SECRET",
      audience: "backend",
      header_strategy: "replace",
    });
    assert.deepEqual(rc.tools_filter, ["forecast"]);
    assert.equal(rc.group, "team");
    const deployment = await o.eventually("deployment", "weather");
    assert.deepEqual(env(deployment, "TOOLHIVE_TOKEN_EXCHANGE_CLIENT_SECRET")?.valueFrom, {
      secretKeyRef: { name: "sts", key: "client-secret" },
    });
    const rp = await o.eventually(
      "mcpremoteproxy",
      "weather",
      (x) => condition(x, "GroupRefValidated")?.reason === "GroupRefIsValid",
    );
    assert.deepEqual(
      ["ExternalAuthConfigValidated", "ToolConfigValidated", "ConfigurationValid"].map((c) => condition(rp, c)?.status),
      ["True", "True", "True"],
    );
    assert.equal(condition(rp, "ExternalAuthConfigValidated")?.message, "MCPExternalAuthConfig 'sts' is valid");
    assert.equal(rp.status.externalAuthConfigHash, await hashOf("mcpexternalauthconfig", "sts"));
    assert.equal(rp.status.toolConfigHash, await hashOf("mcptoolconfig", "tools"));
  });

  await t.step("an edit of the MCPExternalAuthConfig rolls the proxy's Deployment", async () => {
    const before = await o.eventually("deployment", "weather");
    await apply(object("MCPExternalAuthConfig", "sts", exchange("backend-v2")));
    const rolled = await o.eventually(
      "deployment",
      "weather",
      (x) => x.spec.template.metadata.annotations[CHECKSUM] !== before.spec.template.metadata.annotations[CHECKSUM],
    );
    const cm = await o.eventually("configmap", "weather-runconfig");
    assert.equal(JSON.parse(cm.data["runconfig.json"]).token_exchange_config.audience, "backend-v2");
    assert.equal(cm.metadata.annotations["toolhive.stacklok.dev/content-checksum"] !== undefined, true);
    assert.ok(rolled);
    const hash = await hashOf("mcpexternalauthconfig", "sts");
    await o.eventually("mcpremoteproxy", "weather", (x) => x.status?.externalAuthConfigHash === hash);
  });

  await t.step("OIDC, Cedar and token exchange: resolved, or refused as an MCPServer refuses them", async () => {
    const spec = { oidcConfigRef: { name: "idp", audience: "mcp" }, authzConfigRef: { name: "policies" } };
    // What an MCPServer refuses (its stage is not in the proxy yet) the remote proxy refuses the same way.
    const refused = unenforcedFields(mcpServer(spec)).refused;
    await apply(
      object("MCPRemoteProxy", "guarded", { remoteUrl: REMOTE, externalAuthConfigRef: { name: "sts" }, ...spec }),
    );
    const rp = await o.eventually(
      "mcpremoteproxy",
      "guarded",
      (x) => x.status?.oidcConfigHash !== undefined && x.status?.authzConfigHash !== undefined,
    );
    assert.equal(rp.status.oidcConfigHash, await hashOf("mcpoidcconfig", "idp"));
    assert.equal(rp.status.authzConfigHash, await hashOf("mcpauthzconfig", "policies"));
    assert.equal(rp.status.externalAuthConfigHash, await hashOf("mcpexternalauthconfig", "sts"));
    // Each reference: refused as an MCPServer's, or resolved with its condition True.
    const types = ["OIDCConfigRefValidated", "AuthzConfigRefValidated", "ExternalAuthConfigValidated"];
    const settled = await o.eventually(
      "mcpremoteproxy",
      "guarded",
      (x) => types.every((c) => condition(x, c) !== undefined) && x.status?.phase !== undefined,
    );
    for (const c of types) {
      const r = refused.find((u) => u.conditionType === c);
      assert.equal(condition(settled, c)?.reason, r ? r.reason : c.replace("Validated", "Valid"), c);
    }
    if (refused.length > 0) {
      assert.equal(settled.status.phase, "Failed");
      assert.equal(await o.get("deployment", "guarded"), undefined);
      return;
    }
    const cm = await o.eventually("configmap", "guarded-runconfig");
    const rc = JSON.parse(cm.data["runconfig.json"]);
    assert.equal(rc.oidc_config.Issuer, "https://idp.example.com");
    assert.equal(rc.oidc_config.ResourceURL, `http://guarded.${NS}.svc.cluster.local:8080`);
    assert.equal(rc.authz_config.type, "cedarv1");
    assert.equal(rc.token_exchange_config.token_url, "https://sts.example.com/token");
    const deployment = await o.eventually("deployment", "guarded");
    assert.deepEqual(env(deployment, "TOOLHIVE_OIDC_CLIENT_SECRET")?.valueFrom, {
      secretKeyRef: { name: "idp", key: "secret" },
    });
  });

  await t.step(
    "authzConfig from a ConfigMap reaches the RunConfig; an edit of the ConfigMap rolls the proxy",
    async () => {
      const file = (tool: string) =>
        JSON.stringify({
          version: "1.0",
          type: "cedarv1",
          cedar: { policies: [`permit(principal, action == Action::"call_tool", resource == Tool::"${tool}");`] },
        });
      const cmOf = (tool: string) =>
        JSON.stringify({
          apiVersion: "v1",
          kind: "ConfigMap",
          metadata: { name: "authz-file" },
          data: { "authz.json": file(tool) },
        });
      await apply(object("MCPRemoteProxy", "cedar", {
        remoteUrl: REMOTE,
        authzConfig: { type: "configMap", configMap: { name: "authz-file" } },
      }));
      const missing = await o.eventually("mcpremoteproxy", "cedar", (x) => x.status?.phase === "Failed");
      assert.equal(condition(missing, "AuthzConfigValidated")?.reason, "AuthzConfigInvalid");
      assert.equal(await o.get("deployment", "cedar"), undefined);
      await apply(cmOf("forecast"));
      const policy = (cm: Json) => JSON.parse(cm.data?.["runconfig.json"] ?? "{}").authz_config?.cedar?.policies?.[0];
      await o.eventually("configmap", "cedar-runconfig", (x) => /forecast/.test(policy(x) ?? ""));
      const before = await o.eventually("deployment", "cedar");
      const rp = await o.eventually(
        "mcpremoteproxy",
        "cedar",
        (x) => condition(x, "AuthzConfigValidated")?.status === "True",
      );
      assert.notEqual(rp.status.phase, "Failed");
      await apply(cmOf("alerts"));
      await o.eventually("configmap", "cedar-runconfig", (x) => /alerts/.test(policy(x) ?? ""));
      await o.eventually(
        "deployment",
        "cedar",
        (x) => x.spec.template.metadata.annotations[CHECKSUM] !== before.spec.template.metadata.annotations[CHECKSUM],
      );
    },
  );

  await t.step("an external auth type thv does not enforce is refused, naming it; no proxy runs", async () => {
    await apply(object("MCPRemoteProxy", "upstream", { remoteUrl: REMOTE, externalAuthConfigRef: { name: "inject" } }));
    const rp = await o.eventually("mcpremoteproxy", "upstream", (x) => x.status?.phase === "Failed");
    const c = condition(rp, "ExternalAuthConfigValidated");
    assert.equal(c?.reason, "ExternalAuthConfigNotSupported");
    assert.match(c?.message, /\(type upstreamInject\)/);
    assert.equal(rp.status.message, c?.message);
    assert.equal(await o.get("deployment", "upstream"), undefined);
    assert.equal(await o.get("configmap", "upstream-runconfig"), undefined);
  });

  await t.step("a missing reference fails the proxy with its own condition", async () => {
    await apply(object("MCPRemoteProxy", "stray", { remoteUrl: REMOTE, toolConfigRef: { name: "absent" } }));
    const rp = await o.eventually("mcpremoteproxy", "stray", (x) => x.status?.phase === "Failed");
    assert.deepEqual([condition(rp, "ToolConfigValidated")?.reason, rp.status.message], [
      "ToolConfigNotFound",
      `MCPToolConfig 'absent' not found in namespace '${NS}'`,
    ]);
    assert.equal(await o.get("deployment", "stray"), undefined);
  });

  await t.step("a second pass over an unchanged proxy writes nothing", async () => {
    await o.run(["label", "mcpremoteproxy", "weather", "-n", NS, "pass=2"]);
    const labelled = await o.eventually("mcpremoteproxy", "weather", (x) => x.metadata.labels?.pass === "2");
    const deployment = await o.eventually("deployment", "weather");
    const cm = await o.eventually("configmap", "weather-runconfig");
    const writes = await operator.metric('thv_operator_api_requests_total{verb="write"}');
    const reconciles = await operator.metric("thv_operator_reconciles_total");
    // Resyncs (every 1.5 s) take every proxy and config through its pass again.
    await poll(async () => (await operator.metric("thv_operator_reconciles_total")) >= reconciles + 12 || undefined, {
      what: "the proxies and configs reconciled again",
    });
    assert.equal(
      (await o.eventually("mcpremoteproxy", "weather")).metadata.resourceVersion,
      labelled.metadata.resourceVersion,
    );
    assert.equal(
      (await o.eventually("deployment", "weather")).metadata.resourceVersion,
      deployment.metadata.resourceVersion,
    );
    assert.equal(
      (await o.eventually("configmap", "weather-runconfig")).metadata.resourceVersion,
      cm.metadata.resourceVersion,
    );
    assert.equal(await operator.metric('thv_operator_api_requests_total{verb="write"}'), writes);
  });

  await t.step("no Secret value in any ConfigMap or Event", async () => {
    const text = await o.run(["get", "configmaps,events", "-n", NS, "-o", "json"]);
    assert.ok(!text.includes(SECRET_VALUE), "a Secret value appears in a ConfigMap or Event");
    assert.ok(!text.includes(btoa(SECRET_VALUE)), "a Secret value (base64) appears in a ConfigMap or Event");
  });
});
