/**
 * Fail closed (decision 010) on a real control plane, with the operator under the chart's RBAC and kubectl
 * as the user: an MCPServer asking for what thv does not enforce gets phase Failed, a condition naming the
 * field, a Warning Event and no proxy; removing the field lets it proceed; telemetry is applied, no warning.
 */
import "./harness/quiet_deprecations.ts";
import assert from "node:assert/strict";
import { type ControlPlane, namespaceObjects, REPO_ROOT, startControlPlane, startTestOperator } from "./harness/mod.ts";
import { createLogger } from "../lib/log.ts";
import { proxyChainOf } from "../lib/middleware/mod.ts";
import { parseRunConfig } from "../lib/run_config.ts";

// deno-lint-ignore no-explicit-any
type Json = Record<string, any>;

const NS = "fail-closed";
const RESYNC_MS = 1500;
const REDIS = { sessionStorage: { provider: "redis", address: "redis:6379" } };

/** Each access-guarding field: spec fragment, condition type, reason. */
const REFUSED: Array<[string, Json, string, string]> = [
  ["auth-server", { authServerRef: { name: "as" } }, "AuthServerRefValidated", "AuthServerRefNotSupported"],
  [
    "external-auth",
    { externalAuthConfigRef: { name: "x" } },
    "ExternalAuthConfigValidated",
    "ExternalAuthConfigNotSupported",
  ],
  [
    "rate-limit",
    { ...REDIS, rateLimiting: { shared: { maxTokens: 10, refillPeriod: "1m" } } },
    "RateLimitConfigValid",
    "RateLimitNotSupported",
  ],
  [
    "unknown-profile",
    { permissionProfile: { type: "builtin", name: "strict" } },
    "PermissionProfileValidated",
    "PermissionProfileInvalid",
  ],
];

/** Valid shared configs named by {@linkcode REFUSED}'s references and the telemetry step's. */
const VALID_CONFIGS: Json[] = [
  { kind: "MCPOIDCConfig", name: "oidc", spec: { type: "inline", inline: { issuer: "https://idp.example" } } },
  {
    kind: "MCPAuthzConfig",
    name: "z",
    spec: { type: "cedarv1", config: { policies: ["permit(principal, action, resource);"] } },
  },
  { kind: "MCPWebhookConfig", name: "w", spec: { validating: [{ name: "h", url: "https://hook.example" }] } },
  { kind: "MCPToolConfig", name: "t", spec: { toolsFilter: ["echo"] } },
  { kind: "MCPTelemetryConfig", name: "otel", spec: { prometheus: { enabled: true } } },
  // A type the proxy does not enforce (it does tokenExchange, bearerToken, headerInjection, unauthenticated).
  {
    kind: "MCPExternalAuthConfig",
    name: "x",
    spec: { type: "upstreamInject", upstreamInject: { providerName: "corp" } },
  },
  { kind: "MCPExternalAuthConfig", name: "none", spec: { type: "unauthenticated" } },
  {
    kind: "MCPExternalAuthConfig",
    name: "as",
    spec: {
      type: "embeddedAuthServer",
      embeddedAuthServer: {
        issuer: "https://auth.example.com",
        upstreamProviders: [{
          name: "corp",
          type: "oidc",
          oidcConfig: { issuerUrl: "https://idp.example", clientId: "c" },
        }],
      },
    },
  },
].map(({ kind, name, spec }) => ({
  apiVersion: `toolhive.stacklok.dev/${kind === "MCPWebhookConfig" ? "v1alpha1" : "v1beta1"}`,
  kind,
  metadata: { name },
  spec,
}));

const k = (cp: ControlPlane) => namespaceObjects(cp, NS).run;
const getJson = (cp: ControlPlane, kind: string, name: string) => namespaceObjects(cp, NS).get(kind, name);
const eventually = (cp: ControlPlane, kind: string, name: string, check?: (o: Json) => boolean) =>
  namespaceObjects(cp, NS).eventually(kind, name, check);
