import { strict as assert } from "node:assert";
import { authConfigOf, envWithClientSecret, mergedAuthFlags } from "./flags_auth.ts";

Deno.test("the auth flags map to oidc_config with ToolHive's keys, never carrying the client secret", () => {
  const fields = authConfigOf({
    oidcIssuer: "https://idp.example",
    oidcAudience: "https://mcp.example/mcp",
    oidcClientId: "proxy",
    oidcClientSecret: "s3cret",
    oidcScopes: ["openid", "mcp:tools"],
    resourceUrl: "https://mcp.example/mcp",
    thvCaBundle: "/ca.pem",
    jwksAuthTokenFile: "/token",
  });
  assert.deepEqual(fields.oidc_config, {
    Issuer: "https://idp.example",
    Audience: "https://mcp.example/mcp",
    JWKSURL: "",
    ClientID: "proxy",
    ClientSecret: "",
    CACertPath: "/ca.pem",
    AuthTokenFile: "/token",
    AllowPrivateIP: false,
    InsecureAllowHTTP: false,
    IntrospectionURL: "",
    ResourceURL: "https://mcp.example/mcp",
    Scopes: ["openid", "mcp:tools"],
  });
  assert.equal(fields.thv_ca_bundle, "/ca.pem");
  assert.ok(!JSON.stringify(fields).includes("s3cret"));
  assert.deepEqual(envWithClientSecret({ A: "1" }, { oidcClientSecret: "s3cret" }), {
    A: "1",
    TOOLHIVE_OIDC_CLIENT_SECRET: "s3cret",
  });
});

Deno.test("no --oidc-issuer configures nothing, and another auth flag without it is refused", () => {
  assert.deepEqual(authConfigOf({}), {});
  assert.deepEqual(authConfigOf({ oidcClientSecret: "from-env-anyway" }), {});
  assert.throws(
    () => authConfigOf({ jwksAllowPrivateIp: true }),
    /^TypeError: --jwks-allow-private-ip needs --oidc-issuer/,
  );
  assert.deepEqual(
    mergedAuthFlags({ oidcIssuer: "a", oidcAudience: "b" }, { oidcAudience: "c", oidcJwksUrl: undefined }),
    {
      oidcIssuer: "a",
      oidcAudience: "c",
    },
  );
});
