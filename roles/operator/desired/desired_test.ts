import assert from "node:assert/strict";
import type { V1ConfigMap, V1Deployment, V1Service, V1ServiceAccount } from "@kubernetes/client-node";
import { mcpServer } from "../testing/servers.ts";
import {
  desiredChildren,
  desiredRunConfig,
  effectivePorts,
  labelsFor,
  referencedKeys,
  RUNCONFIG_CHECKSUM,
  serverUrl,
} from "./mod.ts";

const inputs = { runnerImage: "localhost/thv:dev" };

function children(spec: Record<string, unknown>, generation = 1) {
  const desired = desiredChildren(mcpServer(spec, { generation }), inputs);
  assert.ok(desired.ok);
  const byKind = (kind: string) => desired.objects.filter((o) => o.kind === kind);
  return {
    desired,
    names: desired.objects.map((o) => `${o.kind}/${o.metadata!.name}`),
    deployment: byKind("Deployment")[0] as V1Deployment,
    service: byKind("Service")[0] as V1Service,
    configMap: byKind("ConfigMap")[0] as V1ConfigMap,
    serviceAccounts: byKind("ServiceAccount") as V1ServiceAccount[],
  };
}

function podPatchOf(deployment: V1Deployment) {
  const arg = deployment.spec!.template.spec!.containers[0]!.args!.find((a) => a.startsWith("--k8s-pod-patch="));
  return JSON.parse(arg!.slice("--k8s-pod-patch=".length));
}

Deno.test("desiredChildren: the contract objects, in apply order, each owned by the MCPServer", () => {
  const { desired, names } = children({});
  assert.deepEqual(names, [
    "ServiceAccount/fetch-proxy-runner",
    "Role/fetch-proxy-runner",
    "RoleBinding/fetch-proxy-runner",
    "ServiceAccount/fetch-sa",
    "ConfigMap/fetch-runconfig",
    "Deployment/fetch",
    "Service/mcp-fetch-proxy",
  ]);
  for (const o of desired.ok ? desired.objects : []) {
    assert.equal(o.metadata!.namespace, "tools");
    assert.deepEqual(o.metadata!.ownerReferences, [{
      apiVersion: "toolhive.stacklok.dev/v1beta1",
      kind: "MCPServer",
      name: "fetch",
      uid: "0b7c1c5e-0000-4000-8000-000000000001",
      controller: true,
      blockOwnerDeletion: true,
    }]);
  }
});

Deno.test("effectivePorts and serverUrl: fields, deprecated aliases, default 8080, and the client transport", () => {
  const table: Array<[Record<string, unknown>, { proxyPort: number; mcpPort: number }, string]> = [
    [{}, { proxyPort: 8080, mcpPort: 8080 }, "http://mcp-fetch-proxy.tools.svc.cluster.local:8080/mcp"],
    [{ port: 9090, targetPort: 3000 }, { proxyPort: 9090, mcpPort: 3000 }, ":9090/mcp"],
    [{ proxyPort: 7000, mcpPort: 7001 }, { proxyPort: 7000, mcpPort: 7001 }, ":7000/mcp"],
    [{ transport: "sse" }, { proxyPort: 8080, mcpPort: 8080 }, ":8080/sse#fetch"],
    [{ transport: "stdio", proxyMode: "sse" }, { proxyPort: 8080, mcpPort: 8080 }, ":8080/sse#fetch"],
    [{ transport: "streamable-http", proxyMode: "sse" }, { proxyPort: 8080, mcpPort: 8080 }, ":8080/mcp"],
  ];
  for (const [spec, ports, url] of table) {
    const server = mcpServer(spec);
    assert.deepEqual(effectivePorts(server), ports, JSON.stringify(spec));
    assert.ok(serverUrl(server).endsWith(url), `${JSON.stringify(spec)}: ${serverUrl(server)}`);
  }
});

