/**
 * A real single-node Kubernetes for tests (design.md §7, real-node.md): etcd, kube-apiserver,
 * kube-controller-manager, kube-scheduler, containerd, kubelet, kube-proxy, CoreDNS and kube-router, all
 * under one temporary folder, the node on `172.31.255.1/32` on `lo`, pods in 10.244.0.0/16 and Services in
 * 10.96.0.0/16. Pods really run; images come from docker-archives, never from a registry. One cluster per
 * machine at a time (a lock); {@linkcode NodeCluster.stop} undoes every change to the host.
 * @module
 */
import { KubeConfig } from "@kubernetes/client-node";
import { kubectl, type KubectlResult } from "./kubectl.ts";
import { poll } from "./poll.ts";
import type { ServerProcess } from "./process.ts";
import { type NodeBinaries, nodeBinaries } from "./node/binaries.ts";
import * as c from "./node/components.ts";
import {
  API_PORT,
  type ClusterPaths,
  clusterPaths,
  cniConflist,
  containerdToml,
  corednsManifest,
  kubeletYaml,
  kubeProxyYaml,
  NODE_NAME,
  POD_SUBNET,
} from "./node/config.ts";
import {
  addEgressGuard,
  addHostGuard,
  addNodeAddress,
  hostLeftovers,
  processesMentioning,
  readHostState,
  restoreHost,
  type SavedHostState,
  saveHostState,
  sh,
} from "./node/host.ts";
import { baseImages, importArchive } from "./node/images.ts";
import { acquireClusterLock, type ClusterLock, CURRENT_FILE } from "./node/lock.ts";
import { API_SERVER, writePki } from "./node/pki.ts";
import { startComponent, stopPid, stopRecorded } from "./node/processes.ts";

export { API_SERVER } from "./node/pki.ts";
export { type ClusterMarkers, hostLeftovers, type SavedHostState } from "./node/host.ts";
export { BUSYBOX_IMAGE, CLUSTER_CIDR, DNS_IP, NODE_IP, NODE_NAME, SERVICE_CIDR } from "./node/config.ts";

/** Where the folders of test clusters go (not /tmp: other tests sweep it). */
export const CLUSTER_PARENT = "/var/tmp";
/** The prefix of a cluster's folder name. */
export const CLUSTER_PREFIX = "thv-node-";

/** A running single-node cluster. `await using cluster = await startCluster()` stops it at the end of the scope. */
export interface NodeCluster extends AsyncDisposable {
  /** The cluster's folder (configuration, PKI, data, logs). */
  readonly root: string;
  /** A kubeconfig for cluster-admin. */
  readonly kubeconfigPath: string;
  /** The API server's URL. */
  readonly server: string;
  /** Host state as it was before the start (what {@linkcode NodeCluster.stop} puts back). */
  readonly saved: SavedHostState;
  /** The binaries' folder (its path appears in the command line of every node process). */
  readonly binaries: NodeBinaries;
  /** Milliseconds from the start call to node Ready, and to everything ready. */
  readonly timings: { readonly nodeReadyMs: number; readyMs: number };
  /** A client-node configuration for cluster-admin. */
  adminConfig(): KubeConfig;
  /** Runs kubectl as cluster-admin. */
  kubectl(args: readonly string[], stdin?: string): Promise<KubectlResult>;
  /** Imports a docker-archive into the node's containerd (pods then use it with `imagePullPolicy: Never`). */
  importImage(archive: string): Promise<void>;
  /** PIDs of the cluster's own processes, by name. */
  pids(): Record<string, number>;
  /**
   * Stops everything and restores the host; returns notes about what was deliberately kept. `whileLocked` runs
   * after the teardown and before the machine lock is released, so checks of the host see no next cluster's state.
   */
  stop(options?: { readonly whileLocked?: () => Promise<void> }): Promise<string[]>;
}

/** Options of {@linkcode startCluster}. */
export interface ClusterOptions {
  /** How long to wait for another cluster to stop (default 20 min: a whole e2e tier). */
  readonly lockWaitMs?: number;
  /** How long the start may take once the lock is held (default 5 min: a busy 2-core machine). */
  readonly readyTimeoutMs?: number;
  /** More docker-archives to import before the start returns. */
  readonly images?: readonly string[];
  /** Binaries, resolved with {@linkcode nodeBinaries} when absent. */
  readonly binaries?: NodeBinaries;
}

