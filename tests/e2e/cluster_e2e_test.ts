/**
 * The cluster e2e tier (design.md §7): one real single-node cluster shared by the tests of this file (they
 * run in order), driven with kubectl and @kubernetes/client-node like a user drives a cluster. The last test
 * stops it and checks that nothing of it is left on the machine.
 * @module
 */
import assert from "node:assert/strict";
import denoJson from "../../deno.json" with { type: "json" };
import { attachThroughLibK8s } from "./_attach.ts";
import { buildThvImage, THV_IMAGE } from "../../scripts/image.ts";
import {
  BUSYBOX_IMAGE,
  CLUSTER_PARENT,
  connectClient,
  EVERYTHING_IMAGE,
  firstLine,
  FIXTURE_IMAGE,
  hostLeftovers,
  kubectl,
  type NodeCluster,
  poll,
  REPO_ROOT,
  startCluster,
  testImageArchive,
  within,
} from "../harness/mod.ts";
import { desiredNetworkPolicy, type Egress } from "../../roles/operator/desired/mod.ts";
import { mcpServer } from "../../roles/operator/testing/servers.ts";
import {
  apply,
  attach,
  eventuallyGets,
  exec,
  forwardToPod,
  forwardToService,
  getFails,
  kwait,
  namespace,
} from "./_kube.ts";
import { installCrdsChart, installOperatorChart, OPERATOR_NAMESPACE, uninstallCharts } from "./_chart.ts";

const FIXTURE_SOURCE = new URL("../fixtures/mcp_fixture.ts", import.meta.url);

let started: Promise<NodeCluster> | undefined;
let images: string | undefined;

/** The tier's cluster, started by the first test that needs it, with the thv image loaded. */
function cluster(): Promise<NodeCluster> {
  return started ??= (async () => {
    images = await Deno.makeTempDir({ dir: CLUSTER_PARENT, prefix: "thv-e2e-images-" });
    const thv = await buildThvImage(`${images}/thv`);
    return await startCluster({ images: [thv.path] });
  })();
}

// Sanitizers off: the cluster and its client sockets outlive single tests by design.
const e2e = (name: string, fn: (c: NodeCluster) => Promise<void>) =>
  Deno.test({
    name: `e2e: ${name}`,
    sanitizeOps: false,
    sanitizeResources: false,
    fn: async () => fn(await cluster()),
  });

