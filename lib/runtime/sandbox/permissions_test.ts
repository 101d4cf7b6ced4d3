import assert from "node:assert/strict";
import { RUN_CONFIG_SCHEMA_VERSION, RunConfig } from "../../run_config.ts";
import { localDenyList } from "./local_ranges.ts";
import { denoHost, hostPathOf, sandboxPermissionFlags, sandboxProfile } from "./permissions.ts";

const config = (extra: Record<string, unknown> = {}) =>
  RunConfig.parse({
    schema_version: RUN_CONFIG_SCHEMA_VERSION,
    name: "probe",
    image: "npx://probe",
    transport: "stdio",
    port: 8080,
    ...extra,
  });
const own = ["--allow-env", "--allow-sys=homedir"];
const rw = "/w/home,/w/tmp";
const sock = "/w/listen/mcp.sock";
const internet = ["--allow-net", `--deny-net=${localDenyList([]).join(",")}`];

Deno.test("sandboxPermissionFlags grants per profile exactly what the table says", () => {
  const http = { transport: "streamable-http" };
  const table: Array<[string, Record<string, unknown>, { hostPort?: number; packageDir?: string }, string[]]> = [
    ["no profile is none", {}, {}, [`--allow-read=${rw}`, `--allow-write=${rw}`]],
    ["none", { permission_profile_name_or_path: "none" }, {}, [`--allow-read=${rw}`, `--allow-write=${rw}`]],
    ["network means the internet", { permission_profile_name_or_path: "network" }, {}, [
      `--allow-read=${rw}`,
      `--allow-write=${rw}`,
      ...internet,
    ]],
    ["the package folder is readable", {}, { packageDir: "/cache/npm/x/1.0.0/" }, [
      `--allow-read=${rw},/cache/npm/x/1.0.0`,
      `--allow-write=${rw}`,
    ]],
    ["HTTP under none gets its own socket only", http, { hostPort: 41000 }, [
      `--allow-read=${rw},${sock}`,
      `--allow-write=${rw},${sock}`,
      `--allow-net=unix:${sock}`,
    ]],
    ["HTTP under network", { ...http, permission_profile_name_or_path: "network" }, { hostPort: 41000 }, [
      `--allow-read=${rw},${sock}`,
      `--allow-write=${rw},${sock}`,
      ...internet,
    ]],
    [
      "hosts without ports: any port",
      {
        permission_profile: { network: { outbound: { allow_host: ["api.github.com", ".example.com", "10.0.0.0/8"] } } },
      },
      {},
      [
        `--allow-read=${rw}`,
        `--allow-write=${rw}`,
        "--allow-net=api.github.com,*.example.com,10.0.0.0/8",
        `--deny-net=${localDenyList(["10.0.0.0/8"]).join(",")}`,
      ],
    ],
    [
      "addresses only: no deny list is needed",
      { permission_profile: { network: { outbound: { allow_host: ["127.0.0.1"], allow_port: [5432] } } } },
      {},
      [`--allow-read=${rw}`, `--allow-write=${rw}`, "--allow-net=127.0.0.1:5432"],
    ],
    [
      "hosts times ports, plus the HTTP port",
      {
        ...http,
        permission_profile: { network: { outbound: { allow_host: ["a.io", "::1"], allow_port: [443, 80] } } },
      },
      { hostPort: 41000 },
      [
        `--allow-read=${rw},${sock}`,
        `--allow-write=${rw},${sock}`,
        `--allow-net=a.io:443,a.io:80,[::1]:443,[::1]:80,unix:${sock}`,
        `--deny-net=${localDenyList(["[::1]:443"]).join(",")}`,
      ],
    ],
    [
      "insecure_allow_all wins over lists",
      {
        permission_profile: { network: { outbound: { insecure_allow_all: true, allow_host: ["a.io"] } } },
      },
      {},
      [`--allow-read=${rw}`, `--allow-write=${rw}`, ...internet],
    ],
    [
      "an inline profile wins over the name",
      {
        permission_profile_name_or_path: "network",
        permission_profile: { read: ["/data"] },
      },
      {},
      [`--allow-read=${rw},/data`, `--allow-write=${rw}`],
    ],
    [
      "read, write (also readable) and volumes use host paths",
      {
        permission_profile: { read: ["/etc/app:/config", "/srv/ro/"], write: ["/srv/out:/out"] },
        volumes: ["/v/rw:/rw", "/v/ro:/ro:ro"],
      },
      {},
      [
        `--allow-read=${rw},/etc/app,/srv/ro,/srv/out,/v/rw,/v/ro`,
        `--allow-write=${rw},/srv/out,/v/rw`,
      ],
    ],
  ];
  for (const [what, extra, options, want] of table) {
    assert.deepEqual(sandboxPermissionFlags(config(extra), { workDir: "/w/", ...options }), [...own, ...want], what);
  }
});

