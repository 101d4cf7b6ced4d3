/**
 * The binaries a test cluster runs: kube-apiserver and etcd (the control-plane cache), the node binaries
 * built by `scripts/build_node.sh`, and containerd, runc, the CNI plugins, iptables, conntrack and ipset
 * from Debian.
 * @module
 */
import { fileURLToPath } from "node:url";
import { controlPlaneAssets } from "../assets.ts";

/** Paths of everything the cluster runs. */
export interface NodeBinaries {
  /** etcd. */
  readonly etcd: string;
  /** kube-apiserver. */
  readonly kubeApiserver: string;
  /** The folder with kubelet, kube-controller-manager, kube-scheduler, kube-proxy, cri-rmp, pause, coredns, kube-router. */
  readonly nodeDir: string;
}

/** The Debian programs the cluster needs, with the package that has each. */
export const HOST_PROGRAMS: Readonly<Record<string, string>> = {
  "/usr/bin/containerd": "containerd",
  "/usr/bin/containerd-shim-runc-v2": "containerd",
  "/usr/bin/ctr": "containerd",
  "/usr/sbin/runc": "runc",
  "/usr/lib/cni/bridge": "containernetworking-plugins",
  "/usr/lib/cni/host-local": "containernetworking-plugins",
  "/usr/lib/cni/loopback": "containernetworking-plugins",
  "/usr/sbin/iptables": "iptables",
  "/usr/sbin/conntrack": "conntrack",
  "/usr/sbin/ipset": "ipset",
  "/bin/busybox": "busybox-static",
};

const NODE_BINARIES = [
  "kubelet",
  "kube-controller-manager",
  "kube-scheduler",
  "kube-proxy",
  "cri-rmp",
  "pause",
  "coredns",
  "kube-router",
];

/** Resolves every binary, building the node binaries once (minutes) when the cache lacks them. */
export async function nodeBinaries(env = Deno.env.toObject()): Promise<NodeBinaries> {
  const missing = [];
  for (const [path, pkg] of Object.entries(HOST_PROGRAMS)) {
    if (!(await Deno.stat(path).then(() => true, () => false))) missing.push(`${path} (${pkg})`);
  }
  if (missing.length) {
    const pkgs = [...new Set(missing.map((m) => m.replace(/.*\((.*)\)/, "$1")))].join(" ");
    throw new Error(`The test cluster needs ${missing.join(", ")}: apt-get install ${pkgs}`);
  }
  if (Deno.uid() !== 0) throw new Error("The test cluster changes the host's network and mounts: run it as root");
  const cp = await controlPlaneAssets(env);
  let nodeDir = env.THV_NODE_BIN_DIR;
  if (!nodeDir) {
    const script = fileURLToPath(new URL("../../../scripts/build_node.sh", import.meta.url));
    const out = await new Deno.Command("bash", { args: [script], stdout: "piped", stderr: "inherit" }).output();
    if (!out.success) throw new Error("Cannot build the node binaries: see the output of scripts/build_node.sh above");
    nodeDir = new TextDecoder().decode(out.stdout).trim().split("\n").at(-1) ?? "";
  }
  for (const name of NODE_BINARIES) {
    if (!(await Deno.stat(`${nodeDir}/${name}`).then((s) => s.isFile, () => false))) {
      throw new Error(`${nodeDir} has no ${name}: run scripts/build_node.sh, or point THV_NODE_BIN_DIR at its output`);
    }
  }
  return { etcd: cp.etcd, kubeApiserver: cp.kubeApiserver, nodeDir };
}
