import assert from "node:assert/strict";
import { RunConfig } from "../../../lib/run_config.ts";
import { combineServerRefs, type Lookup } from "../server_refs.ts";
import { mcpServer } from "../testing/servers.ts";
import { inlineAuthzContribution, inlineAuthzHandler } from "./authz_inline.ts";

const POLICY = "permit(principal, action, resource);";
const base = { schema_version: "v0.1.0", name: "fetch", image: "i", transport: "stdio", port: 8080 };
const fromMap = (extra: Record<string, unknown> = {}) =>
  mcpServer({ authzConfig: { type: "configMap", configMap: { name: "cm" }, ...extra } });
const failure = (c: ReturnType<typeof inlineAuthzContribution>) => c.failure?.message;

Deno.test("inline authzConfig gives a cedarv1 authz_config with entities and the claim-name overrides", () => {
  const server = mcpServer({
    authzConfig: { type: "inline", inline: { policies: [POLICY] }, groupClaimName: "g", groupEntityType: "Team" },
  });
  const refs = combineServerRefs(server, (() => ({ state: "missing" })) as Lookup, [inlineAuthzHandler(undefined)]);
  assert.deepEqual(refs.runConfig.authz_config, {
    version: "1.0",
    type: "cedarv1",
    cedar: { policies: [POLICY], entities_json: "[]", group_claim_name: "g", group_entity_type: "Team" },
  });
  assert.deepEqual(refs.conditions.map((c) => [c.type, c.status, c.reason]), [
    ["AuthzConfigValidated", "True", "AuthzConfigValid"],
  ]);
  RunConfig.parse({ ...base, ...refs.runConfig });
  const none = combineServerRefs(mcpServer({}), (() => ({ state: "missing" })) as Lookup, [
    inlineAuthzHandler(undefined),
  ]);
  assert.deepEqual(none.dropped, ["AuthzConfigValidated"]);
});

Deno.test("a ConfigMap's file (YAML or JSON) becomes authz_config; missing, empty or invalid ones fail the server", () => {
  const yaml = `version: "1.0"\ntype: cedarv1\ncedar:\n  policies: ['${POLICY}']\n`;
  assert.deepEqual(inlineAuthzContribution(fromMap({ roleClaimName: "roles" }), { "authz.json": yaml }).runConfig, {
    authz_config: { version: "1.0", type: "cedarv1", cedar: { policies: [POLICY], role_claim_name: "roles" } },
  });
  const pdp = { version: "1.0", type: "httpv1", pdp: { http: { url: "http://pdp" }, claim_mapping: "standard" } };
  assert.deepEqual(
    inlineAuthzContribution(fromMap({ groupClaimName: "g" }), { "authz.json": JSON.stringify(pdp) }).runConfig,
    { authz_config: pdp },
    "claim-name overrides are Cedar's only",
  );
  const table: Array<[Record<string, string> | undefined, string]> = [
    [undefined, 'failed to get Authz ConfigMap tools/cm: configmaps "cm" not found'],
    [{ other: "x" }, 'authz ConfigMap tools/cm is missing key "authz.json"'],
    [{ "authz.json": " " }, 'authz ConfigMap tools/cm key "authz.json" is empty'],
    [{ "authz.json": "a: [" }, "failed to parse authz config from ConfigMap tools/cm: "],
    [{ "authz.json": '{"type": "cedarv1"}' }, "invalid authz config from ConfigMap tools/cm: version is required"],
    [
      { "authz.json": '{"version": "1.0", "type": "cedarv1", "cedar": {"policies": []}}' },
      "invalid authz config from ConfigMap tools/cm: at least one policy is required for Cedar authorization",
    ],
    [
      { "authz.json": '{"version": "1.0", "type": "opa"}' },
      "invalid authz config from ConfigMap tools/cm: unsupported configuration type: opa (registered types: [cedarv1 httpv1])",
    ],
  ];
  for (const [data, message] of table) {
    const got = failure(inlineAuthzContribution(fromMap(), data));
    assert.ok(got?.startsWith(`Failed to build configuration: ${message}`), `${message} ≠ ${got}`);
  }
});
