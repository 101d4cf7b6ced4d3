/**
 * The generated MCPServer CRD on a real API server: it is accepted as a structural schema, `kubectl explain`
 * shows our descriptions, every example manifest applies (the v1alpha1 one with a deprecation warning),
 * defaults are filled in, `kubectl get` shows the printer columns, and invalid manifests are refused at
 * apply time with a message naming the field.
 */
import "./harness/quiet_deprecations.ts";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { stringify } from "yaml";
import { kubectl, poll, REPO_ROOT, startControlPlane } from "./harness/mod.ts";

const CRD_DIR = `${REPO_ROOT}crds/generated/`;
const EXAMPLES = fileURLToPath(new URL("../docs/examples/", import.meta.url));

/** A v1beta1 MCPServer with `spec` merged over a minimal valid one. */
function server(name: string, spec: Record<string, unknown>, drop: string[] = []): string {
  const full: Record<string, unknown> = { image: "example/mcp:1", ...spec };
  for (const key of drop) delete full[key];
  return stringify({ apiVersion: "toolhive.stacklok.dev/v1beta1", kind: "MCPServer", metadata: { name }, spec: full });
}

const redis = { provider: "redis", address: "redis:6379" };
const bucket = { maxTokens: 10, refillPeriod: "1m" };

/** Invalid manifests and what the API server must say about each. */
const INVALID: ReadonlyArray<{ what: string; yaml: string; says: RegExp }> = [
  {
    what: "unknown transport",
    yaml: server("bad-transport", { transport: "websocket" }),
    says: /spec\.transport: Unsupported value: "websocket": supported values: "stdio", "streamable-http", "sse"/,
  },
  { what: "missing image", yaml: server("no-image", {}, ["image"]), says: /spec\.image: Required value/ },
  { what: "empty image", yaml: server("empty-image", { image: "" }), says: /spec\.image: Invalid value: ""/ },
  {
    what: "proxyPort out of range",
    yaml: server("big-port", { proxyPort: 70000 }),
    says: /spec\.proxyPort: Invalid value: 70000: spec\.proxyPort in body should be less than or equal to 65535/,
  },
  {
    what: "mcpPort below range",
    yaml: server("zero-port", { mcpPort: 0 }),
    says: /spec\.mcpPort: Invalid value: 0: spec\.mcpPort in body should be greater than or equal to 1/,
  },
  {
    what: "negative replicas",
    yaml: server("neg-replicas", { replicas: -1 }),
    says: /spec\.replicas: Invalid value: -1/,
  },
  {
    what: "authzConfig with authzConfigRef",
    yaml: server("two-authz", {
      authzConfig: { type: "inline", inline: { policies: ["permit(principal, action, resource);"] } },
      authzConfigRef: { name: "shared" },
    }),
    says:
      /spec: Invalid value: "object": authzConfig and authzConfigRef are mutually exclusive; use authzConfigRef to reference a shared MCPAuthzConfig/,
  },
  {
    what: "rateLimiting without redis session storage",
    yaml: server("rl-memory", { rateLimiting: { shared: bucket }, sessionStorage: { provider: "memory" } }),
    says: /rateLimiting requires sessionStorage with provider 'redis'/,
  },
  {
    what: "rateLimiting.perUser without authentication",
    yaml: server("rl-peruser", { rateLimiting: { perUser: bucket }, sessionStorage: redis }),
    says: /rateLimiting\.perUser requires authentication \(oidcConfigRef or externalAuthConfigRef\)/,
  },
  {
    what: "rateLimiting.tools[].perUser without authentication",
    yaml: server("rl-tools", { rateLimiting: { tools: [{ name: "fetch", perUser: bucket }] }, sessionStorage: redis }),
    says: /per-tool perUser rate limiting requires authentication \(oidcConfigRef or externalAuthConfigRef\)/,
  },
  {
    what: "empty rateLimiting",
    yaml: server("rl-empty", { rateLimiting: {}, sessionStorage: redis }),
    says: /spec\.rateLimiting: Invalid value: "object": at least one of shared, perUser, or tools must be configured/,
  },
  {
    what: "rateLimiting.tools[] with neither bucket",
    yaml: server("rl-tool-empty", { rateLimiting: { tools: [{ name: "fetch" }] }, sessionStorage: redis }),
    says:
      /spec\.rateLimiting\.tools\[0\]: Invalid value: "object": at least one of shared or perUser must be configured/,
  },
  {
    what: "redis without an address",
    yaml: server("redis-noaddr", { sessionStorage: { provider: "redis" } }),
    says: /spec\.sessionStorage: Invalid value: "object": address is required/,
  },
  {
    what: "authzConfig type configMap without configMap",
    yaml: server("authz-cm", { authzConfig: { type: "configMap" } }),
    says:
      /spec\.authzConfig: Invalid value: "object": configMap must be set when type is 'configMap', and must not be set otherwise/,
  },
  {
    what: "authzConfig type inline without inline",
    yaml: server("authz-inline", { authzConfig: { type: "inline" } }),
    says:
      /spec\.authzConfig: Invalid value: "object": inline must be set when type is 'inline', and must not be set otherwise/,
  },
  {
    what: "port and proxyPort that disagree",
    yaml: server("port-alias", { port: 9090, proxyPort: 8080 }),
    says: /port is a deprecated alias of proxyPort: set only proxyPort/,
  },
  {
    what: "targetPort and mcpPort that disagree",
    yaml: server("target-alias", { targetPort: 9090, mcpPort: 8080 }),
    says: /targetPort is a deprecated alias of mcpPort: set only mcpPort/,
  },
];

