/**
 * MCPRemoteProxy and MCPServerEntry on a real control plane, with the operator under the chart's RBAC and
 * kubectl as the user: the proxy's children, names and RunConfig (remote_url, header_forward with secret
 * headers by name only), its refusal of a remote URL the SSRF check blocks, an entry's validation, and no
 * Secret value in any ConfigMap or Event.
 */
import "./harness/quiet_deprecations.ts";
import assert from "node:assert/strict";
import { namespaceObjects, REPO_ROOT, startControlPlane, startTestOperator } from "./harness/mod.ts";

// deno-lint-ignore no-explicit-any
type Json = Record<string, any>;

const NS = "remote";
const SECRET_VALUE = "s3cr3t-token-value-9f2c";
const condition = (o: Json, type: string): Json | undefined => o.status?.conditions?.find((c: Json) => c.type === type);
const object = (kind: string, name: string, spec: Json) =>
  JSON.stringify({ apiVersion: "toolhive.stacklok.dev/v1beta1", kind, metadata: { name }, spec });

Deno.test("an MCPRemoteProxy gets its proxy and RunConfig, a blocked URL is refused, an entry is validated", async (t) => {
  await using cp = await startControlPlane();
  const o = namespaceObjects(cp, NS);
  await o.run(["apply", "--server-side", "-f", `${REPO_ROOT}crds/generated/`]);
  await o.run(["wait", "--for=condition=Established", "crd", "--all"]);
  await o.run(["create", "namespace", NS]);
  await o.run(["create", "secret", "generic", "upstream", "-n", NS, `--from-literal=token=${SECRET_VALUE}`]);
  await using _operator = await startTestOperator(cp);
  const apply = (text: string) => o.run(["apply", "-n", NS, "-f", "-"], text);

  await t.step(
    "the proxy's children carry ToolHive's names and the RunConfig names the secret header only",
    async () => {
      await apply(object("MCPRemoteProxy", "weather", {
        remoteUrl: "https://mcp.example.com/mcp",
        headerForward: {
          addPlaintextHeaders: { "X-Tenant": "acme" },
          addHeadersFromSecret: [{ headerName: "X-Api-Key", valueSecretRef: { name: "upstream", key: "token" } }],
        },
      }));
      const deployment = await o.eventually("deployment", "weather", () => true);
      const container = deployment.spec.template.spec.containers[0];
      assert.equal(container.name, "toolhive");
      assert.deepEqual(container.args, ["run", "--foreground=true", "placeholder-for-remote-proxy"]);
      const secretEnv = container.env.find((e: Json) => e.name === "TOOLHIVE_SECRET_HEADER_FORWARD_X_API_KEY_WEATHER");
      assert.deepEqual(secretEnv?.valueFrom, { secretKeyRef: { name: "upstream", key: "token" } });
      assert.equal(deployment.metadata.labels.app, "mcpremoteproxy");
      assert.equal(deployment.spec.template.spec.serviceAccountName, "weather-remote-proxy-runner");
      const service = await o.eventually("service", "mcp-weather-remote-proxy", () => true);
      assert.equal(service.spec.ports[0].port, 8080);
      assert.equal(service.spec.sessionAffinity, "ClientIP");
      await o.eventually("role", "weather-remote-proxy-runner", () => true);
      await o.eventually("rolebinding", "weather-remote-proxy-runner", () => true);
      const cm = await o.eventually("configmap", "weather-runconfig", () => true);
      assert.equal(cm.metadata.labels["toolhive.stacklok.io/mcp-remote-proxy"], "weather");
      const runConfig = JSON.parse(cm.data["runconfig.json"]);
      assert.equal(runConfig.remote_url, "https://mcp.example.com/mcp");
      assert.equal(runConfig.transport, "streamable-http");
      assert.equal(runConfig.port, 8080);
      assert.deepEqual(runConfig.header_forward, {
        add_plaintext_headers: { "X-Tenant": "acme" },
        add_headers_from_secret: { "X-Api-Key": "HEADER_FORWARD_X_API_KEY_WEATHER" },
      });
      const rp = await o.eventually("mcpremoteproxy", "weather", (x) => x.status?.url !== undefined);
      assert.equal(rp.status.url, `http://mcp-weather-remote-proxy.${NS}.svc.cluster.local:8080`);
      assert.equal(condition(rp, "ConfigurationValid")?.status, "True");
    },
  );

  await t.step("a loopback remote URL is refused with ToolHive's message and no proxy", async () => {
    await apply(
      object("MCPRemoteProxy", "local", { remoteUrl: "http://127.0.0.1:9000/mcp", allowPrivateEndpoint: true }),
    );
    const rp = await o.eventually("mcpremoteproxy", "local", (x) => x.status?.phase === "Failed");
    const message = "remote URL host is not allowed: IP address 127.0.0.1 falls within blocked range 127.0.0.0/8";
    assert.deepEqual(
      { reason: condition(rp, "ConfigurationValid")?.reason, message: condition(rp, "ConfigurationValid")?.message },
      { reason: "RemoteURLInvalid", message },
    );
    assert.equal(rp.status.message, `Validation failed: ${message}`);
    assert.equal(await o.get("deployment", "local"), undefined);
  });

  await t.step("a private URL is refused unless allowPrivateEndpoint", async () => {
    await apply(object("MCPRemoteProxy", "private", { remoteUrl: "http://10.0.0.5:9000/mcp" }));
    const rp = await o.eventually("mcpremoteproxy", "private", (x) => x.status?.phase === "Failed");
    assert.match(condition(rp, "ConfigurationValid")?.message, /blocked range 10\.0\.0\.0\/8/);
    await apply(
      object("MCPRemoteProxy", "private", { remoteUrl: "http://10.0.0.5:9000/mcp", allowPrivateEndpoint: true }),
    );
    await o.eventually("deployment", "private", () => true);
  });

  await t.step("a reference to a missing config fails it with the reference's own condition", async () => {
    await apply(object("MCPRemoteProxy", "authz", {
      remoteUrl: "https://mcp.example.com/mcp",
      authzConfigRef: { name: "policies" },
    }));
    const rp = await o.eventually("mcpremoteproxy", "authz", (x) => x.status?.phase === "Failed");
    assert.equal(condition(rp, "AuthzConfigRefValidated")?.reason, "AuthzConfigRefNotFound");
  });

  await t.step("an entry is validated: a missing group and header Secret fail it", async () => {
    await apply(object("MCPServerEntry", "remote-docs", {
      remoteUrl: "https://docs.example.com/mcp",
      transport: "streamable-http",
      groupRef: { name: "absent" },
      headerForward: {
        addHeadersFromSecret: [{ headerName: "Authorization", valueSecretRef: { name: "upstream", key: "nope" } }],
      },
    }));
    const entry = await o.eventually("mcpserverentry", "remote-docs", (x) => x.status?.phase === "Failed");
    assert.equal(condition(entry, "RemoteURLValidated")?.status, "True");
    assert.equal(condition(entry, "GroupRefValidated")?.message, `MCPGroup 'absent' not found in namespace '${NS}'`);
    assert.equal(
      condition(entry, "HeaderSecretRefsValidated")?.message,
      'Secret "upstream" has no key "nope" referenced for header "Authorization"',
    );
    assert.equal(condition(entry, "Valid")?.reason, "ConfigInvalid");
    assert.equal(condition(entry, "CABundleRefValidated")?.reason, "CABundleRefNotConfigured");
    await apply(object("MCPServerEntry", "metadata", {
      remoteUrl: "http://169.254.169.254/",
      transport: "sse",
      groupRef: { name: "absent" },
      allowPrivateEndpoint: true,
    }));
    const blocked = await o.eventually("mcpserverentry", "metadata", (x) => x.status?.phase === "Failed");
    assert.equal(condition(blocked, "RemoteURLValidated")?.reason, "RemoteURLInvalid");
  });

  await t.step("no Secret value in any ConfigMap or Event", async () => {
    const text = await o.run(["get", "configmaps,events", "-n", NS, "-o", "json"]);
    assert.ok(!text.includes(SECRET_VALUE), "a Secret value appears in a ConfigMap or Event");
    assert.ok(!text.includes(btoa(SECRET_VALUE)), "a Secret value (base64) appears in a ConfigMap or Event");
  });
});