e2e("a Deployment of a locally built image becomes Available", async (c) => {
  const dir = await Deno.makeTempDir({ prefix: "thv-e2e-web-" });
  try {
    const archive = await testImageArchive({
      tag: "localhost/thv-e2e-web:1",
      applets: ["httpd"],
      files: { "/www/index.html": "built here\n" },
      cmd: ["httpd", "-f", "-p", "8080", "-h", "/www"],
    }, `${dir}/web.tar`);
    await c.importImage(archive.path);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  const ns = await namespace(c, "e2e-web");
  await apply(
    c,
    ns,
    `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: httpd
        image: localhost/thv-e2e-web:1
        imagePullPolicy: Never
        ports: [{containerPort: 8080}]
        readinessProbe: {httpGet: {path: /, port: 8080}, periodSeconds: 1}
`,
  );
  await kwait(c, ns, ["--for=condition=Available", "deployment/web"]);
  const ready = await c.kubectl(["-n", ns, "get", "deployment", "web", "-o", "jsonpath={.status.readyReplicas}"]);
  assert.equal(ready.stdout, "2");
});

e2e(
  "a StatefulSet behind a headless Service is reachable from another pod by DNS name and through a ClusterIP",
  async (c) => {
    const ns = await namespace(c, "e2e-db");
    await apply(
      c,
      ns,
      `apiVersion: v1
kind: Service
metadata: {name: db}
spec:
  clusterIP: None
  selector: {app: db}
  ports: [{port: 8080, name: http}]
---
apiVersion: v1
kind: Service
metadata: {name: db-rw}
spec:
  selector: {app: db}
  ports: [{port: 80, targetPort: 8080, name: http}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  serviceName: db
  replicas: 1
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers:
      - name: httpd
        image: ${BUSYBOX_IMAGE}
        imagePullPolicy: Never
        command: ["sh", "-c", "mkdir -p /srv && echo \\"I am $(hostname)\\" > /srv/index.html && exec httpd -f -p 8080 -h /srv"]
        ports: [{containerPort: 8080, name: http}]
        readinessProbe: {tcpSocket: {port: 8080}, periodSeconds: 1}
---
apiVersion: v1
kind: Pod
metadata: {name: client}
spec:
  containers:
  - {name: sh, image: ${BUSYBOX_IMAGE}, imagePullPolicy: Never, command: ["sleep", "100000"]}
`,
    );
    await kwait(c, ns, ["--for=condition=Ready", "pod/db-0", "pod/client"]);
    await eventuallyGets(c, ns, "client", `http://db-0.db.${ns}.svc.cluster.local:8080/`, "I am db-0");
    await eventuallyGets(c, ns, "client", `http://db-rw.${ns}.svc.cluster.local/`, "I am db-0");
    const ip = (await c.kubectl(["-n", ns, "get", "svc", "db-rw", "-o", "jsonpath={.spec.clusterIP}"])).stdout;
    assert.match(ip, /^10\.96\./);
    await eventuallyGets(c, ns, "client", `http://${ip}/`, "I am db-0");
  },
);

e2e("client-node attaches to a pod's stdin and stdout and exchanges JSON-RPC lines exactly", async (c) => {
  const ns = await namespace(c, "e2e-attach");
  // Answers each line with a JSON-RPC result that embeds the line as it was read.
  const loop = `while read -r line; do printf '{"jsonrpc":"2.0","id":1,"result":%s}\\n' "$line"; done`;
  const pod = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "stdio" },
    spec: {
      containers: [{
        name: "server",
        image: BUSYBOX_IMAGE,
        imagePullPolicy: "Never",
        stdin: true,
        stdinOnce: false,
        tty: false,
        command: ["sh", "-c", loop],
      }],
    },
  };
  await apply(c, ns, JSON.stringify(pod));
  await kwait(c, ns, ["--for=condition=Ready", "pod/stdio"]);
  const session = await attach(c.adminConfig(), ns, "stdio", "server");
  try {
    const received: string[] = [];
    let buffer = "";
    session.stdout.on("data", (chunk: Uint8Array) => {
      buffer += new TextDecoder().decode(chunk);
      const lines = buffer.split("\n");
      buffer = lines.pop()!;
      received.push(...lines);
    });
    const requests = [
      '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18"}}',
      '{"jsonrpc":"2.0","id":2,"method":"tools/list","params":{"unicode":"żółw ✓"}}',
    ];
    for (const line of requests) session.stdin.write(`${line}\n`);
    await poll(() => Promise.resolve(received.length >= 2 || undefined), {
      what: "two answers through attach",
      deadlineMs: 30_000,
    });
    assert.deepEqual(received, requests.map((r) => `{"jsonrpc":"2.0","id":1,"result":${r}}`));
  } finally {
    session.close();
  }
});

e2e("lib/k8s attaches to a StatefulSet's pod exactly and re-attaches to its replacement", attachThroughLibK8s);

e2e("client-node port-forwards to a pod and to a Service", async (c) => {
  const ns = await namespace(c, "e2e-forward");
  await apply(
    c,
    ns,
    `apiVersion: v1
kind: Pod
metadata: {name: web, labels: {app: web}}
spec:
  containers:
  - name: httpd
    image: ${BUSYBOX_IMAGE}
    imagePullPolicy: Never
    command: ["httpd", "-f", "-p", "8080", "-h", "/www"]
    ports: [{containerPort: 8080, name: http}]
    readinessProbe: {httpGet: {path: /, port: 8080}, periodSeconds: 1}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: http}]
`,
  );
  await kwait(c, ns, ["--for=condition=Ready", "pod/web"]);
  const kc = c.adminConfig();
  for (const forward of [await forwardToPod(kc, ns, "web", 8080), await forwardToService(kc, ns, "web", 80)]) {
    await using _ = forward;
    const res = await fetch(`http://127.0.0.1:${forward.port}/`);
    assert.equal(await res.text(), "hello from busybox httpd\n");
  }
});