Deno.test("MCPServer CRD on a real API server", async (t) => {
  await using cp = await startControlPlane();
  const k = (args: string[], stdin?: string) => kubectl(cp.kubeconfigPath, args, stdin);

  await t.step("the generated CRD is accepted and established", async () => {
    // Every CRD: the examples include the kinds an MCPServer references (MCPToolConfig, …).
    const applied = await k(["apply", "--server-side", "-f", CRD_DIR]);
    assert.equal(applied.code, 0, applied.stderr);
    const wait = await k(["wait", "--for=condition=Established", "--timeout=60s", "crd", "--all"]);
    assert.equal(wait.code, 0, wait.stderr);
  });

  await t.step("kubectl explain shows the field descriptions", async () => {
    // The API server publishes a new CRD's OpenAPI a moment after it is established.
    const res = await poll(async () => {
      const r = await k(["explain", "mcpserver.spec.transport"]);
      if (r.code !== 0) throw new Error(r.stderr);
      return r;
    }, { what: "kubectl explain mcpserver.spec.transport" });
    assert.match(res.stdout, /How the MCP server speaks MCP/);
    const spec = await k(["explain", "mcpservers.spec", "--api-version=toolhive.stacklok.dev/v1beta1"]);
    assert.match(spec.stdout, /image\s+<string> -required-/);
  });

  await t.step("every example manifest applies; v1alpha1 with a deprecation warning", async () => {
    // Every kind's examples, not only MCPServer's: docs/operator.md points at each of them.
    const files = [...Deno.readDirSync(EXAMPLES)].map((e) => e.name).filter((n) => n.endsWith(".yaml")).sort();
    assert.ok(files.length >= 14, `examples: ${files}`);
    for (const file of files) {
      // The example's namespace is created per file, so the same names in two files cannot collide.
      const ns = file.replace(/\.yaml$/, "").slice(0, 60);
      assert.equal((await k(["create", "namespace", ns])).code, 0);
      const res = await k(["apply", "-n", ns, "-f", `${EXAMPLES}${file}`]);
      assert.equal(res.code, 0, `${file}: ${res.stderr}`);
      if (file.includes("v1alpha1")) {
        assert.match(res.stderr, /toolhive\.stacklok\.dev\/v1alpha1 is deprecated; use v1beta1/);
      }
    }
  });

  await t.step("defaults are filled in, and v1alpha1 objects read back as v1beta1", async () => {
    const res = await k(["get", "mcpserver", "fetch", "-n", "mcpserver-stdio", "-o", "json"]);
    const spec = JSON.parse(res.stdout).spec;
    assert.equal(spec.proxyMode, "streamable-http");
    assert.equal(spec.sessionAffinity, "ClientIP");
    assert.equal(spec.trustProxyHeaders, false);
    assert.equal(spec.proxyPort, undefined, "proxyPort's default (8080) is applied by thv, beside its alias port");
    const legacy = JSON.parse(
      (await k(["get", "mcpserver", "legacy", "-n", "mcpserver-v1alpha1-port", "-o", "json"]))
        .stdout,
    );
    assert.equal(legacy.apiVersion, "toolhive.stacklok.dev/v1beta1");
    assert.equal(legacy.spec.port, 9090);
  });

  await t.step(
    "kubectl get shows Status, Ready, Replicas, URL and Age, also through the toolhive category",
    async () => {
      const res = await k(["get", "mcpservers", "-n", "mcpserver-sse"]);
      assert.equal(res.code, 0, res.stderr);
      assert.match(res.stdout.split("\n")[0]!, /^NAME\s+STATUS\s+READY\s+REPLICAS\s+URL\s+AGE$/);
      assert.match(res.stdout, /^osv\s/m);
      const category = await k(["get", "toolhive", "-A", "-o", "name"]);
      assert.match(category.stdout, /mcpserver\.toolhive\.stacklok\.dev\/legacy/);
    },
  );

  await t.step("the valid side of each rule is accepted", async () => {
    const oidc = { oidcConfigRef: { name: "corp", audience: "mcp" } };
    const valid = [
      server("ok-rl", {
        rateLimiting: { shared: bucket, tools: [{ name: "fetch", shared: bucket }] },
        sessionStorage: redis,
      }),
      server("ok-peruser", { rateLimiting: { perUser: bucket }, sessionStorage: redis, ...oidc }),
      server("ok-tools-peruser", {
        rateLimiting: { tools: [{ name: "fetch", perUser: bucket }] },
        sessionStorage: redis,
        externalAuthConfigRef: { name: "upstream" },
      }),
      server("ok-alias", { port: 9090, proxyPort: 9090, targetPort: 3000 }),
      server("ok-authz", { authzConfig: { configMap: { name: "policies" } } }),
      server("ok-memory", { sessionStorage: { provider: "memory" }, replicas: 0, backendReplicas: 0 }),
    ];
    const res = await k(["apply", "-f", "-"], valid.join("---\n"));
    assert.equal(res.code, 0, res.stderr);
    const authz = JSON.parse((await k(["get", "mcpserver", "ok-authz", "-o", "json"])).stdout).spec.authzConfig;
    assert.deepEqual(authz, { type: "configMap", configMap: { name: "policies", key: "authz.json" } });
  });

  for (const bad of INVALID) {
    await t.step(`refused at apply time: ${bad.what}`, async () => {
      const res = await k(["apply", "-f", "-"], bad.yaml);
      assert.notEqual(res.code, 0, `${bad.what} was accepted`);
      assert.match(res.stderr, bad.says);
    });
  }
});
