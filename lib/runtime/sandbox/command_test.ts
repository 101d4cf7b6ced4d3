import assert from "node:assert/strict";
import { RUN_CONFIG_SCHEMA_VERSION, RunConfig } from "../../run_config.ts";
import { sandboxCommand } from "./command.ts";
import type { PreparedPackage } from "./prepare.ts";

const config = (extra: Record<string, unknown> = {}) =>
  RunConfig.parse({
    schema_version: RUN_CONFIG_SCHEMA_VERSION,
    name: "everything",
    image: "npx://@modelcontextprotocol/server-everything@2026.8.31",
    transport: "stdio",
    port: 8080,
    ...extra,
  });
const pkg: PreparedPackage = {
  ref: { kind: "npm", name: "@modelcontextprotocol/server-everything", version: "2026.8.31" },
  main: "npm:@modelcontextprotocol/server-everything@2026.8.31/mcp-server-everything",
  dir: "/cache/deno/npm/registry.npmjs.org/@modelcontextprotocol/server-everything/2026.8.31",
  version: "2026.8.31",
  registryUrl: "https://registry.npmjs.org/",
};
const base = { package: pkg, denoDir: "/cache/deno", workDir: "/w", denoPath: "/bin/deno", landlock: false };

Deno.test("sandboxCommand runs the cached package with no prompt, config or lock, the preload and the flags", () => {
  const cmd = sandboxCommand(config({ cmd_args: ["stdio", "--flag"] }), base);
  assert.equal(cmd.command, "/bin/deno");
  assert.equal(cmd.cwd, "/w/home");
  assert.deepEqual(cmd.args, [
    "run",
    "--no-prompt",
    "--no-config",
    "--no-lock",
    "--cached-only",
    "--preload=/w/loopback_preload.mjs",
    "--allow-env",
    "--allow-sys=homedir",
    `--allow-read=/w/home,/w/tmp,${pkg.dir}`,
    "--allow-write=/w/home,/w/tmp",
    pkg.main,
    "stdio",
    "--flag",
  ]);
});

Deno.test("sandboxCommand passes exactly env_vars plus the runtime's variables, which win", () => {
  const cmd = sandboxCommand(config({ env_vars: { API_KEY: "k", HOME: "/root", DENO_DIR: "/elsewhere" } }), {
    ...base,
    hostEnv: { DENO_CERT: "/etc/ca.pem", PATH: "/usr/bin", SECRET: "s" },
  });
  assert.deepEqual(cmd.env, {
    API_KEY: "k",
    HOME: "/w/home",
    TMPDIR: "/w/tmp",
    DENO_DIR: "/cache/deno",
    NO_COLOR: "1",
    DENO_CERT: "/etc/ca.pem",
    MCP_TRANSPORT: "stdio",
  });
});

Deno.test("sandboxCommand gives an HTTP server its loopback port through env and net permission", () => {
  const cmd = sandboxCommand(config({ transport: "streamable-http", cmd_args: ["streamableHttp"] }), {
    ...base,
    hostPort: 41000,
    package: { ...pkg, registryUrl: "https://npm.example.com/" },
  });
  assert.ok(cmd.args.includes("--allow-net=unix:/w/listen/mcp.sock"), cmd.args.join(" "));
  assert.equal(cmd.args.at(-1), "streamableHttp");
  assert.deepEqual(
    [cmd.env?.PORT, cmd.env?.MCP_PORT, cmd.env?.FASTMCP_PORT, cmd.env?.MCP_HOST, cmd.env?.MCP_TRANSPORT],
    ["41000", "41000", "41000", "127.0.0.1", "streamable-http"],
  );
  assert.equal(cmd.env?.NPM_CONFIG_REGISTRY, "https://npm.example.com/");
});

Deno.test("with Landlock the command is the launcher, whose plan grants the runtime, the cache and the workload's paths", () => {
  const plain = sandboxCommand(config({ volumes: ["/data:ro", "/out"] }), base);
  const cmd = sandboxCommand(config({ volumes: ["/data:ro", "/out"] }), {
    ...base,
    landlock: true,
    hostEnv: { SSL_CERT_FILE: "/etc/certs.pem" },
  });
  assert.equal(cmd.command, "/bin/deno");
  assert.deepEqual(cmd.args.slice(0, -1), [
    "run",
    "--no-prompt",
    "--no-config",
    "--no-lock",
    "--allow-ffi",
    "--allow-env",
    "/w/sandbox_launcher.mjs",
  ]);
  assert.equal(cmd.cwd, "/w/home");
  assert.equal(cmd.env?.HOME, "/w/home");
  const plan = JSON.parse(cmd.args.at(-1)!);
  assert.deepEqual(plan.exec, { path: "/bin/deno", argv: ["deno", ...plain.args] });
  assert.equal(plan.noTcp, true, "no network granted: no TCP at all");
  assert.equal(plan.noUnixSockets, true, "a stdio server needs no unix socket");
  const granted = (access: string) =>
    plan.rules.filter((r: { access: string; optional?: boolean }) => r.access === access && !r.optional).map((
      r: { path: string },
    ) => r.path);
  assert.deepEqual(granted("rw"), ["/w/home", "/w/tmp", "/out"]);
  assert.deepEqual(granted("ro"), ["/cache/deno", pkg.dir, "/data"]);
  assert.deepEqual(granted("rx"), ["/bin/deno"]);
  const optional = plan.rules.filter((r: { optional?: boolean }) => r.optional).map((r: { path: string }) => r.path);
  for (const p of ["/w/loopback_preload.mjs", "/etc/certs.pem", "/usr/lib", "/etc/resolv.conf", "/dev/urandom"]) {
    assert.ok(optional.includes(p), `${p} in ${optional}`);
  }
  const network = sandboxCommand(config({ permission_profile_name_or_path: "network" }), { ...base, landlock: true });
  assert.equal(JSON.parse(network.args.at(-1)!).noTcp, false);
  assert.equal(JSON.parse(network.args.at(-1)!).noInet6, true, "the local IPv6 ranges cannot be denied: no IPv6");
  assert.equal(plan.noInet6, false, "no network at all: no --deny-net, nothing to close");
  const v6 = { allow_host: ["[2001:db8::1]"], allow_port: [443] };
  const named = sandboxCommand(config({ permission_profile: { network: { outbound: v6 } } }), {
    ...base,
    landlock: true,
  });
  assert.equal(JSON.parse(named.args.at(-1)!).noInet6, false, "an IPv6 address granted by name stays reachable");
  const http = sandboxCommand(config({ transport: "streamable-http" }), { ...base, landlock: true, hostPort: 41000 });
  const httpPlan = JSON.parse(http.args.at(-1)!);
  assert.equal(httpPlan.noTcp, true, "its own socket is all an HTTP server under none needs");
  assert.equal(httpPlan.noUnixSockets, false, "it listens on a unix socket");
  assert.ok(httpPlan.rules.some((r: { path: string; access: string }) => r.path === "/w/listen" && r.access === "rw"));
});
