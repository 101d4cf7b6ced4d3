import assert from "node:assert/strict";
import { McpRemoteProxySpec } from "../../../crds/mod.ts";
import { desiredRemoteChildren, desiredRemoteRunConfig } from "./desired.ts";
import type { RemoteProxy } from "./names.ts";
import { computeRemoteStatus } from "./status.ts";

const proxy = (spec: Record<string, unknown>): RemoteProxy => ({
  apiVersion: "toolhive.stacklok.dev/v1beta1",
  kind: "MCPRemoteProxy",
  metadata: { name: "wx", namespace: "ns", uid: "u1", generation: 2 },
  spec: McpRemoteProxySpec.parse({ remoteUrl: "https://mcp.example.com/mcp", ...spec }),
});

Deno.test("desiredRemoteRunConfig carries remote_url and names secret headers without their values", () => {
  const rc = desiredRemoteRunConfig(proxy({
    headerForward: {
      addPlaintextHeaders: { "X-Tenant": "acme" },
      addHeadersFromSecret: [{ headerName: "x-api.key", valueSecretRef: { name: "s", key: "k" } }],
    },
  }));
  assert.equal(rc.remote_url, "https://mcp.example.com/mcp");
  assert.equal(rc.transport, "streamable-http");
  assert.equal(rc.port, 8080);
  assert.deepEqual(rc.header_forward, {
    add_plaintext_headers: { "X-Tenant": "acme" },
    add_headers_from_secret: { "x-api.key": "HEADER_FORWARD_X_API_KEY_WX" },
  });
  assert.equal(desiredRemoteRunConfig(proxy({})).header_forward, undefined);
});

Deno.test("desiredRemoteRunConfig asks the proxy to audit when spec.audit.enabled is true", () => {
  assert.deepEqual(desiredRemoteRunConfig(proxy({ audit: { enabled: true } })).audit_config, { enabled: true });
  assert.deepEqual(desiredRemoteRunConfig(proxy({ audit: { enabled: false } })).audit_config, { enabled: false });
  assert.equal(desiredRemoteRunConfig(proxy({})).audit_config, undefined);
});

Deno.test("desiredRemoteChildren: runner identity, ConfigMap, Deployment with secretKeyRef env, Service", () => {
  const objects = desiredRemoteChildren(
    proxy({
      headerForward: {
        addHeadersFromSecret: [{ headerName: "Authorization", valueSecretRef: { name: "s", key: "k" } }],
      },
    }),
    { runnerImage: "thv:dev", referencedChecksum: "abc" },
  );
  assert.deepEqual(objects.map((o) => `${o.kind}/${o.metadata?.name}`), [
    "ServiceAccount/wx-remote-proxy-runner",
    "Role/wx-remote-proxy-runner",
    "RoleBinding/wx-remote-proxy-runner",
    "ConfigMap/wx-runconfig",
    "Deployment/wx",
    "Service/mcp-wx-remote-proxy",
  ]);
  // deno-lint-ignore no-explicit-any
  const deployment = objects[4] as any;
  const env = deployment.spec.template.spec.containers[0].env;
  assert.deepEqual(env.find((e: { name: string }) => e.name === "TOOLHIVE_SECRET_HEADER_FORWARD_AUTHORIZATION_WX"), {
    name: "TOOLHIVE_SECRET_HEADER_FORWARD_AUTHORIZATION_WX",
    valueFrom: { secretKeyRef: { name: "s", key: "k" } },
  });
  assert.equal(deployment.spec.template.metadata.annotations["toolhive.stacklok.dev/referenced-checksum"], "abc");
  assert.equal(desiredRemoteChildren(proxy({ serviceAccount: "mine" }), { runnerImage: "i" }).length, 3);
});

Deno.test("desiredRemoteChildren exposes container port metrics 9464 when its telemetry turns Prometheus on", () => {
  const ports = (fromReferences: Parameters<typeof desiredRemoteChildren>[1]["fromReferences"]) =>
    // deno-lint-ignore no-explicit-any
    (desiredRemoteChildren(proxy({}), { runnerImage: "i", fromReferences })[4] as any).spec.template.spec
      .containers[0].ports.map((p: { name: string; containerPort: number }) => `${p.name}:${p.containerPort}`);
  assert.deepEqual(ports({ telemetry_config: { enablePrometheusMetricsPath: true } }), ["http:8080", "metrics:9464"]);
  assert.deepEqual(ports({ telemetry_config: { endpoint: "otel:4317" } }), ["http:8080"]);
});

const none = { refused: [], notApplied: [] };
const pod = (phase: string) => ({ status: { phase } });
const STATUS_CASES: ReadonlyArray<readonly [string, ReturnType<typeof pod>[], string, string]> = [
  ["a running pod", [pod("Running")], "Ready", "Remote proxy is running"],
  ["a pending pod", [pod("Pending")], "Pending", "Remote proxy is starting"],
  ["only failed pods", [pod("Failed")], "Failed", "Remote proxy failed to start"],
  ["no pods", [], "Pending", "No pods found for remote proxy"],
];
for (const [what, pods, phase, message] of STATUS_CASES) {
  Deno.test(`computeRemoteStatus with ${what} is ${phase}: ${message}`, () => {
    const s = computeRemoteStatus(proxy({}), { problems: [], unenforced: none, pods, now: new Date(0) });
    assert.deepEqual([s.phase, s.message, s.url], [
      phase,
      message,
      "http://mcp-wx-remote-proxy.ns.svc.cluster.local:8080",
    ]);
  });
}

Deno.test("computeRemoteStatus fails a problem with ConfigurationValid=False and Validation failed", () => {
  const s = computeRemoteStatus(proxy({}), {
    problems: [{ reason: "RemoteURLInvalid", message: "remote URL must not be empty" }],
    unenforced: none,
    pods: [pod("Running")],
    now: new Date(0),
  });
  assert.equal(s.phase, "Failed");
  assert.equal(s.message, "Validation failed: remote URL must not be empty");
  // deno-lint-ignore no-explicit-any
  const valid = (s.conditions as any[]).find((c) => c.type === "ConfigurationValid");
  assert.deepEqual([valid.status, valid.reason, valid.observedGeneration], ["False", "RemoteURLInvalid", 2]);
});
