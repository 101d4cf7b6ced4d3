import assert from "node:assert/strict";
import { McpExternalAuthConfigSpec } from "../../crds/mod.ts";
import { AUTH_SERVER_REF, EXTERNAL_AUTH_CONFIG_REF } from "./external_auth_ref.ts";
import type { Lookup, LookupGroup } from "./server_refs.ts";
import type { ConfigLookup } from "./shared_config/mod.ts";
import { mcpServer } from "./testing/servers.ts";

const noGroups: LookupGroup = () => ({ state: "missing" });

const lookupOf = (found: ConfigLookup<unknown>): Lookup => (() => found) as Lookup;
const valid = (spec: unknown) => lookupOf({ state: "valid", spec: McpExternalAuthConfigSpec.parse(spec), hash: "h" });
const server = mcpServer({ externalAuthConfigRef: { name: "upstream" } });
const resource = "https://mcp.example.com";
const oidc = { oidcConfigRef: { name: "corp", audience: resource, resourceUrl: resource } };
const embedded = (upstreams: unknown[]) => ({
  type: "embeddedAuthServer",
  embeddedAuthServer: {
    issuer: "https://auth.example.com",
    upstreamProviders: upstreams,
    signingKeySecretRefs: [{ name: "keys", key: "k0" }],
  },
});
const corp = {
  name: "corp-idp",
  type: "oidc",
  oidcConfig: { issuerUrl: "https://idp.example", clientId: "c", clientSecretRef: { name: "idp", key: "secret" } },
};

Deno.test("tokenExchange: token_exchange_config names the env var; the secret comes by secretKeyRef", () => {
  const c = EXTERNAL_AUTH_CONFIG_REF.resolve(
    server,
    valid({
      type: "tokenExchange",
      tokenExchange: {
        tokenUrl: "https://sts.example/token",
        audience: "backend",
        clientId: "thv",
        clientSecretRef: { name: "sts", key: "secret" },
        subjectTokenType: "id_token",
      },
    }),
    noGroups,
  );
  assert.equal(c.condition?.reason, "ExternalAuthConfigValid");
  assert.deepEqual(c.hashes, { externalAuthConfigHash: "h" });
  assert.deepEqual(c.runConfig?.token_exchange_config, {
    token_url: "https://sts.example/token",
    client_id: "thv",
    client_secret: "",
    client_secret_env: "TOOLHIVE_TOKEN_EXCHANGE_CLIENT_SECRET",
    audience: "backend",
    subject_token_type: "urn:ietf:params:oauth:token-type:id_token",
    header_strategy: "replace",
  });
  assert.deepEqual(c.proxyPod?.env, [{
    name: "TOOLHIVE_TOKEN_EXCHANGE_CLIENT_SECRET",
    valueFrom: { secretKeyRef: { name: "sts", key: "secret" } },
  }]);
});

Deno.test("bearerToken: remote_auth_config holds an env-safe Secret reference, never its value", () => {
  const c = EXTERNAL_AUTH_CONFIG_REF.resolve(
    server,
    valid({ type: "bearerToken", bearerToken: { tokenSecretRef: { name: "api-tok.v2", key: "t" } } }),
    noGroups,
  );
  assert.deepEqual(c.runConfig, { remote_auth_config: { bearer_token: "API_TOK_V2,target=bearer_token" } });
  assert.deepEqual(c.proxyPod?.env, [{
    name: "TOOLHIVE_SECRET_API_TOK_V2",
    valueFrom: { secretKeyRef: { name: "api-tok.v2", key: "t" } },
  }]);
});

Deno.test("headerInjection: header_forward names the secret, whose value comes by secretKeyRef", () => {
  const c = EXTERNAL_AUTH_CONFIG_REF.resolve(
    server,
    valid({
      type: "headerInjection",
      headerInjection: { headerName: "X-Api-Key", valueSecretRef: { name: "k", key: "v" } },
    }),
    noGroups,
  );
  assert.deepEqual(c.runConfig, {
    header_forward: { add_headers_from_secret: { "X-Api-Key": "HEADER_INJECTION_X_API_KEY" } },
  });
  assert.deepEqual(c.proxyPod?.env, [{
    name: "TOOLHIVE_SECRET_HEADER_INJECTION_X_API_KEY",
    valueFrom: { secretKeyRef: { name: "k", key: "v" } },
  }]);
});