const gone = (cp: ControlPlane, kind: string, name: string) => namespaceObjects(cp, NS).gone(kind, name);

const condition = (o: Json, type: string): Json | undefined => o.status?.conditions?.find((c: Json) => c.type === type);

const server = (name: string, spec: Json) =>
  JSON.stringify({
    apiVersion: "toolhive.stacklok.dev/v1beta1",
    kind: "MCPServer",
    metadata: { name },
    spec: { image: "example/mcp:1", ...spec },
  });

Deno.test("operator fails closed on fields thv does not enforce, and proceeds once they are removed", async (t) => {
  await using cp = await startControlPlane();
  const run = k(cp);
  await run(["apply", "--server-side", "-f", `${REPO_ROOT}crds/generated/`]);
  await run(["wait", "--for=condition=Established", "crd/mcpservers.toolhive.stacklok.dev"]);
  await run(["create", "namespace", NS]);
  await using operator = await startTestOperator(cp, { resyncMs: RESYNC_MS });
  const warnings = async (name: string) =>
    (JSON.parse(await run(["get", "events", "-n", NS, "--field-selector", "type=Warning", "-o", "json"]))
      .items as Json[]).filter((e) => e.involvedObject.name === name);

  await t.step("a reference to a missing config shows its own NotFound condition, not a refusal", async () => {
    const missing: Array<[string, Json, string, string]> = [
      [
        "miss-oidc",
        { oidcConfigRef: { name: "oidc", audience: "mcp" } },
        "OIDCConfigRefValidated",
        "OIDCConfigRefNotFound",
      ],
      ["miss-authz", { authzConfigRef: { name: "z" } }, "AuthzConfigRefValidated", "AuthzConfigRefNotFound"],
      ["miss-hook", { webhookConfigRef: { name: "w" } }, "WebhookConfigValidated", "WebhookConfigNotFound"],
      ["miss-tools", { toolConfigRef: { name: "t" } }, "ToolConfigValidated", "ToolConfigNotFound"],
    ];
    for (const [name, spec] of missing) await run(["apply", "-n", NS, "-f", "-"], server(name, spec));
    for (const [name, , type, reason] of missing) {
      const failed = await eventually(cp, "mcpserver", name, (o) => o.status?.phase === "Failed");
      assert.deepEqual([condition(failed, type)?.status, condition(failed, type)?.reason], ["False", reason], name);
      assert.doesNotMatch(failed.status.message, /does not enforce/, name);
    }
    for (const [name] of missing) await run(["delete", "mcpserver", name, "-n", NS]);
  });

  await t.step("each field: phase Failed, a condition naming it, a Warning Event, and no proxy", async () => {
    // The shared configs the refused servers reference exist and are valid: the refusal is about enforcement.
    for (const config of VALID_CONFIGS) await run(["apply", "-n", NS, "-f", "-"], JSON.stringify(config));
    for (const config of VALID_CONFIGS) {
      await eventually(
        cp,
        config.kind.toLowerCase(),
        config.metadata.name,
        (o) => condition(o, "Valid")?.status === "True",
      );
    }
    for (const [name, spec] of REFUSED) await run(["apply", "-n", NS, "-f", "-"], server(name, spec));
    // The plain server is the control: the same operator gives it a Deployment.
    await run(["apply", "-n", NS, "-f", "-"], server("plain", {}));
    await eventually(cp, "deployment", "plain", () => true);
    // An external auth type the proxy enforces is not refused.
    await run(["apply", "-n", NS, "-f", "-"], server("unauthenticated", { externalAuthConfigRef: { name: "none" } }));
    await eventually(cp, "deployment", "unauthenticated", () => true);
    // Audit and webhooks are enforced by the proxy: they reach its RunConfig.
    await run(["apply", "-n", NS, "-f", "-"], server("audited", { audit: { enabled: true } }));
    await run(["apply", "-n", NS, "-f", "-"], server("hooked", { webhookConfigRef: { name: "w" } }));
    const runConfigOf = async (name: string) =>
      JSON.parse((await eventually(cp, "configmap", `${name}-runconfig`, () => true)).data["runconfig.json"]);
    assert.deepEqual((await runConfigOf("audited")).audit_config, { enabled: true });
    assert.equal((await runConfigOf("hooked")).validating_webhooks?.[0]?.url, "https://hook.example");
    await eventually(cp, "deployment", "audited", () => true);
    await eventually(cp, "deployment", "hooked", () => true);
    for (const [name, , type, reason] of REFUSED) {
      const failed = await eventually(cp, "mcpserver", name, (o) => o.status?.phase === "Failed");
      const c = condition(failed, type);
      assert.equal(c?.status, "False", `${name}: ${type}`);
      assert.equal(c?.reason, reason, name);
      assert.match(c.message, /^spec\.\S+ .*so no proxy runs: /, name);
      assert.equal(failed.status.message, c.message, name);
      assert.equal(condition(failed, "Ready")?.status, "False");
      for (
        const [kind, child] of [["deployment", name], ["service", `mcp-${name}-proxy`], [
          "configmap",
          `${name}-runconfig`,
        ]]
      ) {
        assert.equal(await getJson(cp, kind!, child!), undefined, `${name}: no ${kind} ${child}`);
      }
      const events = await warnings(name);
      assert.ok(events.some((e) => e.reason === reason && e.message === c.message), `${name}: Warning ${reason}`);
    }
  });

  await t.step(
    "a valid oidcConfigRef runs, with oidc_config in the RunConfig its proxy enforces",
    async () => {
      await run(
        ["apply", "-n", NS, "-f", "-"],
        server("with-oidc", { oidcConfigRef: { name: "oidc", audience: "mcp" } }),
      );
      await eventually(cp, "deployment", "with-oidc", () => true);
      const ok = await eventually(
        cp,
        "mcpserver",
        "with-oidc",
        (o) => condition(o, "OIDCConfigRefValidated") !== undefined,
      );
      assert.equal(condition(ok, "OIDCConfigRefValidated")?.reason, "OIDCConfigRefValid");
      assert.notEqual(ok.status.phase, "Failed");
      const cm = await eventually(cp, "configmap", "with-oidc-runconfig", () => true);
      const runConfig = parseRunConfig(cm.data["runconfig.json"], "with-oidc-runconfig");
      const oidc = runConfig.oidc_config;
      assert.deepEqual([oidc?.Issuer, oidc?.Audience], ["https://idp.example", "mcp"]);
      // The proxy in the pod builds its chain from it: authentication, nothing refused.
      const chain = await proxyChainOf(runConfig, { log: createLogger({ format: "text", level: "error" }), env: {} });
      assert.deepEqual(chain?.stages, ["authentication"]);
      await chain?.close();
      await run(["delete", "mcpserver", "with-oidc", "-n", NS]);
    },
  );

  await t.step("a running server that gains rateLimiting loses its proxy, and gets it back without it", async () => {
    for (
      const [kind, child] of [["deployment", "plain"], ["service", "mcp-plain-proxy"], ["configmap", "plain-runconfig"]]
    ) {
      await eventually(cp, kind!, child!, () => true);
    }
    await run([
      "patch",
      "mcpserver",
      "plain",
      "-n",
      NS,
      "--type=merge",
      "-p",
      JSON.stringify({ spec: { ...REDIS, rateLimiting: { shared: { maxTokens: 10, refillPeriod: "1m" } } } }),
    ]);
    await gone(cp, "deployment", "plain");
    await gone(cp, "service", "mcp-plain-proxy");
    await gone(cp, "configmap", "plain-runconfig");
    const failed = await eventually(cp, "mcpserver", "plain", (o) => o.status?.phase === "Failed");
    assert.equal(condition(failed, "RateLimitConfigValid")?.reason, "RateLimitNotSupported");

    await run([
      "patch",
      "mcpserver",
      "plain",
      "-n",
      NS,
      "--type=json",
      "-p",
      '[{"op":"remove","path":"/spec/rateLimiting"},{"op":"remove","path":"/spec/sessionStorage"}]',
    ]);
    const back = await eventually(cp, "mcpserver", "plain", (o) => o.status?.phase === "Pending");
    assert.equal(back.status.message, "MCP server is being created");
    assert.equal(condition(back, "RateLimitConfigValid"), undefined, "the condition goes with the field");
    await eventually(cp, "deployment", "plain", () => true);
    await eventually(cp, "service", "mcp-plain-proxy", () => true);
  });

  await t.step("a configmap profile no NetworkPolicy can express is refused until it opens the network", async () => {
    const profile = (body: Json) =>
      JSON.stringify({
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: "profile" },
        data: { "profile.json": JSON.stringify(body) },
      });
    await run(["apply", "-n", NS, "-f", "-"], profile({ network: { outbound: { allow_host: ["api.example.com"] } } }));
    await run(
      ["apply", "-n", NS, "-f", "-"],
      server("restricted", { permissionProfile: { type: "configmap", name: "profile", key: "profile.json" } }),
    );
    const failed = await eventually(cp, "mcpserver", "restricted", (o) => o.status?.phase === "Failed");
    assert.match(
      condition(failed, "PermissionProfileValidated")?.message,
      /ConfigMap profile key profile\.json: network\.outbound\.allow_host \["api\.example\.com"\] are host names/,
    );
    assert.equal(await getJson(cp, "deployment", "restricted"), undefined);
    await run(["apply", "-n", NS, "-f", "-"], profile({ network: { outbound: { insecure_allow_all: true } } }));
    const deployment = await eventually(cp, "deployment", "restricted", () => true);
    const mounts = deployment.spec.template.spec.containers[0].volumeMounts.map((m: Json) => m.mountPath);
    assert.deepEqual(mounts, ["/etc/runconfig", "/etc/toolhive/profiles"], "the profile is mounted for the runner");
    const ok = await eventually(cp, "mcpserver", "restricted", (o) => o.status?.phase === "Pending");
    assert.equal(condition(ok, "PermissionProfileValidated"), undefined);
  });

  await t.step("telemetryConfigRef is applied: a valid condition, no warning, the metrics port exposed", async () => {
    await run(["apply", "-n", NS, "-f", "-"], server("telemetry", { telemetryConfigRef: { name: "otel" } }));
    const deployment = await eventually(cp, "deployment", "telemetry", () => true);
    const ports = deployment.spec.template.spec.containers[0].ports.map((p: Json) => `${p.name}:${p.containerPort}`);
    assert.ok(ports.includes("metrics:9464"), `Prometheus is on in MCPTelemetryConfig otel: ${ports}`);
    const status = await eventually(
      cp,
      "mcpserver",
      "telemetry",
      (o) => condition(o, "TelemetryConfigRefValidated") !== undefined,
    );
    assert.equal(status.status.phase, "Pending");
    const c = condition(status, "TelemetryConfigRefValidated")!;
    assert.deepEqual([c.status, c.reason], ["True", "TelemetryConfigRefValid"]);
    const events = await warnings("telemetry");
    assert.deepEqual(events.filter((e) => e.reason === "TelemetryConfigRefNotApplied"), []);
  });

  await t.step("refused and warned servers cause no writes over two resync periods", async () => {
    const write = 'thv_operator_api_requests_total{verb="write"}';
    const reconciles = "thv_operator_reconciles_total";
    const [writesBefore, passesBefore] = [await operator.metric(write), await operator.metric(reconciles)];
    await new Promise((r) => setTimeout(r, RESYNC_MS * 2.5)); // absence of writes: nothing to poll for
    assert.ok((await operator.metric(reconciles)) > passesBefore, "resyncs happened");
    assert.equal(await operator.metric(write), writesBefore, "no write requests");
  });

  await t.step("no reconcile failed", async () => {
    const metrics = await (await fetch(`${operator.healthUrl}/metrics`)).text();
    assert.match(metrics, /^thv_operator_reconcile_errors_total 0$/m);
  });
});
