import assert from "node:assert/strict";
import { mcpServer } from "../testing/servers.ts";
import { desiredChildren, PROXY_CONTAINER } from "./mod.ts";

Deno.test("proxy Deployment: what shared configs add (secret env by reference, volumes, mounts) is on the proxy", () => {
  const env = { name: "TOOLHIVE_OIDC_CLIENT_SECRET", valueFrom: { secretKeyRef: { name: "idp", key: "secret" } } };
  const desired = desiredChildren(mcpServer({}), {
    runnerImage: "localhost/thv:test",
    proxyPod: {
      env: [env],
      volumes: [{ name: "oidc-ca-bundle-ca", configMap: { name: "ca" } }],
      volumeMounts: [{ name: "oidc-ca-bundle-ca", mountPath: "/config/certs/ca", readOnly: true }],
    },
  });
  assert.ok(desired.ok);
  // deno-lint-ignore no-explicit-any
  const deployment = desired.objects.find((o) => o.kind === "Deployment") as any;
  const pod = deployment.spec.template.spec;
  const proxy = pod.containers.find((c: { name: string }) => c.name === PROXY_CONTAINER);
  assert.ok(proxy.env.some((e: unknown) => JSON.stringify(e) === JSON.stringify(env)));
  assert.ok(pod.volumes.some((v: { name: string }) => v.name === "oidc-ca-bundle-ca"));
  assert.ok(proxy.volumeMounts.some((m: { mountPath: string }) => m.mountPath === "/config/certs/ca"));
  const runConfig = desired.objects.find((o) => o.kind === "ConfigMap") as { data?: Record<string, string> };
  assert.ok(!JSON.stringify(runConfig.data).includes("TOOLHIVE_OIDC_CLIENT_SECRET"));
});

Deno.test("proxy Deployment: telemetry's Prometheus switch exposes the metrics port 9464, only when on", () => {
  const ports = (prometheus: boolean) => {
    const desired = desiredChildren(mcpServer({}), {
      runnerImage: "localhost/thv:test",
      fromReferences: { telemetry_config: { serviceName: "s", enablePrometheusMetricsPath: prometheus } },
    });
    assert.ok(desired.ok);
    // deno-lint-ignore no-explicit-any
    const deployment = desired.objects.find((o) => o.kind === "Deployment") as any;
    return deployment.spec.template.spec.containers[0].ports.map((p: { name: string; containerPort: number }) =>
      `${p.name}:${p.containerPort}`
    );
  };
  assert.deepEqual(ports(true), ["http:8080", "metrics:9464"]);
  assert.deepEqual(ports(false), ["http:8080"]);
});