const COMPONENTS = [
  "kube-router",
  "kube-proxy",
  "kubelet",
  "containerd",
  "kube-scheduler",
  "kube-controller-manager",
  "kube-apiserver",
  "etcd",
] as const;

async function writeConfigs(p: ClusterPaths): Promise<void> {
  for (const dir of ["pki", "conf", "logs", "run", "cni/net.d", "cni/ipam", "containerd", "kubelet", "images"]) {
    await Deno.mkdir(`${p.root}/${dir}`, { recursive: true });
  }
  await Deno.writeTextFile(`${p.conf}/containerd.toml`, containerdToml(p));
  await Deno.writeTextFile(`${p.root}/cni/net.d/10-thv-node.conflist`, cniConflist(p));
  await Deno.writeTextFile(`${p.conf}/kubelet.yaml`, kubeletYaml(p));
  await Deno.writeTextFile(`${p.conf}/kube-proxy.yaml`, kubeProxyYaml(p));
  await Deno.writeTextFile(`${p.conf}/pod-resolv.conf`, "# no upstream resolver in the thv test cluster\n");
}

/** Stops every process of the cluster at `p` (live or recorded by a crashed run) and restores the host. */
async function teardown(p: ClusterPaths, binaries: NodeBinaries | undefined): Promise<string[]> {
  const pidOf = async (name: string) => Number(await Deno.readTextFile(`${p.run}/${name}.pid`).catch(() => "0"));
  const running = async (name: string) => {
    const pid = await pidOf(name);
    return pid > 0 && (await Deno.readTextFile(`/proc/${pid}/cmdline`).catch(() => "")).includes(p.root);
  };
  // 1. Pods are not deleted through the API (PID 1 of many images ignores SIGTERM, so that takes a grace period
  //    per pod): once the kubelet is gone, cri-rmp stops every sandbox, which kills its containers at once
  //    and runs the CNI DEL that gives back its address and veth.
  // 2. The policy agent and kube-proxy, then their rules.
  await stopRecorded(p, "kube-router");
  if (binaries) await sh(`${binaries.nodeDir}/kube-router`, ["--cleanup-config"]);
  await stopRecorded(p, "kube-proxy");
  if (binaries) await sh(`${binaries.nodeDir}/kube-proxy`, ["--cleanup", "--v=0"]);
  // 3. The kubelet, every sandbox, containerd, and shims that outlived it.
  await stopRecorded(p, "kubelet");
  if (binaries && await running("containerd")) {
    await sh(`${binaries.nodeDir}/cri-rmp`, [`unix://${p.containerdSocket}`]);
  }
  await stopRecorded(p, "containerd");
  for (const proc of await processesMentioning(p.root)) await stopPid(proc.pid, p.root, 5000);
  // 4. The control plane.
  for (const name of ["kube-scheduler", "kube-controller-manager", "kube-apiserver", "etcd"]) {
    await stopRecorded(p, name);
  }
  // 5. The host.
  return await restoreHost(p, await readHostState(p));
}

/** Tears down a cluster that a crashed run left (its folder is recorded next to the lock). */
async function recoverCrashed(binaries: NodeBinaries): Promise<void> {
  const previous = (await Deno.readTextFile(CURRENT_FILE).catch(() => "")).trim();
  if (!previous) return;
  if (
    previous.startsWith(`${CLUSTER_PARENT}/${CLUSTER_PREFIX}`) &&
    await Deno.stat(previous).then(() => true, () => false)
  ) {
    console.error(`thv test cluster: cleaning up after a run that did not stop (${previous})`);
    await teardown(clusterPaths(previous), binaries);
    await Deno.remove(previous, { recursive: true }).catch(() => {});
  }
  await Deno.remove(CURRENT_FILE).catch(() => {});
}

