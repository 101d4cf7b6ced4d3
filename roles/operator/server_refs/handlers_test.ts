import assert from "node:assert/strict";
import { McpAuthzConfigSpec, McpOidcConfigSpec, McpWebhookConfigSpec } from "../../../crds/mod.ts";
import { RunConfig } from "../../../lib/run_config.ts";
import { combineServerRefs, type Lookup } from "../server_refs.ts";
import type { ConfigLookup } from "../shared_config/mod.ts";
import { mcpServer } from "../testing/servers.ts";
import { AUTHZ_CONFIG_REF } from "./authz.ts";
import { OIDC_CONFIG_REF } from "./oidc.ts";
import { fnv32a, WEBHOOK_CONFIG_REF } from "./webhook.ts";

const lookupOf = (found: ConfigLookup<unknown>): Lookup => (() => found) as Lookup;
const valid = (spec: unknown): ConfigLookup<unknown> => ({ state: "valid", spec, hash: "h1" });
const base = { schema_version: "v0.1.0", name: "fetch", image: "i", transport: "stdio", port: 8080 };

Deno.test("oidcConfigRef: an inline MCPOIDCConfig gives oidc_config with the secret only as a secretKeyRef env", () => {
  const spec = McpOidcConfigSpec.parse({
    type: "inline",
    inline: {
      issuer: "https://idp.example",
      clientId: "thv",
      clientSecretRef: { name: "idp", key: "secret" },
      caBundleRef: { configMapRef: { name: "idp-ca", key: "ca.pem" } },
    },
  });
  const server = mcpServer({ oidcConfigRef: { name: "idp", audience: "mcp" } });
  const refs = combineServerRefs(server, lookupOf(valid(spec)), [OIDC_CONFIG_REF]);
  assert.deepEqual(refs.conditions, [{
    type: "OIDCConfigRefValidated",
    status: "True",
    reason: "OIDCConfigRefValid",
    message: "MCPOIDCConfig idp is valid and ready",
  }]);
  assert.deepEqual(refs.hashes, { oidcConfigHash: "h1" });
  assert.deepEqual(refs.runConfig.oidc_config, {
    Issuer: "https://idp.example",
    Audience: "mcp",
    JWKSURL: "",
    ClientID: "thv",
    ClientSecret: "",
    CACertPath: "/config/certs/idp-ca/ca.pem",
    AuthTokenFile: "",
    AllowPrivateIP: false,
    InsecureAllowHTTP: false,
    IntrospectionURL: "",
    ResourceURL: "http://fetch.tools.svc.cluster.local:8080",
    Scopes: null,
  });
  assert.equal(refs.runConfig.thv_ca_bundle, "/config/certs/idp-ca/ca.pem");
  assert.deepEqual(refs.proxyPod.env, [{
    name: "TOOLHIVE_OIDC_CLIENT_SECRET",
    valueFrom: { secretKeyRef: { name: "idp", key: "secret" } },
  }]);
  assert.deepEqual(refs.proxyPod.volumes, [{ name: "oidc-ca-bundle-idp-ca", configMap: { name: "idp-ca" } }]);
  assert.ok(!JSON.stringify(refs.runConfig).includes('secret"'), "no secret key or value in the RunConfig");
  RunConfig.parse({ ...base, ...refs.runConfig });
});

Deno.test("oidcConfigRef: a kubernetesServiceAccount MCPOIDCConfig uses the pod's service-account CA and token", () => {
  const spec = McpOidcConfigSpec.parse({ type: "kubernetesServiceAccount", kubernetesServiceAccount: {} });
  const server = mcpServer({ oidcConfigRef: { name: "k8s", audience: "mcp", scopes: ["mcp"] } });
  const oidc = combineServerRefs(server, lookupOf(valid(spec)), [OIDC_CONFIG_REF]).runConfig.oidc_config!;
  assert.equal(oidc.Issuer, "https://kubernetes.default.svc");
  assert.equal(oidc.AuthTokenFile, "/var/run/secrets/kubernetes.io/serviceaccount/token");
  assert.equal(oidc.AllowPrivateIP, true);
  assert.deepEqual(oidc.Scopes, ["mcp"]);
});

