import assert from "node:assert/strict";
import { McpAuthzConfigSpec, McpOidcConfigSpec, McpWebhookConfigSpec } from "../../../crds/mod.ts";
import { checkAuthzConfig } from "./authz.ts";
import { formatGoDuration, parseGoDuration } from "./go_duration.ts";
import { checkOidcConfig } from "./oidc.ts";
import { checkWebhookConfig } from "./webhook.ts";

const inline = (fields: Record<string, unknown>) =>
  McpOidcConfigSpec.parse({ type: "inline", inline: { issuer: "https://idp.example", ...fields } });

Deno.test("MCPOIDCConfig check: ToolHive's issuer, JWKS and CA bundle messages", () => {
  const cases: Array<[unknown, string | undefined]> = [
    [inline({}), undefined],
    [McpOidcConfigSpec.parse({ type: "kubernetesServiceAccount", kubernetesServiceAccount: {} }), undefined],
    [
      McpOidcConfigSpec.parse({ type: "inline" }),
      "inline configuration must be set if and only if type is 'inline'",
    ],
    [
      McpOidcConfigSpec.parse({ type: "inline", inline: { issuer: "x" }, kubernetesServiceAccount: {} }),
      "kubernetesServiceAccount configuration must be set if and only if type is 'kubernetesServiceAccount'",
    ],
    [inline({ issuer: "idp.example" }), 'OIDC issuer URL "idp.example" is malformed: missing scheme or host'],
    [
      inline({ issuer: "http://idp.example" }),
      'OIDC issuer URL "http://idp.example" uses HTTP scheme, which is insecure; use HTTPS or set ' +
      "insecureAllowHTTP: true for development only",
    ],
    [inline({ issuer: "http://idp.example", insecureAllowHTTP: true }), undefined],
    [
      inline({ issuer: "ftp://idp.example" }),
      'OIDC issuer URL "ftp://idp.example" has unsupported scheme "ftp"; must be http or https',
    ],
    [inline({ issuer: "" }), undefined],
    [
      inline({ jwksUrl: "http://idp.example/jwks" }),
      'JWKS URL "http://idp.example/jwks" uses HTTP scheme, which is insecure; use HTTPS or set ' +
      "insecureAllowHTTP: true for development only",
    ],
    [
      inline({ jwksUrl: "ws://idp.example/jwks" }),
      'JWKS URL "ws://idp.example/jwks" has unsupported scheme "ws"; must be http or https',
    ],
    [inline({ jwksUrl: "https:jwks" }), "JWKS URL must have a valid host"],
    [inline({ caBundleRef: {} }), "configMapRef must be specified in caBundleRef"],
    [inline({ caBundleRef: { configMapRef: { key: "ca.crt" } } }), "configMapRef.name must be specified"],
    [
      inline({ caBundleRef: { configMapRef: { name: "c".repeat(49), key: "ca.crt" } } }),
      `configMapRef.name "${"c".repeat(49)}" is too long (49 chars); maximum is 48 characters to fit in ` +
      "Kubernetes volume name",
    ],
    [inline({ caBundleRef: { configMapRef: { name: "c".repeat(48), key: "ca.crt" } } }), undefined],
  ];
  for (const [spec, want] of cases) assert.equal(checkOidcConfig(spec as McpOidcConfigSpec), want);
});

Deno.test("MCPAuthzConfig check: registered type, non-empty config, and the envelope of each backend", () => {
  const authz = (type: string, config: Record<string, unknown>) => McpAuthzConfigSpec.parse({ type, config });
  const cases: Array<[McpAuthzConfigSpec, string | undefined]> = [
    [authz("cedarv1", { policies: ["permit(principal, action, resource);"] }), undefined],
    [
      authz("opa", { x: 1 }),
      'type "opa" is not a registered authorizer backend (registered: [cedarv1 httpv1])',
    ],
    [authz("cedarv1", {}), "config must not be empty"],
    [authz("cedarv1", { policies: [] }), "at least one policy is required for Cedar authorization"],
    [authz("cedarv1", { entities_json: "[]" }), "at least one policy is required for Cedar authorization"],
    [
      authz("cedarv1", { policies: ["permit(principal, action, resource);"], group_entity_type: "A::B" }),
      'group_entity_type "A::B" contains "::": namespaced entity types are not yet supported',
    ],
    [authz("httpv1", { claim_mapping: "mpe" }), "http configuration is required"],
    [authz("httpv1", { http: { timeout: 3 } }), "http.url is required"],
    [authz("httpv1", { http: { url: "https://pdp" } }), "claim_mapping is required (valid values: mpe, standard)"],
    [
      authz("httpv1", { http: { url: "https://pdp" }, claim_mapping: "x" }),
      'invalid claim_mapping "x" (valid values: mpe, standard)',
    ],
    [authz("httpv1", { http: { url: "https://pdp" }, claim_mapping: "standard" }), undefined],
  ];
  for (const [spec, want] of cases) assert.equal(checkAuthzConfig(spec), want);
});

Deno.test("MCPWebhookConfig check: each webhook's problems, prefixed and joined with newlines", () => {
  const hook = (fields: Record<string, unknown>) => ({ name: "w", url: "https://hook.example", ...fields });
  const spec = (v: unknown[], m: unknown[] = []) => McpWebhookConfigSpec.parse({ validating: v, mutating: m });
  assert.equal(checkWebhookConfig(spec([hook({ timeout: "5s" })])), undefined);
  assert.equal(
    checkWebhookConfig(spec([hook({ url: "http://h", tlsConfig: { insecureSkipVerify: true } })])),
    undefined,
  );
  assert.equal(
    checkWebhookConfig(spec([hook({ url: "http://h" })], [hook({ name: "m", timeout: "1m" })])),
    'validating webhook[0] "w": webhook URL must use HTTPS (set insecure_skip_verify to allow HTTP for ' +
      "development/in-cluster use)\n" +
      'mutating webhook[0] "m": webhook timeout 1m0s exceeds maximum 30s',
  );
  assert.equal(
    checkWebhookConfig(spec([hook({ timeout: "500ms" })])),
    'validating webhook[0] "w": webhook timeout must be between 1s and 30s',
  );
  assert.equal(
    checkWebhookConfig(spec([hook({ tlsConfig: { clientCertSecretRef: { name: "s", key: "c" } } })])),
    'validating webhook[0] "w": webhook TLS config: both client_cert_path and client_key_path must be provided ' +
      "for mTLS",
  );
  assert.equal(checkWebhookConfig(spec([])), "at least one validating or mutating webhook must be defined");
});

Deno.test("Go durations parse to nanoseconds and print as Go prints them", () => {
  assert.equal(parseGoDuration("1m30s"), 90e9);
  assert.equal(parseGoDuration("1.5s"), 1.5e9);
  assert.equal(parseGoDuration("10"), undefined);
  assert.equal(formatGoDuration(90e9), "1m30s");
  assert.equal(formatGoDuration(2 * 3600e9), "2h0m0s");
  assert.equal(formatGoDuration(500e6), "500ms");
  assert.equal(formatGoDuration(1.5e9), "1.5s");
});
