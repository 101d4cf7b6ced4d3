import assert from "node:assert/strict";
import { RunConfig } from "../../run_config.ts";
import { bindOf, containerSpec, networkAccess } from "./container_spec.ts";

const config = (over: Record<string, unknown> = {}) =>
  RunConfig.parse({ schema_version: "v0.1.0", name: "fetch", image: "img:1", transport: "stdio", port: 8080, ...over });

Deno.test("containerSpec: a stdio server keeps stdin open, drops every capability, and has no network by default", () => {
  const spec = containerSpec(config({ cmd_args: ["--flag"], env_vars: { B: "2", A: "1" } }));
  assert.equal(spec.name, "fetch");
  assert.deepEqual(spec.Cmd, ["--flag"]);
  assert.deepEqual(spec.Env, ["A=1", "B=2", "MCP_TRANSPORT=stdio"]);
  assert.equal(spec.OpenStdin, true);
  assert.equal(spec.StdinOnce, true);
  assert.equal(spec.Tty, false);
  assert.deepEqual(spec.HostConfig, { CapDrop: ["ALL"], SecurityOpt: ["no-new-privileges"], NetworkMode: "none" });
  assert.deepEqual(spec.Labels, {
    toolhive: "true",
    "toolhive-name": "fetch",
    "toolhive-basename": "fetch",
    "toolhive-transport": "stdio",
    "toolhive-port": "8080",
    "toolhive-network-isolation": "true",
    "toolhive-group": "default",
  });
});

Deno.test("containerSpec: an HTTP server is published on 127.0.0.1 only and told its port", () => {
  const http = { transport: "streamable-http", target_port: 3000, permission_profile_name_or_path: "network" };
  const spec = containerSpec(config(http), { hostPort: 41000 });
  assert.deepEqual(spec.ExposedPorts, { "3000/tcp": {} });
  assert.deepEqual(spec.HostConfig!.PortBindings, { "3000/tcp": [{ HostIp: "127.0.0.1", HostPort: "41000" }] });
  assert.ok(spec.Env!.includes("MCP_PORT=3000") && spec.Env!.includes("MCP_HOST=0.0.0.0"));
  assert.equal(spec.OpenStdin, undefined);
  assert.throws(() => containerSpec(config({ ...http, transport: "sse" })), /a host port to publish it on is needed/);
  assert.throws(
    () => containerSpec(config({ transport: "sse", permission_profile_name_or_path: "none" }), { hostPort: 1 }),
    /allows no network, so it could not be reached: use the network profile/,
  );
});

Deno.test("networkAccess: nothing unless the profile grants it", () => {
  const table: Array<[Record<string, unknown>, string, boolean]> = [
    [{}, "none", true],
    [{ permission_profile_name_or_path: "none" }, "none", true],
    [{ permission_profile_name_or_path: "network" }, "bridge", false],
    [{ permission_profile: { network: { outbound: { insecure_allow_all: true } } } }, "bridge", false],
    [{ permission_profile: { read: ["/data"] } }, "none", true],
  ];
  for (const [over, mode, isolated] of table) {
    assert.deepEqual(networkAccess(config(over)), { mode, isolated }, JSON.stringify(over));
  }
});

Deno.test("networkAccess refuses a profile that limits outbound hosts or ports: containers cannot enforce it", () => {
  for (const outbound of [{ allow_host: ["api.example.com"] }, { allow_port: [443] }]) {
    assert.throws(
      () => networkAccess(config({ permission_profile: { network: { outbound } } })),
      /network\.outbound\.allow_(host|port) cannot be enforced for a container yet.*use --permission-profile network/,
    );
  }
});

Deno.test("mounts: profile reads are read-only, writes and volumes read-write, and escapes are refused", () => {
  const spec = containerSpec(config({
    volumes: ["/srv/cache:/cache", "/srv/ref:/ref:ro"],
    permission_profile: { read: ["/etc/ssl"], write: ["/tmp/out:/out"] },
  }));
  assert.deepEqual(spec.HostConfig!.Binds, [
    "/srv/cache:/cache:rw",
    "/srv/ref:/ref:ro",
    "/etc/ssl:/etc/ssl:ro",
    "/tmp/out:/out:rw",
  ]);
  assert.throws(() => bindOf("/srv/../etc:/x", "ro"), /is not allowed: use absolute paths without '\.\.'/);
  assert.throws(() => bindOf("relative:/x", "ro"), /use absolute paths/);
});
