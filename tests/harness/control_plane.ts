/**
 * A real Kubernetes control plane for tests (design.md §7): etcd and kube-apiserver on free loopback ports,
 * TLS from a throwaway CA, RBAC authorization, service-account token signing, client-certificate identities
 * (cluster-admin and any other user), readiness awaited through `/readyz`, and a kubeconfig on disk.
 * Everything lives in one temporary folder that {@linkcode ControlPlane.stop} removes.
 * @module
 */
import { KubeConfig } from "@kubernetes/client-node";
import { type ControlPlaneAssets, controlPlaneAssets } from "./assets.ts";
import { type CertFiles, createCa, createServiceAccountKey, issueCert } from "./pki.ts";
import { freePorts } from "./ports.ts";
import { type ServerProcess, startProcess, waitUntilReady } from "./process.ts";

/** A running control plane. `await using cp = await startControlPlane()` stops it at the end of the scope. */
export interface ControlPlane extends AsyncDisposable {
  /** The API server's URL, `https://127.0.0.1:<port>`. */
  readonly server: string;
  /** A kubeconfig file for the cluster-admin identity (group `system:masters`). */
  readonly kubeconfigPath: string;
  /** The temporary folder holding certificates, data and logs. */
  readonly dir: string;
  /** A client-node configuration for cluster-admin. */
  adminConfig(): KubeConfig;
  /** Writes a kubeconfig for `user` in `groups` (client certificate, no permissions beyond RBAC's). */
  userKubeconfig(user: string, groups?: string[]): Promise<{ path: string; config: KubeConfig }>;
  /** A kubeconfig for a bearer token, for example a service-account token. */
  tokenKubeconfig(name: string, token: string): Promise<{ path: string; config: KubeConfig }>;
  /** Stops kube-apiserver and etcd and removes the folder. */
  stop(): Promise<void>;
}

/** Options of {@linkcode startControlPlane}. */
export interface ControlPlaneOptions {
  /** Binaries to run; resolved with {@linkcode controlPlaneAssets} when absent. */
  readonly assets?: ControlPlaneAssets;
  /** How long kube-apiserver may take to become ready (default 90 s). */
  readonly readyTimeoutMs?: number;
}

const b64 = (text: string) => btoa(text);

function kubeconfigJson(server: string, caPem: string, name: string, user: Record<string, string>): string {
  return JSON.stringify(
    {
      apiVersion: "v1",
      kind: "Config",
      clusters: [{ name: "thv-test", cluster: { server, "certificate-authority-data": b64(caPem) } }],
      users: [{ name, user }],
      contexts: [{ name, context: { cluster: "thv-test", user: name, namespace: "default" } }],
      "current-context": name,
    },
    null,
    2,
  );
}

async function writeKubeconfig(path: string, json: string): Promise<{ path: string; config: KubeConfig }> {
  await Deno.writeTextFile(path, json, { mode: 0o600 });
  const config = new KubeConfig();
  config.loadFromString(json);
  return { path, config };
}

async function startEtcd(
  etcd: string,
  dir: string,
  [clientPort, peerPort]: number[],
): Promise<{ process: ServerProcess; url: string }> {
  const url = `http://127.0.0.1:${clientPort}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  const process = await startProcess("etcd", etcd, {
    logPath: `${dir}/etcd.log`,
    args: [
      `--name=thv-test`,
      `--data-dir=${dir}/etcd-data`,
      `--listen-client-urls=${url}`,
      `--advertise-client-urls=${url}`,
      `--listen-peer-urls=${peer}`,
      `--initial-advertise-peer-urls=${peer}`,
      `--initial-cluster=thv-test=${peer}`,
      "--unsafe-no-fsync",
      "--log-level=warn",
    ],
  });
  await waitUntilReady(process, async () => {
    const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) });
    const body = await res.json().catch(() => ({}));
    return res.ok && body.health === "true";
  }, { deadlineMs: 30_000, what: "healthy" });
  return { process, url };
}

async function startApiserver(
  binary: string,
  dir: string,
  etcdUrl: string,
  port: number,
  tls: { ca: CertFiles; serving: CertFiles; sa: { privateKey: string; publicKey: string } },
): Promise<{ process: ServerProcess; server: string }> {
  const process = await startProcess("kube-apiserver", binary, {
    logPath: `${dir}/kube-apiserver.log`,
    args: [
      `--etcd-servers=${etcdUrl}`,
      "--bind-address=127.0.0.1",
      "--advertise-address=127.0.0.1",
      `--secure-port=${port}`,
      `--cert-dir=${dir}/apiserver-certs`,
      `--tls-cert-file=${tls.serving.cert}`,
      `--tls-private-key-file=${tls.serving.key}`,
      `--client-ca-file=${tls.ca.cert}`,
      "--authorization-mode=RBAC",
      "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
      `--service-account-key-file=${tls.sa.publicKey}`,
      `--service-account-signing-key-file=${tls.sa.privateKey}`,
      // A /16 holds 65k Services: the operator benchmark makes one per MCPServer.
      "--service-cluster-ip-range=10.0.0.0/16",
      "--allow-privileged=true",
      // No controller-manager runs, so nothing creates the `default` service account that this plugin
      // would demand of every pod.
      "--disable-admission-plugins=ServiceAccount",
      "--endpoint-reconciler-type=none",
      "--v=1",
    ],
  });
  return { process, server: `https://127.0.0.1:${port}` };
}