e2e(
  "a pod with the restricted Pod Security settings starts; a namespace enforcing restricted refuses one that is not",
  async (c) => {
    const ns = await namespace(c, "e2e-restricted", {
      "pod-security.kubernetes.io/enforce": "restricted",
      "pod-security.kubernetes.io/enforce-version": "latest",
    });
    await apply(
      c,
      ns,
      `apiVersion: v1
kind: Pod
metadata: {name: locked}
spec:
  automountServiceAccountToken: false
  securityContext: {runAsNonRoot: true, runAsUser: 65534, runAsGroup: 65534, seccompProfile: {type: RuntimeDefault}}
  containers:
  - name: sh
    image: ${BUSYBOX_IMAGE}
    imagePullPolicy: Never
    command: ["sleep", "100000"]
    securityContext:
      allowPrivilegeEscalation: false
      readOnlyRootFilesystem: true
      capabilities: {drop: ["ALL"]}
`,
    );
    await kwait(c, ns, ["--for=condition=Ready", "pod/locked"]);
    const status = await exec(c, ns, "locked", [
      "sh",
      "-c",
      "id -u; grep -E '^(CapEff|NoNewPrivs|Seccomp):' /proc/1/status",
    ]);
    assert.match(status ?? "", /^65534\n/);
    assert.match(status ?? "", /CapEff:\s+0000000000000000/);
    assert.match(status ?? "", /NoNewPrivs:\s+1/);
    assert.match(status ?? "", /Seccomp:\s+2/);
    assert.equal(await exec(c, ns, "locked", ["touch", "/x"]), undefined, "the root file system is writable");
    const refused = await c.kubectl(
      ["-n", ns, "apply", "-f", "-"],
      `apiVersion: v1
kind: Pod
metadata: {name: loose}
spec:
  containers: [{name: sh, image: ${BUSYBOX_IMAGE}, imagePullPolicy: Never, command: ["sleep", "1000"]}]
`,
    );
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /violates PodSecurity "restricted:latest"/);
  },
);

e2e(
  "a deny-all NetworkPolicy blocks traffic to a pod and an allow rule lets exactly the selected client in",
  async (c) => {
    const ns = await namespace(c, "e2e-netpol");
    const client = (name: string) =>
      `---
apiVersion: v1
kind: Pod
metadata: {name: ${name}, labels: {app: ${name}}}
spec:
  containers: [{name: sh, image: ${BUSYBOX_IMAGE}, imagePullPolicy: Never, command: ["sleep", "100000"]}]
`;
    await apply(
      c,
      ns,
      `apiVersion: v1
kind: Pod
metadata: {name: db, labels: {app: db}}
spec:
  containers:
  - name: httpd
    image: ${BUSYBOX_IMAGE}
    imagePullPolicy: Never
    command: ["httpd", "-f", "-p", "8080", "-h", "/www"]
    readinessProbe: {tcpSocket: {port: 8080}, periodSeconds: 1}
${client("allowed")}${client("other")}`,
    );
    await kwait(c, ns, ["--for=condition=Ready", "pod/db", "pod/allowed", "pod/other"]);
    const db = (await c.kubectl(["-n", ns, "get", "pod", "db", "-o", "jsonpath={.status.podIP}"])).stdout;
    const url = `http://${db}:8080/`;
    const page = "hello from busybox httpd";
    await eventuallyGets(c, ns, "allowed", url, page);
    await eventuallyGets(c, ns, "other", url, page);

    await apply(
      c,
      ns,
      `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-all}
spec: {podSelector: {}, policyTypes: [Ingress]}
`,
    );
    const blocked = (pod: string) =>
      poll(async () => (await getFails(c, ns, pod, url)) || undefined, {
        what: `${pod} to be blocked`,
        deadlineMs: 60_000,
      });
    await blocked("allowed");
    await blocked("other");

    await apply(
      c,
      ns,
      `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-client}
spec:
  podSelector: {matchLabels: {app: db}}
  policyTypes: [Ingress]
  ingress: [{from: [{podSelector: {matchLabels: {app: allowed}}}], ports: [{port: 8080, protocol: TCP}]}]
`,
    );
    await eventuallyGets(c, ns, "allowed", url, page);
    assert.ok(await getFails(c, ns, "other", url), "a pod the allow rule does not select got through");
  },
);

