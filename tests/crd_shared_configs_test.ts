/**
 * MCPOIDCConfig, MCPAuthzConfig and MCPWebhookConfig on a real control plane: the CRDs establish, `kubectl
 * explain` shows them, each example applies, defaults are filled, each CEL rule refuses its invalid side with
 * ToolHive's message and accepts its valid side; with the operator (under the chart's RBAC) each kind gets
 * `Valid` with ToolHive's reasons, and an MCPServer referencing one gets NotFound (missing) or, once it
 * resolves, the refusal of a feature thv does not enforce yet with the config's hash copied.
 */
import "./harness/quiet_deprecations.ts";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { stringify } from "yaml";
import { kubectl, namespaceObjects, poll, REPO_ROOT, startControlPlane, startTestOperator } from "./harness/mod.ts";

// deno-lint-ignore no-explicit-any
type Json = Record<string, any>;

const EXAMPLES = fileURLToPath(new URL("../docs/examples/", import.meta.url));
const KINDS = ["mcpoidcconfigs", "mcpauthzconfigs", "mcpwebhookconfigs"];
const NS = "configs";
const BETA = "toolhive.stacklok.dev/v1beta1";
const ALPHA = "toolhive.stacklok.dev/v1alpha1";

const manifest = (apiVersion: string, kind: string, name: string, spec: Json) =>
  stringify({ apiVersion, kind, metadata: { name }, spec });
const oidc = (name: string, spec: Json) => manifest(BETA, "MCPOIDCConfig", name, spec);
const authz = (name: string, spec: Json) => manifest(BETA, "MCPAuthzConfig", name, spec);
const webhook = (name: string, spec: Json) => manifest(ALPHA, "MCPWebhookConfig", name, spec);
const server = (name: string, spec: Json) => manifest(BETA, "MCPServer", name, { image: "example/mcp:1", ...spec });
const condition = (o: Json, type: string): Json | undefined => o.status?.conditions?.find((c: Json) => c.type === type);

const hook = { name: "h", url: "https://hook.example" };
const cedar = { type: "cedarv1", config: { policies: ["permit(principal, action, resource);"] } };

/** Invalid manifests and the API server's message for each. */
const INVALID: ReadonlyArray<{ what: string; yaml: string; says: RegExp }> = [
  {
    what: "MCPOIDCConfig type inline without inline",
    yaml: oidc("no-inline", { type: "inline" }),
    says: /inline must be set when type is 'inline', and must not be set otherwise/,
  },
  {
    what: "MCPOIDCConfig type kubernetesServiceAccount with inline",
    yaml: oidc("both", { type: "kubernetesServiceAccount", kubernetesServiceAccount: {}, inline: { issuer: "x" } }),
    says: /inline must be set when type is 'inline', and must not be set otherwise/,
  },
  {
    what: "MCPOIDCConfig type kubernetesServiceAccount without it",
    yaml: oidc("no-sa", { type: "kubernetesServiceAccount" }),
    says: /kubernetesServiceAccount must be set when type is 'kubernetesServiceAccount', and must not be set otherwise/,
  },
  {
    what: "MCPOIDCConfig with an unknown type",
    yaml: oidc("bad-type", { type: "saml" }),
    says: /spec\.type: Unsupported value: "saml"/,
  },
  {
    what: "MCPAuthzConfig without config",
    yaml: authz("no-config", { type: "cedarv1" }),
    says: /spec\.config: Required value/,
  },
  {
    what: "MCPAuthzConfig with an empty type",
    yaml: authz("empty-type", { type: "", config: { a: 1 } }),
    says: /spec\.type: Invalid value: "": spec\.type in body should be at least 1 chars long/,
  },
  {
    what: "MCPWebhookConfig without webhooks",
    yaml: webhook("none", { validating: [] }),
    says: /spec: Invalid value: "object": at least one validating or mutating webhook must be defined/,
  },
  {
    what: "MCPWebhookConfig with an unknown failurePolicy",
    yaml: webhook("policy", { mutating: [{ ...hook, failurePolicy: "retry" }] }),
    says: /spec\.mutating\[0\]\.failurePolicy: Unsupported value: "retry"/,
  },
];