/** Starts the cluster and waits until the node is Ready, `default` exists, CoreDNS answers and policies apply. */
export async function startCluster(options: ClusterOptions = {}): Promise<NodeCluster> {
  const binaries = options.binaries ?? await nodeBinaries();
  const lock: ClusterLock = await acquireClusterLock(options.lockWaitMs ?? 20 * 60_000);
  const t0 = Date.now();
  let p: ClusterPaths | undefined;
  const processes = new Map<string, ServerProcess>();
  try {
    await recoverCrashed(binaries);
    const before = await hostLeftovers({
      folders: [`${CLUSTER_PARENT}/${CLUSTER_PREFIX}`],
      binaryDir: binaries.nodeDir,
    });
    if (before.length) {
      throw new Error(
        `Cannot start the test cluster: the host still has parts of another cluster (${before.join("; ")}): ` +
          "stop it, or remove them by hand",
      );
    }
    p = clusterPaths(await Deno.makeTempDir({ dir: CLUSTER_PARENT, prefix: CLUSTER_PREFIX }));
    await Deno.writeTextFile(CURRENT_FILE, p.root);
    await writeConfigs(p);
    const [, archives] = await Promise.all([writePki(p), baseImages(`${p.root}/images`, binaries.nodeDir)]);
    const saved = await saveHostState(p);
    await addNodeAddress();
    await addEgressGuard();
    await addHostGuard();
    const paths = p;
    const start = async (component: c.Component) =>
      processes.set(component.name, await startComponent(paths, component));
    const deadline = Date.now() + (options.readyTimeoutMs ?? 5 * 60_000);
    const until = (what: string) => ({ what, deadlineMs: Math.max(1000, deadline - Date.now()), intervalMs: 200 });
    const watched = new Set<string>();
    const failIfExited = () => {
      for (const proc of processes.values()) {
        if (watched.has(proc.name)) continue;
        watched.add(proc.name);
        proc.exited.then((s) => {
          if (!stopping) {
            console.error(`thv test cluster: ${proc.name} exited with code ${s.code}; log ${proc.logPath}`);
          }
        });
      }
    };
    let stopping = false;

    const caPem = await Deno.readTextFile(`${p.pki}/ca.crt`);
    const client = Deno.createHttpClient({
      caCerts: [caPem],
      cert: await Deno.readTextFile(`${p.pki}/admin.crt`),
      key: await Deno.readTextFile(`${p.pki}/admin.key`),
    });
    const api = async (path: string) => {
      const res = await fetch(`${API_SERVER}${path}`, { client, signal: AbortSignal.timeout(5000) });
      if (!res.ok) {
        await res.body?.cancel();
        return undefined;
      }
      return await res.json();
    };
    const explain = async (e: unknown, names: string[]) => {
      const tails = await Promise.all(names.map(async (n) => `--- ${n}:\n${await processes.get(n)?.logTail(15)}`));
      return new Error(`${(e as Error).message}\n${tails.join("\n")}`, { cause: e });
    };

    try {
      await start(c.etcd(p, binaries));
      await poll(
        async () => (await fetch(`${c.ETCD_URL}/health`, { signal: AbortSignal.timeout(2000) })).ok || undefined,
        until("etcd"),
      )
        .catch(async (e) => {
          throw await explain(e, ["etcd"]);
        });
      await start(c.kubeApiserver(p, binaries, API_PORT));
      await poll(async () => {
        const res = await fetch(`${API_SERVER}/readyz`, { client, signal: AbortSignal.timeout(5000) });
        await res.body?.cancel();
        return res.ok || undefined;
      }, until("kube-apiserver /readyz")).catch(async (e) => {
        throw await explain(e, ["kube-apiserver"]);
      });
      await start(c.kubeControllerManager(p, binaries));
      await start(c.kubeScheduler(p, binaries));
      await start(c.containerd(p));
      const sock = p.containerdSocket;
      await poll(async () => (await sh("ctr", ["--address", sock, "version"])).ok || undefined, until("containerd"))
        .catch(async (e) => {
          throw await explain(e, ["containerd"]);
        });
      for (const archive of [...archives.map((a) => a.path), ...(options.images ?? [])]) {
        await importArchive(sock, archive);
      }
      await start(c.kubelet(p, binaries));
      await start(c.kubeProxy(p, binaries));
      failIfExited();
      await poll(async () => {
        const node = await api(`/api/v1/nodes/${NODE_NAME}`);
        const ready = node?.status?.conditions?.find((x: { type: string }) => x.type === "Ready");
        return ready?.status === "True" || undefined;
      }, until("node Ready")).catch(async (e) => {
        throw await explain(e, ["kubelet", "containerd"]);
      });
      const nodeReadyMs = Date.now() - t0;
      // kube-router needs the node's pod range; the bridge plugin's static range is the same.
      const admin = `${p.conf}/admin.kubeconfig`;
      const patched = await kubectl(admin, [
        "patch",
        "node",
        NODE_NAME,
        "-p",
        JSON.stringify({ spec: { podCIDR: POD_SUBNET, podCIDRs: [POD_SUBNET] } }),
      ]);
      if (patched.code !== 0) throw new Error(`Cannot set the node's podCIDR: ${patched.stderr.trim()}`);
      await start(c.kubeRouter(p, binaries));
      failIfExited();
      await poll(
        async () => (await api("/api/v1/namespaces/default/serviceaccounts/default")) ? true : undefined,
        until("the default ServiceAccount"),
      );
      await poll(
        async () => (await api("/api/v1/namespaces/default/configmaps/kube-root-ca.crt")) ? true : undefined,
        until("ConfigMap kube-root-ca.crt"),
      );
      const dns = await kubectl(admin, ["apply", "-f", "-"], corednsManifest());
      if (dns.code !== 0) throw new Error(`Cannot deploy CoreDNS: ${dns.stderr.trim()}`);
      await poll(async () => {
        const d = await api("/apis/apps/v1/namespaces/kube-system/deployments/coredns");
        return (d?.status?.availableReplicas ?? 0) >= 1 || undefined;
      }, until("CoreDNS Available")).catch(async (e) => {
        throw await explain(e, ["kubelet"]);
      });
      await poll(
        async () => (await sh("iptables", ["-t", "filter", "-S", "KUBE-ROUTER-FORWARD"])).ok || undefined,
        until("kube-router's chains"),
      )
        .catch(async (e) => {
          throw await explain(e, ["kube-router"]);
        });
      const timings = { nodeReadyMs, readyMs: Date.now() - t0 };
      client.close();

      let stopped: Promise<string[]> | undefined;
      const root = p.root;
      const stop = (options: { readonly whileLocked?: () => Promise<void> } = {}) =>
        stopped ??= (async () => {
          stopping = true;
          try {
            const notes = await teardown(paths, binaries);
            await Promise.all([...processes.values()].map((x) => x.exited));
            await Deno.remove(root, { recursive: true }).catch(() => {});
            await Deno.remove(CURRENT_FILE).catch(() => {});
            await options.whileLocked?.();
            return notes;
          } finally {
            await lock.release();
          }
        })();
      return {
        root,
        kubeconfigPath: admin,
        server: API_SERVER,
        saved,
        binaries,
        timings,
        adminConfig() {
          const config = new KubeConfig();
          config.loadFromFile(admin);
          return config;
        },
        kubectl: (args, stdin) => kubectl(admin, args, stdin),
        importImage: (archive) => importArchive(sock, archive),
        pids: () => Object.fromEntries([...processes].map(([name, proc]) => [name, proc.pid])),
        stop,
        [Symbol.asyncDispose]: async () => {
          await stop();
        },
      };
    } catch (e) {
      client.close();
      stopping = true;
      throw e;
    }
  } catch (e) {
    if (p) {
      await teardown(p, binaries).catch(() => {});
      await Promise.all([...processes.values()].map((x) => x.exited));
      // The logs help more than a clean folder when a start fails: keep them next to the error.
      await Deno.remove(CURRENT_FILE).catch(() => {});
      const logs = `${p.root}.logs`;
      await Deno.rename(p.logs, logs).catch(() => {});
      await Deno.remove(p.root, { recursive: true }).catch(() => {});
      await lock.release();
      throw new Error(`${(e as Error).message}\n(component logs kept in ${logs})`, { cause: e });
    }
    await lock.release();
    throw e;
  }
}

/** The components in teardown order, for callers that inspect {@linkcode NodeCluster.pids}. */
export const CLUSTER_COMPONENTS = COMPONENTS;
