/**
 * MCPTelemetryConfig and MCPExternalAuthConfig on a real control plane: the CRDs establish, every example
 * applies, each CEL rule refuses an invalid manifest with ToolHive's message (and accepts the valid side),
 * defaults are filled in; with the operator under the chart's RBAC: Valid with ToolHive's reasons, a server
 * whose reference is missing fails with the NotFound condition, a valid telemetry reference reaches the
 * RunConfig, and a Secret's value appears in no ConfigMap or Event.
 */
import "./harness/quiet_deprecations.ts";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { namespaceObjects, REPO_ROOT, startControlPlane, startTestOperator } from "./harness/mod.ts";

// deno-lint-ignore no-explicit-any
type Json = Record<string, any>;

const EXAMPLES = fileURLToPath(new URL("../docs/examples/", import.meta.url));
const condition = (o: Json, type: string): Json | undefined => o.status?.conditions?.find((c: Json) => c.type === type);
const object = (kind: string, name: string, spec: Json) =>
  JSON.stringify({ apiVersion: "toolhive.stacklok.dev/v1beta1", kind, metadata: { name }, spec });
const telemetry = (name: string, spec: Json) => object("MCPTelemetryConfig", name, spec);
const extAuth = (name: string, spec: Json) => object("MCPExternalAuthConfig", name, spec);
const server = (name: string, spec: Json) => object("MCPServer", name, { image: "example/mcp:1", ...spec });

const secretRef = { name: "s", key: "k" };
const oidcUpstream = { name: "corp", type: "oidc", oidcConfig: { issuerUrl: "https://idp.example", clientId: "c" } };
const oauth2 = (o: Json) => ({
  name: "gh",
  type: "oauth2",
  oauth2Config: { authorizationEndpoint: "https://gh.example/a", tokenEndpoint: "https://gh.example/t", ...o },
});
const eas = (o: Json = {}) => ({
  type: "embeddedAuthServer",
  embeddedAuthServer: { issuer: "https://auth.example.com", upstreamProviders: [oidcUpstream], ...o },
});
const issuer = (o: Json) => eas({ trustedIssuers: [{ issuerUrl: "https://idp.example", ...o }] });
const grant = (o: Json) => ({
  maxAssertionAge: "5m",
  subjectBindings: [{ subject: "svc", allowedResources: ["https://api.example"] }],
  ...o,
});
const redis = (o: Json) =>
  eas({ storage: { type: "redis", redis: { aclUserConfig: { passwordSecretRef: secretRef }, ...o } } });
const TE = { tokenUrl: "https://sts.example/token", audience: "api" };