e2e(
  "the operator's NetworkPolicy for profile none confines the MCP pod and admits only its proxy; network opens egress",
  async (c) => {
    const ns = await namespace(c, "e2e-mcp-netpol");
    const pod = (name: string, labels: Record<string, string>, serve: boolean) =>
      JSON.stringify({
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name, labels },
        spec: {
          containers: [{
            name: "sh",
            image: BUSYBOX_IMAGE,
            imagePullPolicy: "Never",
            command: serve ? ["httpd", "-f", "-p", "8080", "-h", "/www"] : ["sleep", "100000"],
            ...(serve ? { readinessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 1 } } : {}),
          }],
        },
      });
    // Labelled as the proxy runner labels the MCP pod and as the operator labels the proxy pods (decision 016).
    const proxyLabels = {
      app: "mcpserver",
      "app.kubernetes.io/name": "mcpserver",
      "app.kubernetes.io/instance": "srv",
      toolhive: "true",
      "toolhive-name": "srv",
    };
    for (
      const manifest of [
        pod("mcp", { app: "srv", toolhive: "true", "toolhive-name": "srv" }, true),
        pod("proxy", proxyLabels, false),
        pod("stranger", { app: "stranger" }, false),
        pod("other", { app: "other" }, true),
      ]
    ) await apply(c, ns, manifest);
    await kwait(c, ns, ["--for=condition=Ready", "pod/mcp", "pod/proxy", "pod/stranger", "pod/other"]);
    const ip = async (name: string) =>
      (await c.kubectl(["-n", ns, "get", "pod", name, "-o", "jsonpath={.status.podIP}"])).stdout;
    const mcpUrl = `http://${await ip("mcp")}:8080/`;
    const otherUrl = `http://${await ip("other")}:8080/`;
    const page = "hello from busybox httpd";
    // Before any policy every path is open: what is blocked later is blocked by the policy.
    await eventuallyGets(c, ns, "mcp", otherUrl, page);
    await eventuallyGets(c, ns, "stranger", mcpUrl, page);

    const policy = (egress: Egress) => {
      const built = desiredNetworkPolicy(
        mcpServer({ transport: "streamable-http", mcpPort: 8080 }, { name: "srv", namespace: ns }),
        egress,
      );
      // No owner: the test's MCPServer does not exist, and the garbage collector would delete the policy.
      return JSON.stringify({ ...built, metadata: { ...built.metadata, ownerReferences: undefined } });
    };
    await apply(c, ns, policy({ all: false, rules: [] }));
    const blocked = (from: string, url: string) =>
      poll(async () => (await getFails(c, ns, from, url)) || undefined, {
        what: `${from} to be blocked from ${url}`,
        deadlineMs: 60_000,
      });
    await blocked("mcp", otherUrl);
    await blocked("stranger", mcpUrl);
    await eventuallyGets(c, ns, "proxy", mcpUrl, page);
    assert.ok(await getFails(c, ns, "mcp", otherUrl), "the MCP pod reached another pod under none");

    await apply(c, ns, policy({ all: true }));
    await eventuallyGets(c, ns, "mcp", otherUrl, page);
    await eventuallyGets(c, ns, "proxy", mcpUrl, page);
    assert.ok(await getFails(c, ns, "stranger", mcpUrl), "network still admits only the proxy");
  },
);

