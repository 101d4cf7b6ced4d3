import { strict as assert } from "node:assert";
import { parseRunConfig, type RunConfig } from "../run_config.ts";
import { authSettingsOf, isLoopbackHost } from "./settings.ts";

const EMPTY = {
  Issuer: "",
  Audience: "",
  JWKSURL: "",
  ClientID: "",
  ClientSecret: "",
  CACertPath: "",
  AuthTokenFile: "",
  AllowPrivateIP: false,
  InsecureAllowHTTP: false,
  IntrospectionURL: "",
  ResourceURL: "",
  Scopes: [],
};

function config(oidc: Record<string, unknown> | undefined, extra: Record<string, unknown> = {}): RunConfig {
  return parseRunConfig(
    JSON.stringify({
      schema_version: "v0.1.0",
      name: "fx",
      image: "fx",
      transport: "stdio",
      port: 8080,
      ...(oidc ? { oidc_config: { ...EMPTY, ...oidc } } : {}),
      ...extra,
    }),
    "test",
  );
}

Deno.test("no oidc_config, or an all-empty one, configures no authentication", () => {
  assert.equal(authSettingsOf(config(undefined), {}), undefined);
  assert.equal(authSettingsOf(config({}), {}), undefined);
});

Deno.test("settings take the file fields of the RunConfig over oidc_config's and the secret from the environment", () => {
  const s = authSettingsOf(
    config({
      Issuer: "https://idp.example/",
      Audience: "https://mcp.example/mcp",
      IntrospectionURL: "https://idp.example/introspect",
      ClientID: "proxy",
      CACertPath: "/a.pem",
      AuthTokenFile: "/a.token",
      Scopes: ["mcp:tools"],
    }, { thv_ca_bundle: "/b.pem", jwks_auth_token_file: "/b.token" }),
    { TOOLHIVE_OIDC_CLIENT_SECRET: "s3cret" },
  )!;
  assert.equal(s.issuer, "https://idp.example");
  assert.equal(s.caCertPath, "/b.pem");
  assert.equal(s.authTokenFile, "/b.token");
  assert.equal(s.clientSecret, "s3cret");
  assert.deepEqual(s.scopes, ["mcp:tools"]);
});

Deno.test("settings that cannot be enforced refuse the RunConfig with a one-line error naming the field", () => {
  const cases: Array<[Record<string, unknown> | undefined, Record<string, unknown>, RegExp]> = [
    [{ Audience: "a" }, {}, /^oidc_config\.Issuer is empty/],
    [{ Issuer: "https://idp.example" }, {}, /^oidc_config\.Audience is empty: .*another server is refused/],
    [{ Issuer: "http://idp.example", Audience: "a" }, {}, /^oidc_config\.Issuer http:\/\/idp\.example uses HTTP/],
    [{ Issuer: "ftp://idp.example", Audience: "a" }, {}, /unsupported scheme ftp:/],
    [
      { Issuer: "https://idp.example", Audience: "a", JWKSURL: "http://keys.example/jwks" },
      {},
      /^oidc_config\.JWKSURL/,
    ],
    [{ Issuer: "https://idp.example", Audience: "a", JWKSURL: "not a url" }, {}, /JWKSURL not a url is not a URL/],
    [
      { Issuer: "https://idp.example", Audience: "a", IntrospectionURL: "https://idp.example/i", ClientID: "p" },
      {},
      /ClientID p authenticates introspection, but TOOLHIVE_OIDC_CLIENT_SECRET is empty/,
    ],
    [undefined, { jwks_auth_token_file: "/t" }, /^jwks_auth_token_file is set without oidc_config/],
  ];
  for (const [oidc, extra, message] of cases) {
    assert.throws(() => authSettingsOf(config(oidc, extra), {}), (e: Error) => {
      assert.ok(e instanceof TypeError);
      assert.match(e.message, message);
      assert.ok(!e.message.includes("\n"));
      return true;
    });
  }
});

Deno.test("http is allowed for a loopback issuer, or anywhere with InsecureAllowHTTP", () => {
  assert.ok(authSettingsOf(config({ Issuer: "http://127.0.0.1:8080", Audience: "a" }), {}));
  assert.ok(authSettingsOf(config({ Issuer: "http://localhost:8080", Audience: "a" }), {}));
  assert.ok(authSettingsOf(config({ Issuer: "http://idp.svc", Audience: "a", InsecureAllowHTTP: true }), {}));
  assert.ok(isLoopbackHost("[::1]"));
  assert.ok(!isLoopbackHost("127.example.com"));
});