Deno.test("config refs: missing and invalid configs fail the server with ToolHive's reasons and messages", () => {
  const server = mcpServer({
    oidcConfigRef: { name: "o", audience: "a" },
    authzConfigRef: { name: "z" },
    webhookConfigRef: { name: "w" },
  });
  const handlers = [WEBHOOK_CONFIG_REF, OIDC_CONFIG_REF, AUTHZ_CONFIG_REF];
  assert.deepEqual(combineServerRefs(server, lookupOf({ state: "missing" }), handlers).failures, [
    { reason: "WebhookConfigNotFound", message: 'mcpwebhookconfigs.toolhive.stacklok.dev "w" not found' },
    { reason: "OIDCConfigRefNotFound", message: "MCPOIDCConfig o not found" },
    { reason: "AuthzConfigRefNotFound", message: "MCPAuthzConfig z not found" },
  ]);
  const invalid = combineServerRefs(server, lookupOf({ state: "invalid", message: "bad" }), handlers);
  assert.deepEqual(invalid.failures, [
    { reason: "WebhookConfigInvalid", message: "invalid MCPWebhookConfig w: bad" },
    { reason: "OIDCConfigRefNotValid", message: "MCPOIDCConfig o is not valid: bad" },
    {
      reason: "AuthzConfigRefNotValid",
      message: 'MCPAuthzConfig z is not valid: MCPAuthzConfig tools/z is not valid (condition "Valid" is not True)',
    },
  ]);
  assert.deepEqual(invalid.unresolved, ["WebhookConfigValidated", "OIDCConfigRefValidated", "AuthzConfigRefValidated"]);
});

Deno.test("authzConfigRef: a valid MCPAuthzConfig gives the assembled authz_config", () => {
  const spec = McpAuthzConfigSpec.parse({ type: "httpv1", config: { http: { url: "https://pdp" } } });
  const refs = combineServerRefs(mcpServer({ authzConfigRef: { name: "z" } }), lookupOf(valid(spec)), [
    AUTHZ_CONFIG_REF,
  ]);
  assert.deepEqual(refs.runConfig.authz_config, {
    version: "1.0",
    type: "httpv1",
    pdp: { http: { url: "https://pdp" } },
  });
  assert.deepEqual(refs.hashes, { authzConfigHash: "h1" });
});

Deno.test("webhookConfigRef: webhooks with nanosecond timeouts and their secrets mounted as files", () => {
  const spec = McpWebhookConfigSpec.parse({
    mutating: [{ name: "m", url: "https://m.example" }],
    validating: [{
      name: "policy-check",
      url: "https://v.example",
      timeout: "5s",
      failurePolicy: "ignore",
      hmacSecretRef: { name: "hooks", key: "hmac" },
      tlsConfig: { clientCertSecretRef: { name: "hooks", key: "crt" } },
    }],
  });
  const refs = combineServerRefs(mcpServer({ webhookConfigRef: { name: "w" } }), lookupOf(valid(spec)), [
    WEBHOOK_CONFIG_REF,
  ]);
  const id = `webhook_validating_policy_check_hmac_${fnv32a("hooks/hmac")}`;
  assert.deepEqual(refs.runConfig.validating_webhooks, [{
    name: "policy-check",
    url: "https://v.example",
    timeout: 5e9,
    failure_policy: "ignore",
    tls_config: {},
    hmac_secret_ref: `/etc/toolhive/webhooks/${id}/hmac`,
  }]);
  assert.deepEqual(refs.runConfig.mutating_webhooks, [{
    name: "m",
    url: "https://m.example",
    timeout: 0,
    failure_policy: "fail",
  }]);
  assert.deepEqual(refs.proxyPod.volumes, [{
    name: `whsec-${fnv32a(id.toUpperCase())}`,
    secret: { secretName: "hooks", items: [{ key: "hmac", path: "hmac" }] },
  }]);
  RunConfig.parse({ ...base, ...refs.runConfig });
});

Deno.test("fnv32a matches the FNV-1a reference values", () => {
  assert.equal(fnv32a(""), "811c9dc5");
  assert.equal(fnv32a("a"), "e40c292c");
});