e2e("the thv image prints its version in a pod with a read-only root file system", async (c) => {
  const ns = await namespace(c, "e2e-thv-version");
  await apply(
    c,
    ns,
    `apiVersion: v1
kind: Pod
metadata: {name: version}
spec:
  restartPolicy: Never
  securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
  containers:
  - name: thv
    image: ${THV_IMAGE}
    imagePullPolicy: Never
    args: ["--version"]
    securityContext: {allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: {drop: ["ALL"]}}
`,
  );
  await kwait(c, ns, ["--for=jsonpath={.status.phase}=Succeeded", "pod/version"]);
  const logs = await c.kubectl(["-n", ns, "logs", "version"]);
  assert.equal(logs.stdout.trim(), denoJson.version);
});

e2e(
  "thv proxy stdio in a pod serves the fixture's tool call through a Service to a client outside the cluster",
  async (c) => {
    const ns = await namespace(c, "e2e-thv-proxy");
    const configMap = {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "fixture" },
      data: { "mcp_fixture.ts": await Deno.readTextFile(FIXTURE_SOURCE) },
    };
    await apply(c, ns, JSON.stringify(configMap));
    await apply(
      c,
      ns,
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: fixture}
spec:
  replicas: 1
  selector: {matchLabels: {app: fixture}}
  template:
    metadata: {labels: {app: fixture}}
    spec:
      securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
      containers:
      - name: thv
        image: ${THV_IMAGE}
        imagePullPolicy: Never
        args: ["proxy", "stdio", "--host", "0.0.0.0", "--port", "8080", "--",
               "deno", "run", "-A", "--cached-only", "--config=/app/deno.json", "/app/tests/fixtures/mcp_fixture.ts", "stdio"]
        ports: [{containerPort: 8080, name: mcp}]
        readinessProbe: {tcpSocket: {port: 8080}, periodSeconds: 1}
        securityContext: {allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: {drop: ["ALL"]}}
        volumeMounts: [{name: fixture, mountPath: /app/tests/fixtures, readOnly: true}]
      volumes: [{name: fixture, configMap: {name: fixture}}]
---
apiVersion: v1
kind: Service
metadata: {name: fixture}
spec:
  selector: {app: fixture}
  ports: [{port: 80, targetPort: mcp}]
`,
    );
    await kwait(c, ns, ["--for=condition=Available", "deployment/fixture"]);
    await using forward = await forwardToService(c.adminConfig(), ns, "fixture", 80);
    const client = await connectClient(`http://127.0.0.1:${forward.port}/mcp`);
    try {
      const result = await client.callTool({ name: "echo", arguments: { message: "from outside the cluster" } });
      assert.deepEqual(result.content, [{ type: "text", text: "Echo: from outside the cluster" }]);
    } finally {
      await client.close();
    }
  },
);

