import assert from "node:assert/strict";
import { migrateRunConfig, parseRunConfig, RUN_CONFIG_SCHEMA_VERSION, serializeRunConfig } from "./run_config.ts";

const minimal = {
  schema_version: RUN_CONFIG_SCHEMA_VERSION,
  name: "fetch",
  image: "img:1",
  transport: "stdio",
  port: 8080,
};

Deno.test("parseRunConfig fills defaults and drops unknown keys", () => {
  const config = parseRunConfig(JSON.stringify({ ...minimal, future_key: 1 }), "test");
  assert.deepEqual(config.cmd_args, []);
  assert.equal(config.host, "127.0.0.1");
  assert.equal(config.trust_proxy_headers, false);
  assert.equal("future_key" in config, false);
});

Deno.test("parseRunConfig names the bad field and the source", () => {
  assert.throws(() => parseRunConfig(JSON.stringify({ ...minimal, port: 0 }), "/etc/runconfig/runconfig.json"), {
    name: "TypeError",
    message: /^RunConfig \/etc\/runconfig\/runconfig\.json: field port: /,
  });
  assert.throws(() => parseRunConfig(JSON.stringify({ ...minimal, transport: "ws" }), "x"), /field transport/);
  assert.throws(() => parseRunConfig("{", "x"), { name: "SyntaxError", message: /^RunConfig x is not JSON/ });
  assert.throws(() => parseRunConfig(JSON.stringify({ ...minimal, schema_version: "v9" }), "x"), /schema_version/);
});

Deno.test("serializeRunConfig is stable: key order does not change the text", () => {
  const a = parseRunConfig(JSON.stringify({ ...minimal, env_vars: { B: "2", A: "1" } }), "a");
  const b = parseRunConfig(JSON.stringify({ env_vars: { A: "1", B: "2" }, ...minimal }), "b");
  assert.equal(serializeRunConfig(a), serializeRunConfig(b));
  assert.match(serializeRunConfig(a), /"A": "1",\n\s+"B": "2"/);
  assert.deepEqual(parseRunConfig(serializeRunConfig(a), "round trip"), a);
});

Deno.test("parseRunConfig reads a RunConfig without schema_version as the unversioned shape and migrates it", () => {
  const { schema_version: _, ...unversioned } = minimal;
  const config = parseRunConfig(JSON.stringify(unversioned), "old.json");
  assert.equal(config.schema_version, RUN_CONFIG_SCHEMA_VERSION);
  assert.equal(config.name, "fetch");
  assert.match(serializeRunConfig(config), /"schema_version": "v0\.1\.0"/);
});

Deno.test("parseRunConfig migrates an older v0.0.x schema_version to the current one", () => {
  for (const version of ["v0.0.1", "0.0.9"]) {
    const config = parseRunConfig(JSON.stringify({ ...minimal, schema_version: version }), "old.json");
    assert.equal(config.schema_version, RUN_CONFIG_SCHEMA_VERSION, version);
  }
});

Deno.test("migrateRunConfig names what changed, and nothing for a current RunConfig", () => {
  const { schema_version: _, ...unversioned } = minimal;
  const old = migrateRunConfig(unversioned, "old.json");
  assert.deepEqual(old.changes, ["schema_version: none → v0.1.0 (the older shape has the same keys)"]);
  assert.equal(old.data.schema_version, RUN_CONFIG_SCHEMA_VERSION);
  assert.equal("schema_version" in unversioned, false, "the input is not mutated");
  assert.deepEqual(migrateRunConfig({ ...minimal, schema_version: "v0.0.3" }, "old.json").changes, [
    "schema_version: v0.0.3 → v0.1.0 (the older shape has the same keys)",
  ]);
  assert.deepEqual(migrateRunConfig(minimal, "new.json"), { data: minimal, changes: [] });
});

Deno.test("parseRunConfig refuses a newer schema_version in one line that says to upgrade thv", () => {
  for (const version of ["v0.3.0", "v0.1.1", "v1.0.0"]) {
    assert.throws(() => parseRunConfig(JSON.stringify({ ...minimal, schema_version: version }), '"x"'), {
      name: "RangeError",
      message: `RunConfig "x" has schema_version ${version}, newer than this thv reads (v0.1.0): upgrade thv`,
    });
  }
});

Deno.test("parseRunConfig refuses a schema_version that is not a version, naming the field", () => {
  for (const version of ["v9", "latest", 1, "v0.1.0-rc.1"]) {
    assert.throws(() => parseRunConfig(JSON.stringify({ ...minimal, schema_version: version }), "x"), {
      name: "TypeError",
      message: /^RunConfig x: field schema_version: .* is not a version like v0\.1\.0$/,
    }, String(version));
  }
});

Deno.test("parseRunConfig reads null as absent, as Go writes an unset pointer, slice or map", () => {
  const config = parseRunConfig(
    JSON.stringify({ ...minimal, permission_profile: null, cmd_args: null, env_vars: null, audit_config: null }),
    "toolhive.json",
  );
  assert.equal(config.permission_profile, undefined);
  assert.deepEqual(config.cmd_args, []);
  assert.deepEqual(config.env_vars, {});
  assert.throws(() => parseRunConfig(JSON.stringify({ ...minimal, image: null }), "x"), /field image/);
});
