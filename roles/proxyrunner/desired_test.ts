import assert from "node:assert/strict";
import { RUN_CONFIG_SCHEMA_VERSION, type RunConfig } from "../../lib/run_config.ts";
import {
  desiredServices,
  desiredStatefulSet,
  GENERATION_ANNOTATION,
  isNewerGeneration,
  isRolledOut,
  ownerReferenceTo,
} from "./desired.ts";

const owner = { apiVersion: "apps/v1", kind: "Deployment", name: "fetch", uid: "u-1" };

function config(over: Partial<RunConfig> = {}): RunConfig {
  return {
    schema_version: RUN_CONFIG_SCHEMA_VERSION,
    name: "fetch",
    image: "ghcr.io/x/fetch:1",
    transport: "streamable-http",
    cmd_args: [],
    host: "0.0.0.0",
    port: 8080,
    target_port: 8081,
    env_vars: {},
    secrets: [],
    volumes: [],
    container_labels: {},
    trust_proxy_headers: false,
    ...over,
  };
}

const mcpOf = (c: RunConfig, podPatch = {}) =>
  desiredStatefulSet(c, { namespace: "ns", podPatch, owner }).spec!.template.spec!.containers[0]!;

Deno.test("desiredStatefulSet sets the transport env per transport, sorted by name", () => {
  const table: Array<[RunConfig, string[], Record<string, string>]> = [
    [
      config({ env_vars: { ZED: "1", ALPHA: "2" } }),
      ["ALPHA", "FASTMCP_PORT", "MCP_HOST", "MCP_PORT", "MCP_TRANSPORT", "ZED"],
      { MCP_TRANSPORT: "streamable-http", MCP_PORT: "8081", FASTMCP_PORT: "8081", MCP_HOST: "0.0.0.0" },
    ],
    [config({ transport: "sse", target_port: 9000 }), ["FASTMCP_PORT", "MCP_HOST", "MCP_PORT", "MCP_TRANSPORT"], {
      MCP_TRANSPORT: "sse",
      MCP_PORT: "9000",
    }],
    [config({ transport: "stdio", target_port: undefined, env_vars: { B: "b" } }), ["B", "MCP_TRANSPORT"], {
      MCP_TRANSPORT: "stdio",
    }],
  ];
  for (const [c, names, values] of table) {
    const env = mcpOf(c).env!;
    assert.deepEqual(env.map((e) => e.name), names, c.transport);
    for (const [k, v] of Object.entries(values)) {
      assert.equal(env.find((e) => e.name === k)?.value, v, `${c.transport} ${k}`);
    }
  }
});

Deno.test("desiredStatefulSet gives stdio servers stdin and no tty, HTTP servers neither", () => {
  const stdio = mcpOf(config({ transport: "stdio", target_port: undefined }));
  assert.equal(stdio.stdin, true);
  assert.equal(stdio.tty, false);
  assert.equal(mcpOf(config()).stdin, undefined);
});

Deno.test("desiredStatefulSet names, labels, selects and owns as design.md §3 says", () => {
  const sts = desiredStatefulSet(config({ mcpserver_generation: 4, cmd_args: ["--x"] }), {
    namespace: "ns",
    podPatch: {},
    owner,
  });
  assert.equal(sts.metadata!.name, "fetch");
  assert.equal(sts.metadata!.namespace, "ns");
  assert.deepEqual(sts.metadata!.ownerReferences, [owner]);
  assert.equal(sts.spec!.serviceName, "fetch");
  assert.deepEqual(sts.spec!.selector, { matchLabels: { app: "fetch" } });
  assert.equal(sts.spec!.replicas, undefined, "replicas stay with an HPA or kubectl unless backend_replicas is set");
  const labels = sts.spec!.template.metadata!.labels!;
  assert.equal(labels.app, "fetch");
  assert.equal(labels.toolhive, "true");
  assert.equal(labels["toolhive-name"], "fetch");
  assert.equal(sts.spec!.template.metadata!.annotations![GENERATION_ANNOTATION], "4");
  const mcp = sts.spec!.template.spec!.containers[0]!;
  assert.equal(mcp.name, "mcp");
  assert.equal(mcp.image, "ghcr.io/x/fetch:1");
  assert.deepEqual(mcp.args, ["--x"]);
  assert.equal(sts.spec!.template.spec!.securityContext!.runAsNonRoot, true);
  assert.equal(mcp.securityContext!.readOnlyRootFilesystem, true);
  assert.deepEqual(mcp.securityContext!.capabilities, { drop: ["ALL"] });
  assert.equal(
    desiredStatefulSet(config({ scaling_config: { backend_replicas: 3 } }), {
      namespace: "ns",
      podPatch: {},
      owner,
    }).spec!.replicas,
    3,
  );
});