Deno.test("externalAuthConfigRef: missing and invalid fail the server; the invalid reason is mirrored", () => {
  const missing = EXTERNAL_AUTH_CONFIG_REF.resolve(server, lookupOf({ state: "missing" }), noGroups);
  assert.deepEqual(missing.failure, {
    reason: "ExternalAuthConfigNotFound",
    message: "MCPExternalAuthConfig 'upstream' not found in namespace 'tools'",
  });
  const obo = EXTERNAL_AUTH_CONFIG_REF.resolve(
    server,
    lookupOf({ state: "invalid", reason: "EnterpriseRequired", message: "needs enterprise" }),
    noGroups,
  );
  assert.deepEqual(obo.condition?.reason, "EnterpriseRequired");
  assert.equal(
    obo.failure?.message,
    "MCPExternalAuthConfig tools/upstream: invalid (EnterpriseRequired): needs enterprise",
  );
  const unjudged = EXTERNAL_AUTH_CONFIG_REF.resolve(server, lookupOf({ state: "invalid", message: "x" }), noGroups);
  assert.equal(unjudged.condition?.reason, "InvalidExternalAuthConfig");
});

Deno.test("awsSts on an MCPServer fails with InvalidConfig: STS signing needs a remote URL", () => {
  const c = EXTERNAL_AUTH_CONFIG_REF.resolve(
    server,
    valid({ type: "awsSts", awsSts: { region: "eu-west-1", fallbackRoleArn: "arn:aws:iam::123456789012:role/x" } }),
    noGroups,
  );
  assert.equal(c.condition?.reason, "InvalidConfig");
  assert.match(c.failure!.message, /^Failed to build configuration: AWS STS middleware requires a remote URL/);
});

Deno.test("authServerRef: an embedded server gives embedded_auth_server_config with secrets as env names and files", () => {
  const s = mcpServer({ authServerRef: { name: "as" }, ...oidc });
  const c = AUTH_SERVER_REF.resolve(s, valid(embedded([corp])), noGroups);
  assert.equal(c.condition?.reason, "AuthServerRefValid");
  assert.deepEqual(c.hashes, { authServerConfigHash: "h" });
  const config = c.runConfig?.embedded_auth_server_config as Record<string, unknown>;
  assert.equal(config.issuer, "https://auth.example.com");
  assert.deepEqual(config.allowed_audiences, [resource]);
  assert.deepEqual(config.signing_key_config, {
    key_dir: "/etc/toolhive/authserver/keys",
    signing_key_file: "key-0.pem",
  });
  assert.deepEqual((config.upstreams as Record<string, Record<string, unknown>>[])[0]!.oidc_config, {
    issuer_url: "https://idp.example",
    client_id: "c",
    client_secret_env_var: "TOOLHIVE_UPSTREAM_CLIENT_SECRET_CORP_IDP",
    redirect_uri: `${resource}/oauth/callback`,
    scopes: ["openid", "offline_access"],
  });
  assert.deepEqual(c.proxyPod?.env, [{
    name: "TOOLHIVE_UPSTREAM_CLIENT_SECRET_CORP_IDP",
    valueFrom: { secretKeyRef: { name: "idp", key: "secret" } },
  }]);
});

Deno.test("authServerRef: ToolHive's reasons for a wrong type, two upstreams, a missing OIDC ref, a missing object", () => {
  const s = mcpServer({ authServerRef: { name: "as" }, ...oidc });
  const wrongType = AUTH_SERVER_REF.resolve(s, valid({ type: "unauthenticated" }), noGroups);
  assert.deepEqual(wrongType.failure, {
    reason: "AuthServerRefInvalidType",
    message: `authServerRef 'as' has type "unauthenticated", but only embeddedAuthServer is supported`,
  });
  const two = AUTH_SERVER_REF.resolve(s, valid(embedded([corp, { ...corp, name: "other" }])), noGroups);
  assert.equal(two.failure?.reason, "MultiUpstreamNotSupported");
  const noOidc = AUTH_SERVER_REF.resolve(
    mcpServer({ authServerRef: { name: "as" } }),
    valid(embedded([corp])),
    noGroups,
  );
  assert.deepEqual(noOidc.failure, {
    reason: "AuthServerRefInvalidConfig",
    message: "Failed to build configuration: OIDC config is required for embedded auth server: " +
      "OIDCConfigRef must be set on the MCPServer",
  });
  const missing = AUTH_SERVER_REF.resolve(s, lookupOf({ state: "missing" }), noGroups);
  assert.equal(missing.failure?.reason, "AuthServerRefNotFound");
});
