import assert from "node:assert/strict";
import { parseRunConfig, RUN_CONFIG_SCHEMA_VERSION, serializeRunConfig } from "./run_config.ts";

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
