import assert from "node:assert/strict";
import { RUN_CONFIG_SCHEMA_VERSION, type RunConfig } from "../../lib/run_config.ts";
import { forwardedHeaders, remoteServiceHosts } from "./remote.ts";

const config = (headerForward: RunConfig["header_forward"]): RunConfig => ({
  schema_version: RUN_CONFIG_SCHEMA_VERSION,
  name: "weather",
  image: "https://mcp.example.com/mcp",
  transport: "streamable-http",
  cmd_args: [],
  host: "0.0.0.0",
  port: 8080,
  env_vars: {},
  secrets: [],
  volumes: [],
  container_labels: {},
  trust_proxy_headers: false,
  remote_url: "https://mcp.example.com/mcp",
  ...(headerForward ? { header_forward: headerForward } : {}),
});

Deno.test("forwardedHeaders joins plaintext headers and secret ones read from TOOLHIVE_SECRET_<name>", () => {
  const headers = forwardedHeaders(
    config({
      add_plaintext_headers: { "X-Tenant": "acme" },
      add_headers_from_secret: { "X-Api-Key": "HEADER_FORWARD_X_API_KEY_WEATHER" },
    }),
    { TOOLHIVE_SECRET_HEADER_FORWARD_X_API_KEY_WEATHER: "v" },
  );
  assert.deepEqual(headers, { "X-Tenant": "acme", "X-Api-Key": "v" });
  assert.deepEqual(forwardedHeaders(config(undefined), {}), {});
});

Deno.test("forwardedHeaders names the unset variable of a secret header, and no value", () => {
  assert.throws(
    () =>
      forwardedHeaders(config({ add_headers_from_secret: { Authorization: "HEADER_FORWARD_AUTHORIZATION_W" } }), {}),
    /header Authorization needs env TOOLHIVE_SECRET_HEADER_FORWARD_AUTHORIZATION_W/,
  );
});

Deno.test("remoteServiceHosts lists the names of Service mcp-<name>-remote-proxy", () => {
  assert.deepEqual(remoteServiceHosts("w", "ns"), [
    "mcp-w-remote-proxy",
    "mcp-w-remote-proxy.ns",
    "mcp-w-remote-proxy.ns.svc",
    "mcp-w-remote-proxy.ns.svc.cluster.local",
  ]);
});