Deno.test("sandboxPermissionFlags refuses what Deno cannot express, in one line naming the field", () => {
  const table: Array<[Record<string, unknown>, RegExp]> = [
    [{ permission_profile: { network: { outbound: { allow_port: [443] } } } }, /allow_port \[443\] has no allow_host/],
    [{ permission_profile: { network: { outbound: { allow_host: ["a.io:443"] } } } }, /allow_host entry "a.io:443"/],
    [{ permission_profile: { network: { outbound: { allow_host: ["http://a.io"] } } } }, /allow_host entry/],
    [{ permission_profile: { read: ["relative/dir"] } }, /read entry "relative\/dir" is not allowed: use absolute/],
    [{ permission_profile: { read: ["/a/../etc"] } }, /read entry "\/a\/..\/etc" is not allowed/],
    [{ permission_profile: { write: ["/data:/../x"] } }, /write entry "\/data:\/..\/x" is not allowed/],
    [{ permission_profile: { write: ["/a,b"] } }, /a path with a comma/],
    [{ permission_profile: { read: ["volume://cache:/c"] } }, /read entry "volume:\/\/cache:\/c" is not allowed/],
    [{ volumes: ["data:/data"] }, /Volume entry "data:\/data" is not allowed/],
    [{ permission_profile: { privileged: true } }, /asks for privileged: the Deno sandbox has no privileged mode/],
    [{ permission_profile_name_or_path: "/etc/profiles/p.json" }, /"\/etc\/profiles\/p.json" .* is not loaded/],
    [{ transport: "sse" }, /speaks sse: a loopback port to listen on is needed/],
  ];
  for (const [extra, pattern] of table) {
    assert.throws(() => sandboxPermissionFlags(config(extra), { workDir: "/w" }), (e: Error) => {
      assert.match(e.message, pattern);
      assert.ok(!e.message.includes("\n"), e.message);
      return true;
    });
  }
  assert.throws(() => sandboxPermissionFlags(config(), { workDir: "w" }), /work dir "w" is not allowed/);
  assert.throws(
    () => sandboxPermissionFlags(config({ transport: "sse" }), { workDir: `/${"x".repeat(100)}`, hostPort: 41000 }),
    /is longer than a unix socket path may be \(107 bytes\): use a shorter workload name/,
  );
});

Deno.test("denoHost and hostPathOf normalise the forms Deno accepts", () => {
  assert.equal(denoHost("Example.COM"), "Example.COM");
  assert.equal(denoHost("*.example.com"), "*.example.com");
  assert.equal(denoHost(".example.com"), "*.example.com");
  assert.equal(denoHost("192.168.1.2"), "192.168.1.2");
  assert.equal(denoHost("[fd00::1]"), "[fd00::1]");
  assert.throws(() => denoHost("999.1.1.1/40"), /allow_host entry/);
  assert.throws(() => denoHost("999.1.1.1"), /allow_host entry/);
  assert.equal(denoHost("10.0.0.0/8"), "10.0.0.0/8");
  assert.throws(() => denoHost("a..b"), /allow_host entry/);
  assert.equal(hostPathOf("/", "Volume"), "/");
  assert.equal(hostPathOf("/data/:/in", "Volume"), "/data");
});

Deno.test("sandboxProfile maps the built-in names and keeps an inline profile", () => {
  assert.deepEqual(sandboxProfile(config()), {});
  assert.deepEqual(sandboxProfile(config({ permission_profile_name_or_path: "network" })), {
    network: { outbound: { insecure_allow_all: true } },
  });
  assert.deepEqual(sandboxProfile(config({ permission_profile: { write: ["/x"] } })), { write: ["/x"] });
});
