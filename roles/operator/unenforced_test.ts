import assert from "node:assert/strict";
import { computeStatus } from "./status.ts";
import { mcpServer } from "./testing/servers.ts";
import { refusedMessage, UNENFORCED_CONDITION_TYPES, unenforcedFields } from "./unenforced.ts";

const now = new Date("2026-11-21T10:00:00Z");
const redis = { sessionStorage: { provider: "redis", address: "redis:6379" } };

/** Each access-guarding field, as a spec fragment that the schema accepts. */
const GUARDED: Array<[string, Record<string, unknown>, string, string]> = [
  ["spec.authServerRef", { authServerRef: { name: "as" } }, "AuthServerRefValidated", "AuthServerRefNotSupported"],
  [
    "spec.externalAuthConfigRef",
    { externalAuthConfigRef: { name: "x" } },
    "ExternalAuthConfigValidated",
    "ExternalAuthConfigNotSupported",
  ],
  [
    "spec.rateLimiting",
    { ...redis, rateLimiting: { shared: { maxTokens: 10, refillPeriod: "1m" } } },
    "RateLimitConfigValid",
    "RateLimitNotSupported",
  ],
  [
    "spec.permissionProfile",
    { permissionProfile: { type: "builtin", name: "strict" } },
    "PermissionProfileValidated",
    "PermissionProfileInvalid",
  ],
];

Deno.test("authorization is enforced now: spec.authzConfig and spec.authzConfigRef are not refused", () => {
  const inline = { authzConfig: { type: "inline", inline: { policies: ["permit(principal, action, resource);"] } } };
  assert.deepEqual(unenforcedFields(mcpServer(inline)).refused, []);
  assert.deepEqual(unenforcedFields(mcpServer({ authzConfigRef: { name: "z" } })).refused, []);
});

Deno.test("unenforcedFields refuses every access-guarding field, naming it in the condition", () => {
  for (const [field, spec, type, reason] of GUARDED) {
    const { refused } = unenforcedFields(mcpServer(spec));
    assert.equal(refused.length, 1, field);
    assert.equal(refused[0]!.field, field);
    assert.equal(refused[0]!.conditionType, type);
    assert.equal(refused[0]!.conditionStatus, "False");
    assert.equal(refused[0]!.reason, reason);
    assert.ok(refused[0]!.message.startsWith(`${field} `) || refused[0]!.message.startsWith(`${field}:`), field);
    assert.match(refused[0]!.message, /so no proxy runs: /, field);
    assert.ok(UNENFORCED_CONDITION_TYPES.has(type));
  }
});

Deno.test("unenforcedFields lets a plain server, audit, webhooks and the none and network profiles through", () => {
  for (
    const spec of [
      {},
      { audit: { enabled: false } },
      { audit: { enabled: true } },
      { webhookConfigRef: { name: "w" } },
      { permissionProfile: { type: "builtin", name: "network" } },
      { permissionProfile: { type: "builtin", name: "none" } },
      { trustProxyHeaders: true, endpointPrefix: "/x" },
    ]
  ) {
    assert.deepEqual(unenforcedFields(mcpServer(spec)), { refused: [], notApplied: [] }, JSON.stringify(spec));
  }
});

Deno.test("unenforcedFields reads a configmap profile: only what a NetworkPolicy cannot express is refused", () => {
  const server = mcpServer({ permissionProfile: { type: "configmap", name: "p", key: "profile.json" } });
  const open = JSON.stringify({ network: { outbound: { insecure_allow_all: true } }, read: ["/data"] });
  assert.deepEqual(unenforcedFields(server, { profileJson: open }).refused, []);
  assert.deepEqual(unenforcedFields(server, { profileJson: "{}" }).refused, [], "no network at all is enforced");
  const cidrs = JSON.stringify({ network: { outbound: { allow_host: ["10.1.0.0/16"], allow_port: [443] } } });
  assert.deepEqual(unenforcedFields(server, { profileJson: cidrs }).refused, [], "CIDRs and ports are enforced");
  assert.deepEqual(unenforcedFields(server, {}).refused, [], "a missing ConfigMap is a missing reference instead");
  const table: Array<[string, string, RegExp]> = [
    [
      JSON.stringify({ network: { outbound: { allow_host: ["api.example.com"] } } }),
      "NetworkRestrictionNotExpressible",
      /ConfigMap p key profile\.json: network\.outbound\.allow_host \["api\.example\.com"\] are host names/,
    ],
    [
      JSON.stringify({ network: { outbound: { insecure_allow_all: true }, inbound: { allow_host: ["10.0.0.1"] } } }),
      "NetworkRestrictionNotExpressible",
      /network\.inbound\.allow_host cannot be enforced/,
    ],
    ["{not json", "PermissionProfileInvalid", /is not JSON .*: fix it$/],
    [JSON.stringify({ read: "x" }), "PermissionProfileInvalid", /field read: .*: fix it$/],
  ];
  for (const [text, reason, message] of table) {
    const { refused } = unenforcedFields(server, { profileJson: text });
    assert.equal(refused[0]?.reason, reason, text);
    assert.match(refused[0]!.message, message, text);
  }
});

