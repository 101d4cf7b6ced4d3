import { strict as assert } from "node:assert";
import { parseRunConfig } from "../run_config.ts";
import { kubernetesManifests } from "./export.ts";

const OIDC = {
  Issuer: "https://idp.example",
  Audience: "https://mcp.example/mcp",
  JWKSURL: "",
  ClientID: "proxy",
  ClientSecret: "",
  CACertPath: "",
  AuthTokenFile: "",
  AllowPrivateIP: false,
  InsecureAllowHTTP: false,
  IntrospectionURL: "https://idp.example/introspect",
  ResourceURL: "",
  Scopes: ["mcp:tools"],
};

function config(extra: Record<string, unknown>) {
  return parseRunConfig(
    JSON.stringify({
      schema_version: "v0.1.0",
      name: "fetch",
      image: "fetch:1",
      transport: "stdio",
      port: 8080,
      ...extra,
    }),
    "test",
  );
}

Deno.test("export keeps a workload's authentication: an inline MCPOIDCConfig and the server's oidcConfigRef", () => {
  // deno-lint-ignore no-explicit-any
  const [oidc, server] = kubernetesManifests(config({ oidc_config: OIDC })) as Array<Record<string, any>>;
  assert.equal(oidc!.kind, "MCPOIDCConfig");
  assert.deepEqual(oidc!.spec, {
    type: "inline",
    inline: {
      issuer: "https://idp.example",
      introspectionUrl: "https://idp.example/introspect",
      clientId: "proxy",
      clientSecretRef: { name: "fetch-secrets", key: "oidc-client-secret" },
    },
  });
  assert.deepEqual(server!.spec.oidcConfigRef, {
    name: "fetch-oidc",
    audience: "https://mcp.example/mcp",
    scopes: ["mcp:tools"],
  });
});

Deno.test("export refuses a workload whose authentication needs a local file", () => {
  assert.throws(
    () => kubernetesManifests(config({ oidc_config: { ...OIDC, CACertPath: "/home/me/ca.pem" } })),
    /^RangeError: Workload fetch authenticates with the local file \/home\/me\/ca\.pem/,
  );
});
