import assert from "node:assert/strict";
import { mcpServer } from "../testing/servers.ts";
import { cidrOf, desiredNetworkPolicy, profileNetwork } from "./network_policy.ts";
import { desiredChildren } from "./mod.ts";

const configmap = { permissionProfile: { type: "configmap", name: "p", key: "profile.json" } };
const proxyLabels = {
  app: "mcpserver",
  "app.kubernetes.io/name": "mcpserver",
  "app.kubernetes.io/instance": "fetch",
  toolhive: "true",
  "toolhive-name": "fetch",
};

Deno.test("cidrOf accepts IPv4 and IPv6 addresses and blocks, canonical, and nothing else", () => {
  const table: Array<[string, string | undefined]> = [
    ["10.0.0.1", "10.0.0.1/32"],
    ["10.1.2.3/16", "10.1.0.0/16"],
    ["0.0.0.0/0", "0.0.0.0/0"],
    ["192.168.7.255/23", "192.168.6.0/23"],
    ["2001:db8::1", "2001:db8::1/128"],
    ["[2001:db8::1]", "2001:db8::1/128"],
    ["2001:DB8:0:0:1::/64", "2001:db8::/64"],
    ["::/0", "::/0"],
    ["fe80::1:2:3:4/100", "fe80::1:2:0:0/100"],
    ["256.0.0.1", undefined],
    ["010.0.0.1", undefined],
    ["10.0.0.1/33", undefined],
    ["10.0.0", undefined],
    ["2001:db8::1/129", undefined],
    ["api.example.com", undefined],
    ["*.example.com", undefined],
    ["", undefined],
  ];
  for (const [entry, want] of table) assert.equal(cidrOf(entry), want, entry);
});

Deno.test("profileNetwork: builtin, configmap and missing profiles", () => {
  const table: Array<[string, Record<string, unknown>, string | undefined, unknown]> = [
    ["no profile: no policy", {}, undefined, undefined],
    ["none: no egress", { permissionProfile: { type: "builtin", name: "none" } }, undefined, []],
    ["network: all egress", { permissionProfile: { type: "builtin", name: "network" } }, undefined, "all"],
    ["missing configmap text: nothing", configmap, undefined, []],
    ["empty profile: nothing", configmap, "{}", []],
    ["outbound without hosts: nothing", configmap, JSON.stringify({ network: { outbound: {} } }), []],
    [
      "insecure_allow_all wins over hosts",
      configmap,
      JSON.stringify({ network: { outbound: { insecure_allow_all: true, allow_host: ["a.example"] } } }),
      "all",
    ],
    [
      "hosts without ports: every port",
      configmap,
      JSON.stringify({ network: { outbound: { allow_host: ["10.0.0.9", "10.0.0.9/32", "fd00::/8"] } } }),
      [{ to: [{ ipBlock: { cidr: "10.0.0.9/32" } }, { ipBlock: { cidr: "fd00::/8" } }] }],
    ],
    [
      "hosts on ports, TCP, sorted and unique",
      configmap,
      JSON.stringify({ network: { outbound: { allow_host: ["172.16.0.0/12"], allow_port: [8443, 443, 443] } } }),
      [{
        to: [{ ipBlock: { cidr: "172.16.0.0/12" } }],
        ports: [{ protocol: "TCP", port: 443 }, { protocol: "TCP", port: 8443 }],
      }],
    ],
  ];
  for (const [what, spec, text, want] of table) {
    const got = profileNetwork(mcpServer(spec), text);
    if (want === undefined) {
      assert.equal(got, undefined, what);
      continue;
    }
    assert.ok(got?.ok, what);
    assert.deepEqual(got.egress.all ? "all" : got.egress.rules, want, what);
  }
});