Deno.test("desiredRunConfig: operator-mode RunConfig with ports, env, profile path and no secret values", () => {
  const config = desiredRunConfig(mcpServer({
    transport: "streamable-http",
    mcpPort: 3000,
    args: ["serve"],
    env: [{ name: "LOG_LEVEL", value: "debug" }],
    secrets: [{ name: "gh", key: "token", targetEnvName: "GITHUB_TOKEN" }],
    permissionProfile: { type: "configmap", name: "profiles", key: "strict.json" },
  }, { generation: 4 }));
  assert.equal(config.host, "0.0.0.0");
  assert.equal(config.port, 8080);
  assert.equal(config.target_port, 3000);
  assert.equal(config.proxy_mode, "streamable-http");
  assert.deepEqual(config.cmd_args, ["serve"]);
  assert.deepEqual(config.env_vars, { LOG_LEVEL: "debug" });
  assert.deepEqual(config.secrets, []);
  assert.equal(config.permission_profile_name_or_path, "/etc/toolhive/profiles/strict.json");
  assert.equal(config.mcpserver_generation, 4);
  const stdio = desiredRunConfig(mcpServer({
    proxyMode: "sse",
    volumes: [{ name: "a", hostPath: "/srv/a", mountPath: "/a", readOnly: true }, {
      name: "b",
      hostPath: "/srv/b",
      mountPath: "/b",
      readOnly: false,
    }],
  }));
  assert.equal(stdio.target_port, 8080, "stdio servers carry the MCP port as ToolHive writes it");
  assert.equal(stdio.proxy_mode, "sse");
  assert.deepEqual(stdio.volumes, ["/srv/a:/a:ro", "/srv/b:/b"]);
  assert.equal(
    desiredRunConfig(mcpServer({ transport: "sse" })).proxy_mode,
    "streamable-http",
    "spec.proxyMode as set",
  );
});

Deno.test("the RunConfig checksum follows the spec: it rolls the proxy pod template", () => {
  const checksum = (spec: Record<string, unknown>, generation = 1) =>
    children(spec, generation).deployment.spec!.template.metadata!.annotations![RUNCONFIG_CHECKSUM];
  const base = checksum({});
  assert.match(base!, /^[0-9a-f]{64}$/);
  assert.equal(checksum({}), base, "same spec, same checksum");
  assert.notEqual(checksum({ args: ["--verbose"] }), base);
  assert.notEqual(checksum({ env: [{ name: "A", value: "1" }] }), base);
  assert.equal(
    children({}).configMap.metadata!.annotations!["toolhive.stacklok.dev/content-checksum"],
    base,
    "the ConfigMap carries the same checksum",
  );
});

Deno.test("proxy Deployment: container toolhive, args with the pod patch, probes, security and resources", () => {
  const { deployment } = children({
    resources: { limits: { cpu: "200m", memory: "128Mi" } },
    secrets: [{ name: "gh", key: "token", targetEnvName: "GITHUB_TOKEN" }],
  });
  assert.deepEqual(deployment.spec!.selector.matchLabels, labelsFor("fetch"));
  const pod = deployment.spec!.template.spec!;
  assert.equal(pod.serviceAccountName, "fetch-proxy-runner");
  const [container] = pod.containers;
  assert.equal(container!.name, "toolhive");
  assert.equal(container!.image, "localhost/thv:dev");
  assert.equal(container!.args![0], "run");
  assert.equal(container!.args!.at(-1), "ghcr.io/example/fetch:1");
  assert.deepEqual(container!.ports, [{ name: "http", containerPort: 8080, protocol: "TCP" }]);
  assert.deepEqual(container!.resources, { limits: { cpu: "200m", memory: "128Mi" } });
  assert.equal(container!.securityContext!.allowPrivilegeEscalation, false);
  assert.deepEqual(container!.securityContext!.capabilities, { drop: ["ALL"] });
  assert.deepEqual(container!.volumeMounts, [{ name: "runconfig", mountPath: "/etc/runconfig", readOnly: true }]);
  assert.equal(deployment.spec!.replicas, undefined, "unset replicas stay unset (an autoscaler may own them)");
  assert.equal(podPatchOf(deployment).spec.containers[0].env[0].valueFrom.secretKeyRef.name, "gh");
});

Deno.test("proxy probes: liveness and startup ask only the proxy (/livez), readiness the MCP server (/health)", () => {
  const [container] = children({}).deployment.spec!.template.spec!.containers;
  const probes = [container!.startupProbe!, container!.livenessProbe!, container!.readinessProbe!];
  assert.deepEqual(probes.map((p) => p.httpGet), [
    { path: "/livez", port: "http" },
    { path: "/livez", port: "http" },
    { path: "/health", port: "http" },
  ]);
  assert.ok(probes.every((p) => !p.initialDelaySeconds), "no initial delay: the first call comes fast");
  const [startup, , readiness] = probes;
  assert.equal(startup!.periodSeconds, 1, "readiness is probed only once startup succeeded");
  assert.equal(readiness!.periodSeconds, 1);
  assert.ok(readiness!.timeoutSeconds! > 2, "longer than the proxy's 2 s ping of the server");
  assert.ok(
    startup!.periodSeconds! * startup!.failureThreshold! > 120,
    "the startup window outlasts the runner's 120 s wait for the StatefulSet (it listens after it)",
  );
});