Deno.test("MCPOIDCConfig, MCPAuthzConfig and MCPWebhookConfig on a real control plane", async (t) => {
  await using cp = await startControlPlane();
  const o = namespaceObjects(cp, NS);
  const k = (args: string[], stdin?: string) => kubectl(cp.kubeconfigPath, args, stdin);
  const apply = (text: string) => o.run(["apply", "-n", NS, "-f", "-"], text);

  await t.step("the CRDs are accepted and established", async () => {
    await o.run(["apply", "--server-side", "-f", `${REPO_ROOT}crds/generated/`]);
    await o.run(["wait", "--for=condition=Established", ...KINDS.map((p) => `crd/${p}.toolhive.stacklok.dev`)]);
    await o.run(["create", "namespace", NS]);
    const webhookCrd = JSON.parse(await o.run(["get", "crd", "mcpwebhookconfigs.toolhive.stacklok.dev", "-o", "json"]));
    assert.deepEqual(
      webhookCrd.spec.versions.map((v: Json) => [v.name, v.storage, v.deprecated ?? false]),
      [["v1alpha1", true, false]],
    );
  });

  await t.step("kubectl explain shows the field descriptions", async () => {
    const explain = (what: string, ...extra: string[]) =>
      poll(async () => {
        const r = await k(["explain", what, ...extra]);
        return r.code === 0 ? r.stdout : undefined;
      }, { what: `kubectl explain ${what}` });
    assert.match(await explain("mcpoidcconfig.spec.type"), /Which identity provider/);
    assert.match(await explain("mcpauthzconfig.spec"), /config\s+<Object> -required-/);
    assert.match(await explain("mcpwebhookconfig.spec.validating", `--api-version=${ALPHA}`), /Unique id/);
  });

  await t.step("each example applies, and kubectl get shows the columns", async () => {
    const files = [...Deno.readDirSync(EXAMPLES)].map((e) => e.name)
      .filter((n) => /^mcp(oidc|authz|webhook)config-.*\.yaml$/.test(n)).sort();
    assert.equal(files.length, 3, `examples: ${files}`);
    for (const file of files) {
      const ns = file.replace(/\.yaml$/, "");
      await o.run(["create", "namespace", ns]);
      const res = await k(["apply", "-n", ns, "-f", `${EXAMPLES}${file}`]);
      assert.equal(res.code, 0, `${file}: ${res.stderr}`);
      assert.doesNotMatch(res.stderr, /deprecated/, file);
    }
    const header = (await o.run(["get", "mcpoidc", "-n", "mcpoidcconfig-inline"])).split("\n")[0];
    assert.match(header!, /^NAME\s+SOURCE\s+VALID\s+AGE$/);
    assert.match(
      (await o.run(["get", "authzcfg", "-n", "mcpauthzconfig-cedar"])).split("\n")[0]!,
      /^NAME\s+TYPE\s+VALID\s+AGE$/,
    );
    assert.match(
      (await o.run(["get", "mwc", "-n", "mcpwebhookconfig-policy"])).split("\n")[0]!,
      /^NAME\s+VALID\s+AGE$/,
    );
    const category = await o.run(["get", "toolhive", "-A", "-o", "name"]);
    for (const kind of KINDS) assert.match(category, new RegExp(`${kind.replace(/s$/, "")}\\.toolhive`));
  });

  await t.step("defaults are filled in", async () => {
    const corp = await o.run(["get", "mcpoidcconfig", "corp", "-n", "mcpoidcconfig-inline", "-o", "json"]);
    const inline = JSON.parse(corp).spec.inline;
    assert.equal(inline.insecureAllowHTTP, false);
    assert.equal(inline.jwksAllowPrivateIP, false);
    assert.equal(inline.protectedResourceAllowPrivateIP, false);
    await apply(oidc("cluster", { type: "kubernetesServiceAccount", kubernetesServiceAccount: {} }));
    const sa = (await o.get("mcpoidcconfig", "cluster"))!.spec.kubernetesServiceAccount;
    assert.equal(sa.issuer, "https://kubernetes.default.svc");
    await apply(webhook("defaults", { mutating: [hook] }));
    assert.equal((await o.get("mcpwebhookconfig", "defaults"))!.spec.mutating[0].failurePolicy, "fail");
  });

  await t.step("the valid side of each rule is accepted", async () => {
    const res = await k(
      ["apply", "-n", NS, "-f", "-"],
      [
        oidc("ok-inline", { type: "inline", inline: { issuer: "https://idp.example" } }),
        authz("ok-authz", cedar),
        webhook("ok-mutating", { mutating: [hook] }),
        webhook("ok-validating", { validating: [hook] }),
      ].join("---\n"),
    );
    assert.equal(res.code, 0, res.stderr);
  });

  for (const bad of INVALID) {
    await t.step(`refused at apply time: ${bad.what}`, async () => {
      const res = await k(["apply", "-n", NS, "-f", "-"], bad.yaml);
      assert.notEqual(res.code, 0, `${bad.what} was accepted`);
      assert.match(res.stderr, bad.says);
    });
  }

  await using _operator = await startTestOperator(cp);
  const valid = (kind: string, name: string) =>
    o.eventually(kind, name, (x) => condition(x, "Valid") !== undefined && x.status?.configHash !== undefined);

  await t.step("each kind gets Valid with ToolHive's reasons for a good and a bad spec", async () => {
    await apply(oidc("http-idp", { type: "inline", inline: { issuer: "http://idp.example" } }));
    await apply(authz("opa", { type: "opa", config: { a: 1 } }));
    await apply(webhook("plain-http", { validating: [{ ...hook, url: "http://hook.example" }] }));
    const cases: Array<[string, string, string, string, RegExp]> = [
      ["mcpoidcconfig", "ok-inline", "True", "ConfigValid", /^Spec validation passed$/],
      ["mcpoidcconfig", "http-idp", "False", "ConfigInvalid", /uses HTTP scheme, which is insecure/],
      ["mcpauthzconfig", "ok-authz", "True", "ConfigValid", /^Spec validation passed$/],
      ["mcpauthzconfig", "opa", "False", "ConfigInvalid", /type "opa" is not a registered authorizer backend/],
      ["mcpwebhookconfig", "ok-validating", "True", "ValidationSucceeded", /^Spec validation passed$/],
      [
        "mcpwebhookconfig",
        "plain-http",
        "False",
        "ValidationFailed",
        /^validating webhook\[0\] "h": webhook URL must use HTTPS/,
      ],
    ];
    for (const [kind, name, status, reason, message] of cases) {
      const c = condition(await valid(kind, name), "Valid")!;
      assert.deepEqual([c.status, c.reason], [status, reason], `${kind} ${name}`);
      assert.match(c.message, message, `${kind} ${name}`);
    }
    const finalizers = (await o.get("mcpwebhookconfig", "ok-validating"))!.metadata.finalizers;
    assert.deepEqual(finalizers, ["mcpwebhookconfig.toolhive.stacklok.dev/finalizer"]);
  });

  await t.step("an MCPServer referencing a missing config gets its NotFound condition and phase Failed", async () => {
    const refs: Array<[string, Json, string, string]> = [
      [
        "miss-oidc",
        { oidcConfigRef: { name: "nope", audience: "mcp" } },
        "OIDCConfigRefValidated",
        "OIDCConfigRefNotFound",
      ],
      ["miss-authz", { authzConfigRef: { name: "nope" } }, "AuthzConfigRefValidated", "AuthzConfigRefNotFound"],
      ["miss-hook", { webhookConfigRef: { name: "nope" } }, "WebhookConfigValidated", "WebhookConfigNotFound"],
      [
        "bad-oidc",
        { oidcConfigRef: { name: "http-idp", audience: "mcp" } },
        "OIDCConfigRefValidated",
        "OIDCConfigRefNotValid",
      ],
    ];
    for (const [name, spec] of refs) await apply(server(name, spec));
    for (const [name, , type, reason] of refs) {
      const failed = await o.eventually("mcpserver", name, (x) => x.status?.phase === "Failed");
      const c = condition(failed, type);
      assert.deepEqual([c?.status, c?.reason], ["False", reason], name);
      assert.equal(failed.status.message, c!.message, name);
      assert.equal(await o.get("deployment", name), undefined, `${name}: no proxy`);
    }
  });

  await t.step(
    "an MCPServer referencing a valid webhook config is refused (not enforced yet), its hash copied",
    async () => {
      const refs: Array<[string, Json, string, string, string, string]> = [
        [
          "use-hook",
          { webhookConfigRef: { name: "ok-validating" } },
          "WebhookConfigValidated",
          "WebhookConfigNotSupported",
          "mcpwebhookconfig",
          "webhookConfigHash",
        ],
      ];
      for (const [name, spec] of refs) await apply(server(name, spec));
      for (const [name, spec, type, reason, kind, hashField] of refs) {
        const configName = (Object.values(spec)[0] as Json).name;
        const config = await o.get(kind, configName);
        const failed = await o.eventually("mcpserver", name, (x) => x.status?.[hashField] !== undefined);
        assert.equal(failed.status.phase, "Failed", name);
        assert.equal(failed.status[hashField], config!.status.configHash, name);
        const c = condition(failed, type);
        assert.deepEqual([c?.status, c?.reason], ["False", reason], name);
        assert.equal(await o.get("deployment", name), undefined, `${name}: no proxy`);
        const referrers = (await o.eventually(kind, configName, (x) =>
          (x.status?.referencingWorkloads ?? []).length > 0))
          .status.referencingWorkloads;
        assert.deepEqual(referrers, [{ kind: "MCPServer", name }], `${kind} ${configName}`);
      }
    },
  );

  await t.step(
    "an MCPServer referencing a valid MCPOIDCConfig runs (lib/auth enforces it), its hash copied",
    async () => {
      await apply(server("use-oidc", { oidcConfigRef: { name: "ok-inline", audience: "mcp" } }));
      const config = await o.get("mcpoidcconfig", "ok-inline");
      const ok = await o.eventually("mcpserver", "use-oidc", (x) => x.status?.oidcConfigHash !== undefined);
      assert.notEqual(ok.status.phase, "Failed");
      assert.equal(ok.status.oidcConfigHash, config!.status.configHash);
      const c = condition(ok, "OIDCConfigRefValidated");
      assert.deepEqual([c?.status, c?.reason], ["True", "OIDCConfigRefValid"]);
      await o.eventually("deployment", "use-oidc", () => true);
    },
  );
});