/** Starts etcd and kube-apiserver and waits until the API answers `/readyz` and the `default` namespace exists. */
export async function startControlPlane(options: ControlPlaneOptions = {}): Promise<ControlPlane> {
  const assets = options.assets ?? await controlPlaneAssets();
  const dir = await Deno.makeTempDir({ prefix: "thv-control-plane-" });
  const processes: ServerProcess[] = [];
  const cleanup = async () => {
    for (const p of processes.reverse()) await p.stop();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  };
  try {
    const ca = await createCa(dir);
    const serving = await issueCert(ca, dir, "apiserver", {
      kind: "server",
      commonName: "kube-apiserver",
      ips: ["127.0.0.1"],
      dns: ["localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc"],
    });
    const admin = await issueCert(ca, dir, "admin", { kind: "client", user: "admin", groups: ["system:masters"] });
    const sa = await createServiceAccountKey(dir);
    const caPem = await Deno.readTextFile(ca.cert);

    const [clientPort, peerPort, apiPort] = freePorts(3) as [number, number, number];
    const etcd = await startEtcd(assets.etcd, dir, [clientPort, peerPort]);
    processes.push(etcd.process);
    const api = await startApiserver(assets.kubeApiserver, dir, etcd.url, apiPort, { ca, serving, sa });
    processes.push(api.process);

    const client = Deno.createHttpClient({
      caCerts: [caPem],
      cert: await Deno.readTextFile(admin.cert),
      key: await Deno.readTextFile(admin.key),
    });
    try {
      await waitUntilReady(api.process, async () => {
        const ready = await fetch(`${api.server}/readyz`, { client, signal: AbortSignal.timeout(5000) });
        await ready.body?.cancel();
        if (!ready.ok) return false;
        const ns = await fetch(`${api.server}/api/v1/namespaces/default`, {
          client,
          signal: AbortSignal.timeout(5000),
        });
        await ns.body?.cancel();
        return ns.ok;
      }, { deadlineMs: options.readyTimeoutMs ?? 90_000, intervalMs: 200, what: "ready" });
    } finally {
      client.close();
    }

    const certUser = async (files: CertFiles) => ({
      "client-certificate-data": b64(await Deno.readTextFile(files.cert)),
      "client-key-data": b64(await Deno.readTextFile(files.key)),
    });
    const adminJson = kubeconfigJson(api.server, caPem, "admin", await certUser(admin));
    const adminKubeconfig = await writeKubeconfig(`${dir}/admin.kubeconfig`, adminJson);
    let stopped: Promise<void> | undefined;
    const stop = () => (stopped ??= cleanup());
    return {
      server: api.server,
      kubeconfigPath: adminKubeconfig.path,
      dir,
      adminConfig() {
        const config = new KubeConfig();
        config.loadFromString(adminJson);
        return config;
      },
      async userKubeconfig(user, groups = []) {
        const safe = user.replace(/[^a-zA-Z0-9_.-]/g, "_");
        const files = await issueCert(ca, dir, `user-${safe}`, { kind: "client", user, groups });
        return writeKubeconfig(
          `${dir}/user-${safe}.kubeconfig`,
          kubeconfigJson(api.server, caPem, user, await certUser(files)),
        );
      },
      tokenKubeconfig(name, token) {
        const safe = name.replace(/[^a-zA-Z0-9_.-]/g, "_");
        return writeKubeconfig(`${dir}/token-${safe}.kubeconfig`, kubeconfigJson(api.server, caPem, name, { token }));
      },
      stop,
      [Symbol.asyncDispose]: stop,
    };
  } catch (e) {
    await cleanup();
    throw e;
  }
}
