/**
 * The cluster e2e tier (design.md §7): one real single-node cluster shared by the tests of this file (they
 * run in order), driven with kubectl and @kubernetes/client-node like a user drives a cluster. The last test
 * stops it and checks that nothing of it is left on the machine. Longer steps live in the `_*.ts` modules
 * beside it, each a function of the cluster.
 * @module
 */
import assert from "node:assert/strict";
import denoJson from "../../deno.json" with { type: "json" };
import { attachThroughLibK8s } from "./_attach.ts";
import { buildThvImage, THV_IMAGE } from "../../scripts/image.ts";
import {
  BUSYBOX_IMAGE,
  CLUSTER_PARENT,
  EVERYTHING_IMAGE,
  firstLine,
  FIXTURE_IMAGE,
  hostLeftovers,
  kubectl,
  type NodeCluster,
  REPO_ROOT,
  startCluster,
  testImageArchive,
  within,
} from "../harness/mod.ts";
import { apply, kwait, namespace } from "./_kube.ts";
import {
  clientNodeAttach,
  clientNodePortForward,
  deploymentOfLocalImage,
  restrictedPodSecurity,
  statefulSetByDnsAndClusterIp,
} from "./_basics.ts";
import { thvProxyStdioInPod } from "./_thv_proxy_pod.ts";
import { denyAllNetworkPolicy } from "./_network_policy_basics.ts";
import { chartNamespaceScope, helmInstallsOperator } from "./_chart_steps.ts";
import { networkPolicyConfinesMcpPod } from "./_network_policy.ts";
import { deletingServersRemovesEverything, serversBecomeReadyAndAnswer } from "./_mcp_servers.ts";
import { podCallsStatusUrl } from "./_mcp_in_cluster.ts";
import { httpMcpPodKilled, stdioMcpPodKilled } from "./_mcp_failures.ts";
import { missingImageFails, permissionProfilesInCluster } from "./_mcp_profiles.ts";
import { releaseOperator } from "./_mcp_kit.ts";
import { toolConfigInCluster } from "./_tool_config.ts";
import { remoteProxyFrontsHostServer } from "./_remote_proxy.ts";
import { authInCluster } from "./_auth.ts";

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

e2e(
  "a Deployment of a locally built image becomes Available",
  deploymentOfLocalImage,
);

e2e(
  "a StatefulSet behind a headless Service is reachable from another pod by DNS name and through a ClusterIP",
  statefulSetByDnsAndClusterIp,
);

e2e(
  "client-node attaches to a pod's stdin and stdout and exchanges JSON-RPC lines exactly",
  clientNodeAttach,
);

e2e("lib/k8s attaches to a StatefulSet's pod exactly and re-attaches to its replacement", attachThroughLibK8s);

e2e(
  "client-node port-forwards to a pod and to a Service",
  clientNodePortForward,
);

e2e(
  "a pod with the restricted Pod Security settings starts; a namespace enforcing restricted refuses one that is not",
  restrictedPodSecurity,
);

e2e(
  "a deny-all NetworkPolicy blocks traffic to a pod and an allow rule lets exactly the selected client in",
  denyAllNetworkPolicy,
);

e2e(
  "the operator's NetworkPolicy for profile none confines the MCP pod and admits only its proxy; network opens egress",
  networkPolicyConfinesMcpPod,
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
  thvProxyStdioInPod,
);

e2e(
  "helm installs the CRDs and the operator, which runs in-cluster from the thv image and makes an MCPServer's proxy",
  helmInstallsOperator,
);

e2e(
  "the operator chart in namespace scope reconciles MCPServers in its namespaces only, under Roles",
  chartNamespaceScope,
);

e2e(
  "MCPServers over stdio, streamable-http and sse become Ready and answer echo from outside the cluster over /mcp and /sse",
  serversBecomeReadyAndAnswer,
);

e2e("a pod in another namespace calls a tool at each MCPServer's status.url by its DNS name", podCallsStatusUrl);

e2e(
  "deleting the MCPServers removes their StatefulSets, Services and every pod; helm uninstalls the operator",
  deletingServersRemovesEverything,
);

e2e(
  "an MCPServer's stdio MCP pod killed: the call in flight fails, it leaves Ready, re-attaches by itself; so does its proxy pod",
  stdioMcpPodKilled,
);

e2e(
  "an MCPServer's streamable-http MCP pod killed: the call in flight fails, it leaves Ready and recovers; so does its proxy pod",
  httpMcpPodKilled,
);

e2e(
  "an MCPServer under profile none reaches no other pod or Service while its proxy reaches it; network reaches another pod",
  permissionProfilesInCluster,
);

e2e(
  "an MCPServer whose image does not exist reports the image and the pull error, not an endless Pending",
  missingImageFails,
);

e2e(
  "an MCPToolConfig filters and renames an MCPServer's tools for clients outside the cluster; an edit rolls it",
  toolConfigInCluster,
);

e2e(
  "an MCPRemoteProxy fronts an MCP server on the host: a Secret's header reaches it, the value leaks nowhere",
  remoteProxyFrontsHostServer,
);

e2e(
  "an MCPServer authenticates clients with an MCPOIDCConfig and authorizes them with Cedar from an MCPAuthzConfig",
  authInCluster,
);

e2e("the operator chart the MCPServer steps installed uninstalls", releaseOperator);

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
    // Checked under the machine lock: a cluster waiting for it (another run) would add its own host state.
    await c.stop({
      whileLocked: async () => {
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
    if (images) await Deno.remove(images, { recursive: true });
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