Deno.test("profileNetwork refuses what a NetworkPolicy cannot express, naming the field and what to do", () => {
  const table: Array<[string, Record<string, unknown>, string | undefined, string, RegExp]> = [
    [
      "host names",
      configmap,
      JSON.stringify({ network: { outbound: { allow_host: ["10.0.0.1", "api.example.com"] } } }),
      "NetworkRestrictionNotExpressible",
      /network\.outbound\.allow_host \["api\.example\.com"\] are host names.*: list IP addresses or CIDR blocks/,
    ],
    [
      "ports without hosts",
      configmap,
      JSON.stringify({ network: { outbound: { allow_port: [443] } } }),
      "NetworkRestrictionNotExpressible",
      /network\.outbound\.allow_port \[443\] has no allow_host/,
    ],
    [
      "inbound hosts",
      configmap,
      JSON.stringify({ network: { inbound: { allow_host: ["10.0.0.1"] } } }),
      "NetworkRestrictionNotExpressible",
      /network\.inbound\.allow_host cannot be enforced.*: remove network\.inbound\.allow_host$/,
    ],
    [
      "unknown builtin",
      { permissionProfile: { type: "builtin", name: "strict" } },
      undefined,
      "PermissionProfileInvalid",
      /builtin "strict" is not a builtin profile/,
    ],
    ["not JSON", configmap, "{", "PermissionProfileInvalid", /ConfigMap p key profile\.json is not JSON/],
    [
      "pod patch labels that move the MCP pod out of the policy",
      {
        permissionProfile: { type: "builtin", name: "none" },
        podTemplateSpec: { metadata: { labels: { "app.kubernetes.io/name": "mcpserver", team: "a" } } },
      },
      undefined,
      "NetworkPolicyLabelConflict",
      /spec\.podTemplateSpec\.metadata\.labels \["app\.kubernetes\.io\/name"\]/,
    ],
  ];
  for (const [what, spec, text, reason, message] of table) {
    const got = profileNetwork(mcpServer(spec), text);
    assert.ok(got && !got.ok, what);
    assert.equal(got.reason, reason, what);
    assert.match(got.message, message, what);
    assert.match(got.message, /so no proxy runs|: fix it$/, what);
  }
});

Deno.test("desiredNetworkPolicy selects the MCP pod, not the proxy, and admits only the proxy on the MCP port", () => {
  const server = mcpServer({ transport: "streamable-http", mcpPort: 9000 });
  const policy = desiredNetworkPolicy(server, { all: false, rules: [] });
  assert.equal(policy.metadata.name, "mcp-fetch-network");
  assert.equal(policy.metadata.namespace, "tools");
  assert.equal(policy.metadata.ownerReferences?.[0]?.uid, server.metadata.uid);
  assert.equal(policy.metadata.ownerReferences?.[0]?.controller, true);
  assert.equal(policy.metadata.labels?.toolhive, "true");
  assert.deepEqual(policy.spec.podSelector, {
    matchLabels: { app: "fetch", "toolhive-name": "fetch" },
    matchExpressions: [{ key: "app.kubernetes.io/name", operator: "NotIn", values: ["mcpserver"] }],
  });
  assert.deepEqual(policy.spec.policyTypes, ["Ingress", "Egress"]);
  assert.deepEqual(policy.spec.ingress, [
    { from: [{ podSelector: { matchLabels: proxyLabels } }], ports: [{ protocol: "TCP", port: 9000 }] },
  ]);
  assert.deepEqual(policy.spec.egress, []);
  assert.deepEqual(desiredNetworkPolicy(server, { all: true }).spec.egress, [{}], "network: every destination");
});

Deno.test("desiredNetworkPolicy gives a stdio MCP pod no ingress at all (attach goes through the kubelet)", () => {
  const policy = desiredNetworkPolicy(mcpServer({ transport: "stdio" }), { all: true });
  assert.deepEqual(policy.spec.ingress, []);
  assert.deepEqual(policy.spec.policyTypes, ["Ingress", "Egress"]);
});

Deno.test("desiredChildren adds the NetworkPolicy first exactly when the profile is enforceable", () => {
  const kinds = (spec: Record<string, unknown>, profileJson?: string) => {
    const d = desiredChildren(mcpServer(spec), { runnerImage: "thv:1", ...(profileJson ? { profileJson } : {}) });
    assert.ok(d.ok);
    return d.objects.map((o) => o.kind);
  };
  assert.ok(!kinds({}).includes("NetworkPolicy"), "no profile, no policy");
  assert.equal(kinds({ permissionProfile: { type: "builtin", name: "none" } })[0], "NetworkPolicy");
  assert.equal(kinds(configmap)[0], "NetworkPolicy", "a configmap not read yet allows nothing");
  const names = JSON.stringify({ network: { outbound: { allow_host: ["a.example"] } } });
  assert.ok(!kinds(configmap, names).includes("NetworkPolicy"), "refused (unenforced.ts): nothing to enforce");
});