/** Each CEL rule: a spec it refuses with ToolHive's message, and one it accepts. */
const RULES: ReadonlyArray<{ what: string; kind: "t" | "e"; bad: Json; good: Json; says: string }> = [
  {
    what: "a header both plain and sensitive",
    kind: "t",
    bad: { openTelemetry: { headers: { a: "1" }, sensitiveHeaders: [{ name: "a", secretKeyRef: secretRef }] } },
    good: { openTelemetry: { headers: { a: "1" }, sensitiveHeaders: [{ name: "b", secretKeyRef: secretRef }] } },
    says: "a header name cannot appear in both headers and sensitiveHeaders",
  },
  ...["tokenExchange", "headerInjection", "bearerToken", "embeddedAuthServer", "awsSts", "upstreamInject", "obo", "xaa"]
    .map((field) => ({
      what: `type ${field} without its object`,
      kind: "e" as const,
      bad: { type: field },
      good: field === "tokenExchange"
        ? { type: field, tokenExchange: TE }
        : { type: "tokenExchange", tokenExchange: TE },
      says: `${field} configuration must be set if and only if type is '${field}'`,
    })),
  {
    what: "unauthenticated with an object",
    kind: "e",
    bad: { type: "unauthenticated", upstreamInject: { providerName: "corp" } },
    good: { type: "unauthenticated" },
    says: "upstreamInject configuration must be set if and only if type is 'upstreamInject'",
  },
  {
    what: "confidential registration over insecure HTTP",
    kind: "e",
    bad: eas({ allowConfidentialClientRegistration: true, insecureAllowHTTP: true }),
    good: eas({ allowConfidentialClientRegistration: true }),
    says: "allowConfidentialClientRegistration cannot be combined with insecureAllowHTTP; " +
      "client secrets would be issued in cleartext over an unauthenticated endpoint",
  },
  {
    what: "delegate clients on an http issuer",
    kind: "e",
    bad: eas({
      issuer: "http://auth.example.com",
      delegateClients: [{ clientId: "d", clientSecretRef: secretRef, scopes: ["s"], audiences: ["a"] }],
    }),
    good: eas({ delegateClients: [{ clientId: "d", clientSecretRef: secretRef, scopes: ["s"], audiences: ["a"] }] }),
    says: "delegateClients require an https:// issuer; delegate client secrets must not be sent over plaintext HTTP",
  },
  {
    what: "forced confidential redirect URIs without confidential registration",
    kind: "e",
    bad: eas({ forceConfidentialRedirectUris: ["https://app.example/cb"] }),
    good: eas({ forceConfidentialRedirectUris: ["https://app.example/cb"], allowConfidentialClientRegistration: true }),
    says: "forceConfidentialRedirectUris requires allowConfidentialClientRegistration to be true",
  },
  {
    what: "a delegate client secret without a name",
    kind: "e",
    bad: eas({
      delegateClients: [{ clientId: "d", clientSecretRef: { name: "", key: "k" }, scopes: ["s"], audiences: ["a"] }],
    }),
    good: eas({ delegateClients: [{ clientId: "d", clientSecretRef: secretRef, scopes: ["s"], audiences: ["a"] }] }),
    says: "clientSecretRef.name and clientSecretRef.key are required and must be non-empty",
  },
  {
    what: "redis with neither addr nor sentinels",
    kind: "e",
    bad: redis({}),
    good: redis({ addr: "redis:6379" }),
    says: "exactly one of addr or sentinelConfig must be set",
  },
  {
    what: "redis cluster mode with sentinels",
    kind: "e",
    bad: redis({ clusterMode: true, sentinelConfig: { masterName: "m", sentinelAddrs: ["s:26379"] } }),
    good: redis({ clusterMode: true, addr: "redis:6379" }),
    says: "clusterMode requires addr to be set",
  },
  {
    what: "a wildcard delegate client beside others",
    kind: "e",
    bad: issuer({ expectedAudience: "a", allowedDelegateClients: ["*", "c"] }),
    good: issuer({ expectedAudience: "a", allowedDelegateClients: ["*"] }),
    says: 'allowedDelegateClients must not combine the wildcard "*" with specific client IDs',
  },
  {
    what: "may_act with a wildcard delegate client",
    kind: "e",
    bad: issuer({ expectedAudience: "a", allowMayAct: true, allowedDelegateClients: ["*"] }),
    good: issuer({ expectedAudience: "a", allowMayAct: true, allowedDelegateClients: ["c"] }),
    says: 'allowMayAct must not be enabled when allowedDelegateClients contains the wildcard "*"',
  },
  {
    what: "a reserved actor claim",
    kind: "e",
    bad: issuer({ expectedAudience: "a", allowedDelegateClients: ["c"], actorClaim: "sub" }),
    good: issuer({ expectedAudience: "a", allowedDelegateClients: ["c"], actorClaim: "azp" }),
    says: "actorClaim must name a readable claim; use client_id or a non-reserved claim such as azp, appid, or cid",
  },
  {
    what: "private IPs without an explicit JWKS URL",
    kind: "e",
    bad: issuer({ expectedAudience: "a", allowedDelegateClients: ["c"], allowPrivateIPs: true }),
    good: issuer({
      expectedAudience: "a",
      allowedDelegateClients: ["c"],
      allowPrivateIPs: true,
      jwksUrl: "https://idp/jwks",
    }),
    says: "allowPrivateIPs requires jwksUrl to be set explicitly",
  },
  {
    what: "a trusted issuer without an audience or a JWT-bearer grant",
    kind: "e",
    bad: issuer({ allowedDelegateClients: ["c"] }),
    good: issuer({ jwtBearerGrant: grant({}) }),
    says: "expectedAudience is required unless jwtBearerGrant is configured without actorClaim, actorMatcher, " +
      "allowMayAct, or allowedActors",
  },
  {
    what: "an expected audience without delegate clients",
    kind: "e",
    bad: issuer({ expectedAudience: "a" }),
    good: issuer({ expectedAudience: "a", allowedDelegateClients: ["c"] }),
    says: "allowedDelegateClients is required when expectedAudience, actorClaim, actorMatcher, or allowMayAct is set",
  },
  {
    what: "a zero assertion age",
    kind: "e",
    bad: issuer({ jwtBearerGrant: grant({ maxAssertionAge: "0s" }) }),
    good: issuer({ jwtBearerGrant: grant({ maxAssertionAge: "1m" }) }),
    says: "maxAssertionAge must be greater than zero",
  },
  {
    what: "duplicate subject bindings",
    kind: "e",
    bad: issuer({
      jwtBearerGrant: grant({
        subjectBindings: [
          { subject: "svc", allowedResources: ["https://a.example"] },
          { subject: "svc", allowedResources: ["https://b.example"] },
        ],
      }),
    }),
    good: issuer({
      jwtBearerGrant: grant({
        subjectBindings: [
          { subject: "svc", allowedResources: ["https://a.example"] },
          { subject: "job", allowedResources: ["https://b.example"] },
        ],
      }),
    }),
    says: "subjectBindings must not contain duplicate subjects",
  },
  {
    what: "an oidc upstream with an oauth2 config",
    kind: "e",
    bad: eas({ upstreamProviders: [{ ...oauth2({ clientId: "c" }), type: "oidc" }] }),
    good: eas({ upstreamProviders: [oauth2({ clientId: "c" })] }),
    says: "type must be 'oidc' or 'oauth2'; oidcConfig must be set when type is 'oidc' and oauth2Config must be set " +
      "when type is 'oauth2' (and the other must not be set)",
  },
  {
    what: "an oauth2 upstream with neither client id nor registration",
    kind: "e",
    bad: eas({ upstreamProviders: [oauth2({})] }),
    good: eas({ upstreamProviders: [oauth2({ dcrConfig: { discoveryUrl: "https://gh.example/meta" } })] }),
    says: "exactly one of clientId or dcrConfig must be set",
  },
  {
    what: "registration with a client secret",
    kind: "e",
    bad: eas({
      upstreamProviders: [
        oauth2({ dcrConfig: { discoveryUrl: "https://gh.example/meta" }, clientSecretRef: secretRef }),
      ],
    }),
    good: eas({ upstreamProviders: [oauth2({ clientId: "c", clientSecretRef: secretRef })] }),
    says: "clientSecretRef must not be set when dcrConfig is set; the client_secret is obtained at runtime via " +
      "Dynamic Client Registration",
  },
  {
    what: "registration with both discovery and endpoint",
    kind: "e",
    bad: eas({
      upstreamProviders: [oauth2({
        dcrConfig: { discoveryUrl: "https://gh.example/meta", registrationEndpoint: "https://gh.example/reg" },
      })],
    }),
    good: eas({ upstreamProviders: [oauth2({ dcrConfig: { registrationEndpoint: "https://gh.example/reg" } })] }),
    says: "exactly one of discoveryUrl or registrationEndpoint must be set",
  },
];

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

