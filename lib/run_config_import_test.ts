import assert from "node:assert/strict";
import { RUN_CONFIG_SCHEMA_VERSION } from "./run_config.ts";
import { parseImportedRunConfig, UNENFORCED_RUN_CONFIG_KEYS } from "./run_config_import.ts";

const minimal = {
  schema_version: RUN_CONFIG_SCHEMA_VERSION,
  name: "fetch",
  image: "img:1",
  transport: "stdio",
  port: 8080,
};
const text = (extra: Record<string, unknown>) => JSON.stringify({ ...minimal, ...extra });

Deno.test("parseImportedRunConfig refuses each key that guards access, naming it and the source", () => {
  for (const key of Object.keys(UNENFORCED_RUN_CONFIG_KEYS)) {
    assert.throws(() => parseImportedRunConfig(text({ [key]: { any: "value" } }), "exported.json"), {
      name: "RangeError",
      message: new RegExp(`^RunConfig exported\\.json: ${key} asks for .*, which thv does not enforce yet: remove it`),
    }, key);
  }
});

Deno.test("parseImportedRunConfig takes audit and webhooks, which the proxy enforces", () => {
  const hook = { name: "policy", url: "https://hooks.test/v", timeout: 0, failure_policy: "fail" };
  const { config } = parseImportedRunConfig(
    text({
      audit_config: { maxDataSize: 1024, detectApplicationErrors: true },
      audit_config_path: "/etc/audit.json",
      validating_webhooks: [hook],
      mutating_webhooks: [{ ...hook, name: "patch", hmac_secret_ref: "/etc/hmac" }],
    }),
    "a.json",
  );
  assert.equal(config.audit_config?.maxDataSize, 1024);
  assert.equal(config.audit_config_path, "/etc/audit.json");
  assert.equal(config.validating_webhooks?.[0]?.name, "policy");
  assert.equal(config.mutating_webhooks?.[0]?.hmac_secret_ref, "/etc/hmac");
});

Deno.test("parseImportedRunConfig takes token exchange and a bearer token, and refuses OAuth to a remote server", () => {
  const { config } = parseImportedRunConfig(
    text({
      token_exchange_config: {
        token_url: "https://sts/token",
        audience: "b",
        header_strategy: "replace",
        client_secret: "",
      },
      remote_auth_config: { bearer_token: "tok,target=bearer_token", timeout: "30s", skip_browser: false },
    }),
    "t.json",
  );
  assert.equal(config.token_exchange_config?.audience, "b");
  assert.deepEqual(config.remote_auth_config, { bearer_token: "tok,target=bearer_token" });
  assert.throws(
    () => parseImportedRunConfig(text({ remote_auth_config: { client_id: "c", issuer: "https://i" } }), "o.json"),
    {
      message: "RunConfig o.json: remote_auth_config.client_id, remote_auth_config.issuer ask for OAuth to a " +
        "remote server, which thv does not enforce yet: remove them from the file to run the server without them",
    },
  );
});

Deno.test("parseImportedRunConfig names every refused key in one line", () => {
  assert.throws(
    () => parseImportedRunConfig(text({ upstream_swap_config: { x: 1 }, rate_limit_config: { x: 1 } }), "b.json"),
    (e: Error) => {
      assert.equal(e.message.includes("\n"), false);
      assert.match(
        e.message,
        /^RunConfig b\.json: upstream_swap_config, rate_limit_config ask for upstream token swap, rate limiting, /,
      );
      assert.match(e.message, /remove them from the file to run the server without them$/);
      return true;
    },
  );
});

Deno.test("parseImportedRunConfig lets empty guarding keys and audit off through, and reports ignored keys", () => {
  const { config, ignored } = parseImportedRunConfig(
    text({
      oidc_config: null,
      tools_filter: [],
      authz_config: {},
      audit_config: { enabled: false },
      telemetry_config: { endpoint: "otel:4317" },
      isolate_network: true,
      debug: false,
      target_host: "10.0.0.2",
    }),
    "c.json",
  );
  assert.equal(config.name, "fetch");
  assert.deepEqual(ignored, ["isolate_network", "target_host"]);
  assert.deepEqual(config.telemetry_config, { endpoint: "otel:4317" }, "telemetry is applied (lib/telemetry)");
});

Deno.test("parseImportedRunConfig migrates an unversioned RunConfig and says what changed", () => {
  const { schema_version: _, ...unversioned } = minimal;
  const { config, migrated } = parseImportedRunConfig(JSON.stringify(unversioned), "old.json");
  assert.equal(config.schema_version, RUN_CONFIG_SCHEMA_VERSION);
  assert.deepEqual(migrated, ["schema_version: none → v0.1.0 (the older shape has the same keys)"]);
  assert.deepEqual(parseImportedRunConfig(text({}), "new.json").migrated, []);
});

Deno.test("parseImportedRunConfig refuses a newer schema_version: upgrade thv", () => {
  assert.throws(() => parseImportedRunConfig(text({ schema_version: "v0.3.0" }), '"x"'), {
    name: "RangeError",
    message: 'RunConfig "x" has schema_version v0.3.0, newer than this thv reads (v0.1.0): upgrade thv',
  });
});

Deno.test("parseImportedRunConfig keeps authorization, which thv enforces: authz_config and authz_config_path", () => {
  const authz = { version: "1.0", type: "cedarv1", cedar: { policies: ["permit(principal, action, resource);"] } };
  assert.deepEqual(parseImportedRunConfig(text({ authz_config: authz }), "z.json").config.authz_config, authz);
  const path = parseImportedRunConfig(text({ authz_config_path: "/etc/toolhive/authz/authz.json" }), "p.json");
  assert.equal(path.config.authz_config_path, "/etc/toolhive/authz/authz.json");
  assert.equal(parseImportedRunConfig(text({ authz_config: null }), "n.json").config.authz_config, undefined);
});

Deno.test("parseImportedRunConfig keeps oidc_config, filling left-out keys, and refuses a client secret in it", () => {
  const { config } = parseImportedRunConfig(
    text({ oidc_config: { Issuer: "https://idp.example", Audience: "mcp" }, jwks_auth_token_file: "/t" }),
    "d.json",
  );
  assert.equal(config.oidc_config?.Issuer, "https://idp.example");
  assert.equal(config.oidc_config?.JWKSURL, "");
  assert.equal(config.jwks_auth_token_file, "/t");
  assert.throws(
    () => parseImportedRunConfig(text({ oidc_config: { Issuer: "https://x", ClientSecret: "s" } }), "e.json"),
    /RunConfig e\.json: oidc_config\.ClientSecret holds a secret, which thv never keeps in a RunConfig: /,
  );
});