Deno.test("unenforcedFields runs a server with session storage, saying it is not applied; telemetry is applied", () => {
  const { refused, notApplied } = unenforcedFields(
    mcpServer({ telemetryConfigRef: { name: "otel" }, ...redis }),
  );
  assert.deepEqual(refused, []);
  assert.deepEqual(notApplied.map((n) => [n.field, n.conditionType, n.conditionStatus, n.reason]), [
    ["spec.sessionStorage", "SessionStorageWarning", "True", "SessionStorageNotApplied"],
  ]);
});

Deno.test("refusedMessage names every refused field", () => {
  const { refused } = unenforcedFields(
    mcpServer({ authServerRef: { name: "as" }, permissionProfile: { type: "builtin", name: "strict" } }),
  );
  assert.match(
    refusedMessage(refused),
    /^spec\.authServerRef, spec\.permissionProfile ask for what thv does not enforce yet/,
  );
});

Deno.test("computeStatus fails a refused server with one condition per field, and clears them when removed", () => {
  const server = mcpServer({ authServerRef: { name: "as" }, permissionProfile: { type: "builtin", name: "strict" } });
  const failed = computeStatus(server, { pods: [], missing: [], now, unenforced: unenforcedFields(server) });
  assert.equal(failed.phase, "Failed");
  assert.match(failed.message!, /^spec\.authServerRef, spec\.permissionProfile ask for/);
  const byType = Object.fromEntries(failed.conditions!.map((c) => [c.type, c]));
  assert.equal(byType.AuthServerRefValidated?.reason, "AuthServerRefNotSupported");
  assert.equal(byType.PermissionProfileValidated?.reason, "PermissionProfileInvalid");
  assert.equal(byType.Ready?.status, "False");
  assert.equal(byType.Ready?.message, failed.message);

  const fixed = mcpServer({}, { generation: 2 });
  const recovered = computeStatus({ ...fixed, status: failed }, {
    pods: [],
    missing: [],
    now,
    unenforced: unenforcedFields(fixed),
  });
  assert.equal(recovered.phase, "Pending");
  assert.equal(recovered.message, "MCP server is being created");
  assert.deepEqual(
    recovered.conditions!.map((c) => c.type),
    ["PodTemplateValid", "ReferencesResolved", "Ready"].sort(),
  );
});

Deno.test("computeStatus gives a telemetry server no not-applied condition: the proxy applies it", () => {
  const server = mcpServer({ telemetryConfigRef: { name: "otel" } });
  const status = computeStatus(server, { pods: [], missing: [], now, unenforced: unenforcedFields(server) });
  assert.equal(status.phase, "Pending");
  assert.equal(status.conditions!.find((c) => c.reason === "TelemetryConfigRefNotApplied"), undefined);
});

Deno.test("external auth, auth server and telemetry refs that resolve missing or invalid report only themselves", () => {
  const server = mcpServer({
    externalAuthConfigRef: { name: "gone" },
    authServerRef: { name: "gone" },
    telemetryConfigRef: { name: "gone" },
  });
  const valid = unenforcedFields(server);
  assert.deepEqual(valid.refused.map((r) => r.field), ["spec.authServerRef", "spec.externalAuthConfigRef"]);
  assert.deepEqual(valid.notApplied, []);
  const unresolved = ["ExternalAuthConfigValidated", "AuthServerRefValidated", "TelemetryConfigRefValidated"];
  const failed = unenforcedFields(server, { unresolved });
  assert.deepEqual(failed.refused, []);
  assert.deepEqual(failed.notApplied, []);
});

Deno.test("externalAuthConfigRef is refused only for types the proxy does not enforce, naming the type", () => {
  const server = mcpServer({ externalAuthConfigRef: { name: "x" } });
  for (const type of ["tokenExchange", "bearerToken", "headerInjection", "unauthenticated"]) {
    assert.deepEqual(unenforcedFields(server, { externalAuthType: type }).refused, [], type);
  }
  for (const [type, what] of [["awsSts", "AWS STS credentials"], ["upstreamInject", "upstream token injection"]]) {
    const [r] = unenforcedFields(server, { externalAuthType: type }).refused;
    assert.equal(r?.reason, "ExternalAuthConfigNotSupported");
    assert.match(r!.message, new RegExp(`^spec.externalAuthConfigRef asks for ${what} \\(type ${type}\\), which thv`));
  }
  // A caller that does not say the type (a remote proxy, which applies no reference) keeps refusing.
  assert.equal(unenforcedFields(server).refused[0]?.reason, "ExternalAuthConfigNotSupported");
});

Deno.test("a reference that does not resolve is not refused here: its own NotFound/NotValid condition reports it", () => {
  const server = mcpServer({
    authServerRef: { name: "as" },
    ...redis,
    rateLimiting: { shared: { maxTokens: 1, refillPeriod: "1m" } },
  });
  const { refused } = unenforcedFields(server, { unresolved: ["AuthServerRefValidated"] });
  assert.deepEqual(refused.map((r) => r.reason), ["RateLimitNotSupported"]);
});

Deno.test("spec.oidcConfigRef is enforced (lib/auth), so it is neither refused nor reported", () => {
  const { refused, notApplied } = unenforcedFields(mcpServer({ oidcConfigRef: { name: "oidc", audience: "a" } }));
  assert.deepEqual([refused, notApplied], [[], []]);
  assert.ok(!UNENFORCED_CONDITION_TYPES.has("OIDCConfigRefValidated"));
});