Deno.test("MCPTelemetryConfig and MCPExternalAuthConfig on a real control plane", async (t) => {
  await using cp = await startControlPlane();
  const root = namespaceObjects(cp, "default");
  await root.run(["apply", "--server-side", "-f", `${REPO_ROOT}crds/generated/`]);
  await root.run(["wait", "--for=condition=Established", "--timeout=60s", "crd", "--all"]);

  await t.step("every example applies, each in its namespace", async () => {
    const files = [...Deno.readDirSync(EXAMPLES)].map((e) => e.name)
      .filter((n) => /^(mcptelemetryconfig|mcpexternalauthconfig)/.test(n)).sort();
    assert.ok(files.length >= 6, `examples: ${files}`);
    for (const file of files) {
      const ns = file.replace(/\.yaml$/, "");
      await root.run(["create", "namespace", ns]);
      await root.run(["apply", "-n", ns, "-f", `${EXAMPLES}${file}`]);
    }
  });

  await t.step("defaults are filled in, and kubectl get shows the columns through the short names", async () => {
    const otel = await namespaceObjects(cp, "mcptelemetryconfig").eventually("mcpotel", "otel");
    assert.equal(otel.spec.openTelemetry.insecure, false);
    assert.equal(otel.spec.openTelemetry.useLegacyAttributes, true);
    const aws = await namespaceObjects(cp, "mcpexternalauthconfig-aws-sts").eventually("extauth", "aws");
    assert.deepEqual(
      [
        aws.spec.awsSts.service,
        aws.spec.awsSts.sessionDuration,
        aws.spec.awsSts.roleClaim,
        aws.spec.awsSts.sessionNameClaim,
      ],
      ["aws-mcp", 3600, "groups", "sub"],
    );
    const eas = await namespaceObjects(cp, "mcpexternalauthconfig-embedded-auth-server").eventually(
      "mcpextauth",
      "auth-server",
    );
    assert.equal(eas.spec.embeddedAuthServer.disableUpstreamTokenInjection, false);
    assert.equal(eas.spec.embeddedAuthServer.insecureAllowHTTP, false);
    await root.run(["apply", "-f", "-"], telemetry("bare", { openTelemetry: { tracing: {} } }));
    const bare = await root.eventually("mcptelemetryconfig", "bare");
    assert.deepEqual(bare.spec.openTelemetry.tracing, { enabled: false, samplingRate: "0.05" });
    const columns = await root.run(["get", "mcpotel", "-n", "mcptelemetryconfig"]);
    assert.match(columns.split("\n")[0]!, /^NAME\s+ENDPOINT\s+VALID\s+TRACING\s+METRICS\s+AGE$/);
    const types = await root.run(["get", "extauth", "-n", "mcpexternalauthconfig-token-exchange"]);
    assert.match(types, /^NAME\s+TYPE\s+VALID\s+AGE\nbackend-exchange\s+tokenExchange\s/);
    assert.match(
      await root.run(["get", "toolhive", "-A", "-o", "name"]),
      /mcpexternalauthconfig\.toolhive\.stacklok\.dev\/aws/,
    );
  });

  await t.step("the valid side of each rule is accepted", async () => {
    const docs = RULES.map((r, i) => (r.kind === "t" ? telemetry : extAuth)(`good-${i}`, r.good));
    await root.run(["apply", "-f", "-"], docs.join("\n---\n"));
  });

  for (const [i, rule] of RULES.entries()) {
    await t.step(`refused at apply time with ToolHive's message: ${rule.what}`, async () => {
      const yaml = (rule.kind === "t" ? telemetry : extAuth)(`bad-${i}`, rule.bad);
      await assert.rejects(root.run(["apply", "-f", "-"], yaml), new RegExp(escape(rule.says)));
    });
  }

  const NS = "telemetry-extauth";
  const o = namespaceObjects(cp, NS);
  await o.run(["create", "namespace", NS]);
  await using _operator = await startTestOperator(cp);
  const apply = (text: string) => o.run(["apply", "-n", NS, "-f", "-"], text);
  const SECRET_VALUES = ["sts-secret-value-71c3", "otel-secret-value-9f2d"];
  await apply(JSON.stringify({
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: "creds" },
    stringData: { sts: SECRET_VALUES[0], otel: SECRET_VALUES[1] },
  }));

  await t.step("Valid is True or False with ToolHive's reasons", async () => {
    await apply(telemetry("otel", {
      openTelemetry: {
        enabled: true,
        endpoint: "https://otel-collector:4318",
        tracing: { enabled: true },
        sensitiveHeaders: [{ name: "x-api-key", secretKeyRef: { name: "creds", key: "otel" } }],
      },
      prometheus: { enabled: true },
    }));
    await apply(telemetry("otel-bad", { openTelemetry: { endpoint: "otel:4318" } }));
    await apply(extAuth("exchange", {
      type: "tokenExchange",
      tokenExchange: { ...TE, clientId: "thv", clientSecretRef: { name: "creds", key: "sts" } },
    }));
    await apply(extAuth("obo", { type: "obo", obo: { clientId: "c" } }));
    const ok = await o.eventually("mcptelemetryconfig", "otel", (x) => condition(x, "Valid")?.status === "True");
    assert.equal(condition(ok, "Valid")?.reason, "ValidationSucceeded");
    assert.deepEqual(ok.metadata.finalizers, ["mcptelemetryconfig.toolhive.stacklok.dev/finalizer"]);
    const bad = await o.eventually("mcptelemetryconfig", "otel-bad", (x) => condition(x, "Valid")?.status === "False");
    assert.equal(condition(bad, "Valid")?.reason, "ValidationFailed");
    assert.equal(
      condition(bad, "Valid")?.message,
      "endpoint requires at least one of tracing or metrics to be enabled",
    );
    const ex = await o.eventually("mcpexternalauthconfig", "exchange", (x) => condition(x, "Valid")?.status === "True");
    assert.equal(condition(ex, "Valid")?.reason, "ValidationSucceeded");
    assert.deepEqual(ex.metadata.finalizers, ["mcpexternalauthconfig.toolhive.stacklok.dev/finalizer"]);
    const obo = await o.eventually("mcpexternalauthconfig", "obo", (x) => condition(x, "Valid")?.status === "False");
    assert.equal(condition(obo, "Valid")?.reason, "EnterpriseRequired");
    assert.equal(
      condition(obo, "Valid")?.message,
      "on-behalf-of (OBO) external auth type requires an enterprise build",
    );
  });

  await t.step("a server referencing a missing config gets the NotFound condition and phase Failed", async () => {
    await apply(server("lost-otel", { telemetryConfigRef: { name: "nowhere" } }));
    await apply(server("lost-auth", { externalAuthConfigRef: { name: "nowhere" } }));
    await apply(server("lost-as", { authServerRef: { name: "nowhere" } }));
    const cases = [
      [
        "lost-otel",
        "TelemetryConfigRefValidated",
        "TelemetryConfigRefNotFound",
        "MCPTelemetryConfig nowhere not found",
      ],
      [
        "lost-auth",
        "ExternalAuthConfigValidated",
        "ExternalAuthConfigNotFound",
        `MCPExternalAuthConfig 'nowhere' not found in namespace '${NS}'`,
      ],
      [
        "lost-as",
        "AuthServerRefValidated",
        "AuthServerRefNotFound",
        `MCPExternalAuthConfig 'nowhere' not found in namespace '${NS}'`,
      ],
    ] as const;
    for (const [name, type, reason, message] of cases) {
      const s = await o.eventually(
        "mcpserver",
        name,
        (x) => x.status?.phase === "Failed" && condition(x, type)?.reason === reason,
      );
      assert.equal(condition(s, type)?.status, "False");
      assert.equal(condition(s, type)?.message, message);
    }
    const invalid = await (async () => {
      await apply(server("bad-otel", { telemetryConfigRef: { name: "otel-bad" } }));
      return await o.eventually("mcpserver", "bad-otel", (x) => x.status?.phase === "Failed");
    })();
    assert.equal(condition(invalid, "TelemetryConfigRefValidated")?.reason, "TelemetryConfigRefInvalid");
    const obo = await (async () => {
      await apply(server("obo-server", { externalAuthConfigRef: { name: "obo" } }));
      return await o.eventually("mcpserver", "obo-server", (x) => x.status?.phase === "Failed");
    })();
    assert.equal(condition(obo, "ExternalAuthConfigValidated")?.reason, "EnterpriseRequired");
  });

  await t.step(
    "a valid telemetry reference gives telemetryConfigHash and telemetry_config in the RunConfig",
    async () => {
      await apply(server("traced", { telemetryConfigRef: { name: "otel" } }));
      const otel = await o.eventually("mcptelemetryconfig", "otel");
      const s = await o.eventually(
        "mcpserver",
        "traced",
        (x) => x.status?.telemetryConfigHash === otel.status.configHash,
      );
      assert.equal(condition(s, "TelemetryConfigRefValidated")?.reason, "TelemetryConfigRefValid");
      const cm = await o.eventually("configmap", "traced-runconfig");
      const config = JSON.parse(cm.data["runconfig.json"]);
      assert.deepEqual(config.telemetry_config, {
        endpoint: "otel-collector:4318",
        serviceName: "traced",
        enablePrometheusMetricsPath: true,
        insecure: false,
        useLegacyAttributes: true,
        tracingEnabled: true,
        samplingRate: "0.05",
        metricsEnabled: false,
      });
      const deployment = await o.eventually("deployment", "traced");
      const env = deployment.spec.template.spec.containers[0].env as Json[];
      assert.deepEqual(
        env.find((e) => e.name === "TOOLHIVE_OTEL_HEADER_X_API_KEY")?.valueFrom,
        {
          secretKeyRef: { name: "creds", key: "otel" },
        },
      );
    },
  );

  await t.step("a valid token-exchange or bearer-token reference runs, its secrets by reference only", async () => {
    await apply(server("exchanged", { externalAuthConfigRef: { name: "exchange" } }));
    const ex = await o.eventually("mcpexternalauthconfig", "exchange");
    const s = await o.eventually(
      "mcpserver",
      "exchanged",
      (x) => x.status?.externalAuthConfigHash === ex.status.configHash,
    );
    assert.notEqual(s.status.phase, "Failed");
    assert.deepEqual(
      [condition(s, "ExternalAuthConfigValidated")?.status, condition(s, "ExternalAuthConfigValidated")?.reason],
      ["True", "ExternalAuthConfigValid"],
    );
    const cm = await o.eventually("configmap", "exchanged-runconfig");
    const exchange = JSON.parse(cm.data["runconfig.json"]).token_exchange_config;
    assert.equal(exchange.client_secret, "");
    assert.equal(exchange.client_secret_env, "TOOLHIVE_TOKEN_EXCHANGE_CLIENT_SECRET");
    const deployment = await o.eventually("deployment", "exchanged");
    const env = deployment.spec.template.spec.containers[0].env as Json[];
    assert.deepEqual(env.find((e) => e.name === "TOOLHIVE_TOKEN_EXCHANGE_CLIENT_SECRET")?.valueFrom, {
      secretKeyRef: { name: "creds", key: "sts" },
    });

    // A Secret name with '-' and '.' goes by an env-safe name, the same in the RunConfig and the container.
    await apply(
      extAuth("bearer", { type: "bearerToken", bearerToken: { tokenSecretRef: { name: "api-creds.v1", key: "t" } } }),
    );
    await o.eventually("mcpexternalauthconfig", "bearer", (x) => condition(x, "Valid")?.status === "True");
    await apply(server("bearer", { externalAuthConfigRef: { name: "bearer" } }));
    const bearerCm = await o.eventually("configmap", "bearer-runconfig");
    assert.deepEqual(JSON.parse(bearerCm.data["runconfig.json"]).remote_auth_config, {
      bearer_token: "API_CREDS_V1,target=bearer_token",
    });
    const bearerDeployment = await o.eventually("deployment", "bearer");
    const bearerEnv = bearerDeployment.spec.template.spec.containers[0].env as Json[];
    assert.deepEqual(bearerEnv.find((e) => e.name === "TOOLHIVE_SECRET_API_CREDS_V1")?.valueFrom, {
      secretKeyRef: { name: "api-creds.v1", key: "t" },
    });
    const everything = await o.run(["get", "configmaps,events", "-n", NS, "-o", "json"]);
    for (const value of SECRET_VALUES) {
      assert.ok(!everything.includes(value), `a Secret value appears in a ConfigMap or Event`);
      assert.ok(!everything.includes(btoa(value)), `a Secret value (base64) appears in a ConfigMap or Event`);
    }
    assert.match(everything, /traced-runconfig/, "the ConfigMaps were read");
  });
});