Deno.test("proxy Deployment: a rolling restart's time is on the pod template, and only then", () => {
  const server = mcpServer({});
  const annotations = (restartedAt?: string) => {
    const desired = desiredChildren(server, { ...inputs, ...(restartedAt ? { restartedAt } : {}) });
    assert.ok(desired.ok);
    const deployment = desired.objects.find((o) => o.kind === "Deployment") as V1Deployment;
    return deployment.spec!.template.metadata!.annotations!;
  };
  assert.equal(annotations()["mcpserver.toolhive.stacklok.dev/restarted-at"], undefined);
  assert.equal(
    annotations("2026-12-02T07:00:00Z")["mcpserver.toolhive.stacklok.dev/restarted-at"],
    "2026-12-02T07:00:00Z",
  );
});

Deno.test("pod patch: secrets as secretKeyRef env, spec.volumes and podTemplateSpec on container mcp", () => {
  const patch = podPatchOf(
    children({
      secrets: [{ name: "gh", key: "token", targetEnvName: "GITHUB_TOKEN" }, { name: "db", key: "PASSWORD" }],
      volumes: [{ name: "data", hostPath: "/srv/data", mountPath: "/data", readOnly: true }],
      podTemplateSpec: {
        spec: {
          volumes: [{ name: "notes", configMap: { name: "notes" } }],
          containers: [{
            name: "mcp",
            volumeMounts: [{ name: "notes", mountPath: "/notes" }],
            resources: { limits: { cpu: "1" } },
          }],
        },
      },
    }).deployment,
  );
  assert.equal(patch.spec.serviceAccountName, "fetch-sa");
  assert.deepEqual(patch.spec.volumes, [
    { name: "notes", configMap: { name: "notes" } },
    { name: "data", hostPath: { path: "/srv/data" } },
  ]);
  assert.deepEqual(patch.spec.containers, [{
    name: "mcp",
    resources: { limits: { cpu: "1" } },
    env: [
      { name: "GITHUB_TOKEN", valueFrom: { secretKeyRef: { name: "gh", key: "token" } } },
      { name: "PASSWORD", valueFrom: { secretKeyRef: { name: "db", key: "PASSWORD" } } },
    ],
    volumeMounts: [{ name: "notes", mountPath: "/notes" }, { name: "data", mountPath: "/data", readOnly: true }],
  }]);
});

Deno.test("spec.serviceAccount replaces <name>-sa in the pod patch, and no <name>-sa is made", () => {
  const { serviceAccounts, deployment } = children({ serviceAccount: "existing" });
  assert.deepEqual(serviceAccounts.map((s) => s.metadata!.name), ["fetch-proxy-runner"]);
  assert.equal(podPatchOf(deployment).spec.serviceAccountName, "existing");
});

Deno.test("stdio proxies are capped at one replica; HTTP ones keep theirs", () => {
  assert.equal(children({ replicas: 3 }).deployment.spec!.replicas, 1);
  assert.equal(children({ replicas: 0 }).deployment.spec!.replicas, 0);
  assert.equal(children({ transport: "streamable-http", replicas: 3 }).deployment.spec!.replicas, 3);
});

Deno.test("proxy Service: port, selector, session affinity and override metadata (thv's labels win)", () => {
  const { service } = children({
    proxyPort: 9000,
    sessionAffinity: "None",
    resourceOverrides: { proxyService: { labels: { team: "a", toolhive: "no" }, annotations: { note: "x" } } },
  });
  assert.equal(service.metadata!.name, "mcp-fetch-proxy");
  assert.deepEqual(service.spec!.ports, [{ name: "http", port: 9000, targetPort: 9000, protocol: "TCP" }]);
  assert.equal(service.spec!.sessionAffinity, "None");
  assert.deepEqual(service.spec!.selector, labelsFor("fetch"));
  assert.equal(service.metadata!.labels!.team, "a");
  assert.equal(service.metadata!.labels!.toolhive, "true");
  assert.deepEqual(service.metadata!.annotations, { note: "x" });
});

Deno.test("an invalid podTemplateSpec yields no children and a message naming the field", () => {
  const desired = desiredChildren(mcpServer({ podTemplateSpec: { spec: { containers: [{ image: "x" }] } } }), inputs);
  assert.equal(desired.ok, false);
  assert.match(!desired.ok ? desired.podTemplateError : "", /^spec\.podTemplateSpec\.spec\.containers\.0\.name: /);
});

Deno.test("referencedKeys lists the Secret keys and the permission-profile ConfigMap", () => {
  assert.deepEqual(
    referencedKeys(mcpServer({
      secrets: [{ name: "gh", key: "token" }],
      permissionProfile: { type: "configmap", name: "profiles", key: "p.json" },
    })),
    [{ kind: "Secret", name: "gh", key: "token" }, { kind: "ConfigMap", name: "profiles", key: "p.json" }],
  );
  assert.deepEqual(referencedKeys(mcpServer({ permissionProfile: { name: "none" } })), []);
});