e2e(
  "helm installs the CRDs and the operator, which runs in-cluster from the thv image and makes an MCPServer's proxy",
  async (c) => {
    const system = await namespace(c, OPERATOR_NAMESPACE, {
      "pod-security.kubernetes.io/enforce": "restricted",
      "pod-security.kubernetes.io/enforce-version": "latest",
    });
    await installCrdsChart(c);
    await installOperatorChart(c);
    const selector = "app.kubernetes.io/name=thv-operator";
    await kwait(c, system, ["--for=condition=Ready", "pod", "-l", selector]);
    const get = async (ns: string, args: readonly string[]) => {
      const r = await c.kubectl(["-n", ns, "get", ...args]);
      return r.code === 0 ? r.stdout.trim() : undefined;
    };
    const pod = await get(system, ["pod", "-l", selector, "-o", "jsonpath={.items[*].metadata.name}"]);
    assert.match(pod ?? "", /^thv-operator-[a-z0-9-]+$/, "one operator pod");
    assert.equal(await get(system, ["pod", pod!, "-o", "jsonpath={.spec.containers[0].image}"]), THV_IMAGE);
    const holder = await poll(
      async () =>
        await get(system, ["lease", "thv-operator-leader", "-o", "jsonpath={.spec.holderIdentity}"]) || undefined,
      { what: "the operator to hold its leader Lease", deadlineMs: 60_000 },
    );
    assert.equal(holder, pod);

    const ns = await namespace(c, "e2e-chart");
    await apply(
      c,
      ns,
      `apiVersion: toolhive.stacklok.dev/v1beta1
kind: MCPServer
metadata: {name: fetch}
spec: {image: "${EVERYTHING_IMAGE}", transport: stdio}
`,
    );
    const children = ["deployment/fetch", "service/mcp-fetch-proxy", "configmap/fetch-runconfig"];
    for (const child of children) {
      const owner = await poll(
        async () => await get(ns, [child, "-o", "jsonpath={.metadata.ownerReferences[0].kind}"]) || undefined,
        { what: `the operator to create ${child}`, deadlineMs: 120_000 },
      );
      assert.equal(owner, "MCPServer", `${child} is owned by the MCPServer`);
    }
    assert.equal(
      await get(ns, ["deployment", "fetch", "-o", "jsonpath={.spec.template.spec.containers[0].image}"]),
      THV_IMAGE,
    );
    const phase = await poll(
      async () => await get(ns, ["mcpserver", "fetch", "-o", "jsonpath={.status.phase}"]) || undefined,
      { what: "the operator to write the MCPServer's status", deadlineMs: 60_000 },
    );
    assert.match(phase, /^(Pending|Ready|Failed)$/);

    const deleted = await c.kubectl(["-n", ns, "delete", "mcpserver", "fetch", "--timeout=120s"]);
    assert.equal(deleted.code, 0, deleted.stderr);
    for (const child of children) {
      await poll(async () => await get(ns, [child, "-o", "name"]) === undefined || undefined, {
        what: `the operator to delete ${child} with its MCPServer`,
        deadlineMs: 60_000,
      });
    }

    await uninstallCharts(c, { crds: true });
    assert.equal(await get(system, ["deployment", "thv-operator", "-o", "name"]), undefined, "the operator is left");
    assert.equal(await get(system, ["serviceaccount", "thv-operator", "-o", "name"]), undefined);
    // helm.sh/resource-policy: keep: uninstalling the CRDs chart must not take every MCPServer with it.
    assert.equal(
      await get("default", ["crd", "mcpservers.toolhive.stacklok.dev", "-o", "name"]),
      "customresourcedefinition.apiextensions.k8s.io/mcpservers.toolhive.stacklok.dev",
    );
  },
);

e2e(
  "the operator chart in namespace scope reconciles MCPServers in its namespaces only, under Roles",
  async (c) => {
    // The CRDs outlived their release (kept): the operator chart installs on its own.
    const [a, b] = [await namespace(c, "e2e-chart-a"), await namespace(c, "e2e-chart-b")];
    await installOperatorChart(c, { "operator.rbac.scope": "namespace", "operator.rbac.allowedNamespaces": `{${a}}` });
    const get = async (ns: string, args: readonly string[]) => {
      const r = await c.kubectl(["-n", ns, "get", ...args]);
      return r.code === 0 ? r.stdout.trim() : undefined;
    };
    assert.equal(await get("default", ["clusterrole", "thv-operator", "-o", "name"]), undefined, "a ClusterRole");
    const server = `apiVersion: toolhive.stacklok.dev/v1beta1
kind: MCPServer
metadata: {name: fetch}
spec: {image: "${EVERYTHING_IMAGE}", transport: stdio}
`;
    await apply(c, b, server);
    await apply(c, a, server);
    await poll(async () => await get(a, ["deployment", "fetch", "-o", "name"]) || undefined, {
      what: `the operator to create deployment/fetch in ${a}`,
      deadlineMs: 120_000,
    });
    // Applied first and never watched: the operator has neither read nor write rights in b.
    assert.equal(await get(b, ["deployment", "fetch", "-o", "name"]), undefined);
    assert.equal(await get(b, ["mcpserver", "fetch", "-o", "jsonpath={.status.phase}"]), "");
    const deleted = await c.kubectl(["-n", a, "delete", "mcpserver", "fetch", "--timeout=120s"]);
    assert.equal(deleted.code, 0, deleted.stderr);
    await uninstallCharts(c, { crds: false });
    assert.equal(await get(a, ["role", "thv-operator", "-o", "name"]), undefined, "the Role is left");
  },
);

