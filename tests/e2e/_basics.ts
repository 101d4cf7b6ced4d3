/**
 * The e2e tier's first steps: the cluster itself works as users expect of one (images, DNS, ClusterIPs, attach,
 * port-forward, Pod Security), before any of thv runs in it.
 * @module
 */
import assert from "node:assert/strict";
import { BUSYBOX_IMAGE, type NodeCluster, poll, testImageArchive } from "../harness/mod.ts";
import { apply, attach, eventuallyGets, exec, forwardToPod, forwardToService, kwait, namespace } from "./_kube.ts";

/** e2e: a Deployment of a locally built image becomes Available. */
export async function deploymentOfLocalImage(c: NodeCluster): Promise<void> {
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
}

/** e2e: a StatefulSet behind a headless Service is reachable from another pod by DNS name and through a ClusterIP. */
export async function statefulSetByDnsAndClusterIp(c: NodeCluster): Promise<void> {
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
}

/** e2e: client-node attaches to a pod's stdin and stdout and exchanges JSON-RPC lines exactly. */
export async function clientNodeAttach(c: NodeCluster): Promise<void> {
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
}

/** e2e: client-node port-forwards to a pod and to a Service. */
export async function clientNodePortForward(c: NodeCluster): Promise<void> {
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
}

/** e2e: a pod with the restricted Pod Security settings starts; a namespace enforcing restricted refuses one that is not. */
export async function restrictedPodSecurity(c: NodeCluster): Promise<void> {
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
}