Deno.test("desiredStatefulSet merges the pod patch: secrets as secretKeyRef, service account, volumes, security", () => {
  const patch = {
    metadata: { labels: { team: "a", app: "not-this" } },
    spec: {
      serviceAccountName: "fetch-sa",
      volumes: [{ name: "data", hostPath: { path: "/data" } }],
      securityContext: { runAsUser: 2000 },
      containers: [
        {
          name: "mcp",
          env: [{ name: "API_KEY", valueFrom: { secretKeyRef: { name: "s", key: "k" } } }],
          volumeMounts: [{ name: "data", mountPath: "/data" }],
          resources: { limits: { cpu: "1" } },
        },
        { name: "sidecar", image: "side:1" },
      ],
    },
  };
  const sts = desiredStatefulSet(config({ env_vars: { A: "1" } }), { namespace: "ns", podPatch: patch, owner });
  const pod = sts.spec!.template;
  assert.equal(pod.metadata!.labels!.team, "a");
  assert.equal(pod.metadata!.labels!.app, "fetch", "our selector label wins");
  assert.equal(pod.spec!.serviceAccountName, "fetch-sa");
  assert.deepEqual(pod.spec!.volumes, patch.spec.volumes);
  assert.deepEqual(pod.spec!.securityContext, { runAsUser: 2000 }, "the patch's security context is kept");
  assert.deepEqual(pod.spec!.containers.map((c) => c.name), ["mcp", "sidecar"]);
  const mcp = pod.spec!.containers[0]!;
  assert.deepEqual(mcp.env!.find((e) => e.name === "API_KEY"), patch.spec.containers[0]!.env![0]);
  assert.deepEqual(mcp.env!.map((e) => e.name), [
    "A",
    "API_KEY",
    "FASTMCP_PORT",
    "MCP_HOST",
    "MCP_PORT",
    "MCP_TRANSPORT",
  ]);
  assert.deepEqual(mcp.volumeMounts, patch.spec.containers[0]!.volumeMounts);
  assert.deepEqual(mcp.resources, { limits: { cpu: "1" } });
  assert.equal(mcp.image, "ghcr.io/x/fetch:1");
});

Deno.test("desiredStatefulSet gives the same object for the same inputs whatever the env's order", () => {
  const a = desiredStatefulSet(config({ env_vars: { X: "1", Y: "2" } }), { namespace: "ns", podPatch: {}, owner });
  const b = desiredStatefulSet(config({ env_vars: { Y: "2", X: "1" } }), { namespace: "ns", podPatch: {}, owner });
  assert.equal(JSON.stringify(a), JSON.stringify(b));
});

Deno.test("desiredServices gives HTTP transports the headless and the backend Service, stdio none", () => {
  const stsOwner = { apiVersion: "apps/v1", kind: "StatefulSet", name: "fetch", uid: "s-1" };
  assert.deepEqual(
    desiredServices(config({ transport: "stdio", target_port: undefined }), { namespace: "ns", owner: stsOwner }),
    [],
  );
  for (const transport of ["sse", "streamable-http"] as const) {
    const [headless, backend] = desiredServices(config({ transport }), { namespace: "ns", owner: stsOwner });
    assert.equal(headless!.metadata!.name, "mcp-fetch-headless");
    assert.equal(headless!.spec!.clusterIP, "None");
    assert.equal(backend!.metadata!.name, "mcp-fetch");
    assert.equal(backend!.spec!.sessionAffinity, "ClientIP");
    assert.equal(backend!.spec!.sessionAffinityConfig!.clientIP!.timeoutSeconds, 1800);
    for (const s of [headless!, backend!]) {
      assert.deepEqual(s.spec!.selector, { app: "fetch" });
      assert.deepEqual(s.spec!.ports, [{ name: "http", port: 8081, targetPort: 8081, protocol: "TCP" }]);
      assert.deepEqual(s.metadata!.ownerReferences, [stsOwner]);
    }
  }
});

Deno.test("an HTTP transport without target_port is refused naming the field", () => {
  assert.throws(
    () => desiredServices(config({ target_port: undefined }), { namespace: "ns", owner }),
    /field target_port is required/,
  );
});

Deno.test("isNewerGeneration skips only a StatefulSet written for a strictly newer generation", () => {
  const live = (g: string | undefined) => ({
    metadata: { annotations: (g ? { [GENERATION_ANNOTATION]: g } : {}) as Record<string, string> },
  });
  const table: Array<[string | undefined, number | undefined, boolean]> = [
    ["5", 4, true],
    ["4", 4, false],
    ["3", 4, false],
    [undefined, 4, false],
    ["5", undefined, false],
    ["junk", 4, false],
  ];
  for (const [g, mine, want] of table) {
    assert.equal(isNewerGeneration(live(g), config({ mcpserver_generation: mine })), want, `${g} vs ${mine}`);
  }
});

Deno.test("isRolledOut needs the generation observed and every replica updated and ready", () => {
  const sts = (status: Record<string, number>, replicas?: number) => ({
    spec: { replicas, selector: {}, template: {}, serviceName: "x" },
    status: { replicas: 0, ...status },
  });
  assert.equal(isRolledOut(undefined, 1), false);
  assert.equal(isRolledOut(sts({ observedGeneration: 2, updatedReplicas: 1, readyReplicas: 1 }), 2), true);
  assert.equal(isRolledOut(sts({ observedGeneration: 1, updatedReplicas: 1, readyReplicas: 1 }), 2), false);
  assert.equal(isRolledOut(sts({ observedGeneration: 2, updatedReplicas: 1, readyReplicas: 0 }), 2), false);
  assert.equal(isRolledOut(sts({ observedGeneration: 2, updatedReplicas: 1, readyReplicas: 1 }, 2), 2), false);
  assert.equal(isRolledOut(sts({ observedGeneration: 2 }, 0), 2), true);
});

Deno.test("ownerReferenceTo refuses an object without a uid", () => {
  assert.throws(() => ownerReferenceTo({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "x" } }), /uid/);
  assert.deepEqual(
    ownerReferenceTo({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "x", uid: "u" } }),
    { apiVersion: "apps/v1", kind: "Deployment", name: "x", uid: "u" },
  );
});