e2e("a second cluster on the same machine waits for the lock and then fails clearly", async () => {
  await assert.rejects(startCluster({ lockWaitMs: 1000 }), /Another thv test cluster holds .* wait for it to stop/);
});

Deno.test({
  name: "e2e: after the tier nothing of the cluster is left on the machine",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const c = await cluster();
    const pids = Object.values(c.pids());
    await c.stop();
    if (images) await Deno.remove(images, { recursive: true });
    assert.deepEqual(await hostLeftovers({ folders: [c.root], binaryDir: c.binaries.nodeDir }, c.saved), []);
    for (const pid of pids) {
      assert.equal(
        await Deno.stat(`/proc/${pid}`).then(() => true, () => false),
        false,
        `process ${pid} is still there`,
      );
    }
    assert.equal(await Deno.stat(c.root).then(() => true, () => false), false, `${c.root} is still there`);
    const mounts = await Deno.readTextFile("/proc/self/mountinfo");
    assert.ok(!mounts.includes(c.root), "a mount under the cluster's folder is left");
  },
});

Deno.test({
  name:
    "e2e: dev:cluster --node loads the thv and test images and --image, prints KUBECONFIG, and SIGTERM restores the host",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const dir = await Deno.makeTempDir({ dir: CLUSTER_PARENT, prefix: "thv-e2e-extra-" });
    const task = new Deno.Command(Deno.execPath(), {
      args: ["task", "dev:cluster", "--node", "--image", `${dir}/extra.tar`],
      cwd: REPO_ROOT,
      stdout: "piped",
      stderr: "piped",
      env: { NO_COLOR: "1" },
    });
    try {
      await testImageArchive({ tag: "localhost/thv-e2e-extra:1", cmd: ["sh"] }, `${dir}/extra.tar`);
      const child = task.spawn();
      const stderr = new Response(child.stderr).text();
      try {
        const first = await within(firstLine(child.stdout), 600_000, "the KUBECONFIG line");
        const kubeconfig = /^KUBECONFIG=(\/.+)$/.exec(first)?.[1];
        assert.ok(kubeconfig, `first line is KUBECONFIG=<path>, got ${first}`);
        const root = kubeconfig.slice(0, kubeconfig.lastIndexOf("/conf/"));
        const nodes = await kubectl(kubeconfig, ["get", "nodes", "-o", "name"]);
        assert.equal(nodes.stdout.trim(), "node/thv-node", nodes.stderr);
        const listed = await new Deno.Command("ctr", {
          args: ["--address", `${root}/containerd/containerd.sock`, "-n", "k8s.io", "images", "ls", "-q"],
          stdout: "piped",
        }).output();
        const refs = new TextDecoder().decode(listed.stdout);
        for (const ref of [THV_IMAGE, FIXTURE_IMAGE, EVERYTHING_IMAGE, "localhost/thv-e2e-extra:1", BUSYBOX_IMAGE]) {
          assert.ok(refs.includes(ref), `${ref} is not loaded: ${refs}`);
        }
        child.kill("SIGTERM");
        const status = await child.status;
        assert.equal(status.code, 0, await stderr);
        assert.deepEqual(await hostLeftovers({ folders: [root] }), []);
        assert.equal(await Deno.stat(root).then(() => true, () => false), false, `${root} is still there`);
      } finally {
        try {
          child.kill("SIGTERM");
        } catch { /* exited */ }
        await child.status;
        await stderr;
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
