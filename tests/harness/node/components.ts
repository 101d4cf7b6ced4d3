/**
 * The command lines of the cluster's processes (real-node.md §5), as pure functions of the folder layout
 * and the binaries. Every listener is on the node address, so nothing competes with the other test tiers'
 * loopback ports.
 * @module
 */
import type { NodeBinaries } from "./binaries.ts";
import { CLUSTER_CIDR, type ClusterPaths, NODE_IP, NODE_NAME, SERVICE_CIDR } from "./config.ts";

/** A process to start: its name (log and PID file), binary and arguments. */
export interface Component {
  /** Name of the log `logs/<name>.log` and PID file `run/<name>.pid`. */
  readonly name: string;
  /** The executable. */
  readonly binary: string;
  /** Its arguments. */
  readonly args: readonly string[];
}

/** etcd's client URL. */
export const ETCD_URL = `http://${NODE_IP}:2379`;

/** etcd, on the node address. */
export function etcd(p: ClusterPaths, b: NodeBinaries): Component {
  const peer = `http://${NODE_IP}:2380`;
  return {
    name: "etcd",
    binary: b.etcd,
    args: [
      "--name=thv-node",
      `--data-dir=${p.root}/etcd-data`,
      `--listen-client-urls=${ETCD_URL}`,
      `--advertise-client-urls=${ETCD_URL}`,
      `--listen-peer-urls=${peer}`,
      `--initial-advertise-peer-urls=${peer}`,
      `--initial-cluster=thv-node=${peer}`,
      "--unsafe-no-fsync",
      "--log-level=warn",
    ],
  };
}

/** kube-apiserver: Node and RBAC authorization, the ServiceAccount admission plugin on. */
export function kubeApiserver(p: ClusterPaths, b: NodeBinaries, port: number): Component {
  const pki = p.pki;
  return {
    name: "kube-apiserver",
    binary: b.kubeApiserver,
    args: [
      `--etcd-servers=${ETCD_URL}`,
      `--bind-address=${NODE_IP}`,
      `--advertise-address=${NODE_IP}`,
      `--secure-port=${port}`,
      `--cert-dir=${p.root}/apiserver-certs`,
      `--tls-cert-file=${pki}/apiserver.crt`,
      `--tls-private-key-file=${pki}/apiserver.key`,
      `--client-ca-file=${pki}/ca.crt`,
      `--requestheader-client-ca-file=${pki}/front-proxy/ca.crt`,
      "--requestheader-allowed-names=front-proxy-client",
      "--requestheader-username-headers=X-Remote-User",
      "--requestheader-group-headers=X-Remote-Group",
      "--requestheader-extra-headers-prefix=X-Remote-Extra-",
      `--proxy-client-cert-file=${pki}/front-proxy/front-proxy-client.crt`,
      `--proxy-client-key-file=${pki}/front-proxy/front-proxy-client.key`,
      `--kubelet-client-certificate=${pki}/apiserver-kubelet-client.crt`,
      `--kubelet-client-key=${pki}/apiserver-kubelet-client.key`,
      `--kubelet-certificate-authority=${pki}/ca.crt`,
      "--kubelet-preferred-address-types=InternalIP",
      "--authorization-mode=Node,RBAC",
      "--enable-admission-plugins=NodeRestriction",
      "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
      `--service-account-key-file=${pki}/sa.pub`,
      `--service-account-signing-key-file=${pki}/sa.key`,
      `--service-cluster-ip-range=${SERVICE_CIDR}`,
      "--allow-privileged=true",
      "--profiling=false",
      "--v=1",
    ],
  };
}

/** kube-controller-manager (no leader election: there is one). */
export function kubeControllerManager(p: ClusterPaths, b: NodeBinaries): Component {
  const kc = `${p.conf}/controller-manager.kubeconfig`;
  return {
    name: "kube-controller-manager",
    binary: `${b.nodeDir}/kube-controller-manager`,
    args: [
      `--kubeconfig=${kc}`,
      `--authentication-kubeconfig=${kc}`,
      `--authorization-kubeconfig=${kc}`,
      `--bind-address=${NODE_IP}`,
      "--secure-port=10257",
      "--leader-elect=false",
      `--service-account-private-key-file=${p.pki}/sa.key`,
      `--root-ca-file=${p.pki}/ca.crt`,
      "--use-service-account-credentials=true",
      `--cluster-signing-cert-file=${p.pki}/ca.crt`,
      `--cluster-signing-key-file=${p.pki}/ca.key`,
      `--service-cluster-ip-range=${SERVICE_CIDR}`,
      `--cluster-cidr=${CLUSTER_CIDR}`,
      "--allocate-node-cidrs=false",
      "--profiling=false",
      "--v=1",
    ],
  };
}

/** kube-scheduler. */
export function kubeScheduler(p: ClusterPaths, b: NodeBinaries): Component {
  const kc = `${p.conf}/scheduler.kubeconfig`;
  return {
    name: "kube-scheduler",
    binary: `${b.nodeDir}/kube-scheduler`,
    args: [
      `--kubeconfig=${kc}`,
      `--authentication-kubeconfig=${kc}`,
      `--authorization-kubeconfig=${kc}`,
      `--bind-address=${NODE_IP}`,
      "--secure-port=10259",
      "--leader-elect=false",
      "--profiling=false",
      "--v=1",
    ],
  };
}

/** containerd with the cluster's own configuration (the package's /etc/containerd is not read). */
export function containerd(p: ClusterPaths): Component {
  return { name: "containerd", binary: "/usr/bin/containerd", args: ["--config", `${p.conf}/containerd.toml`] };
}

/** The kubelet. */
export function kubelet(p: ClusterPaths, b: NodeBinaries): Component {
  return {
    name: "kubelet",
    binary: `${b.nodeDir}/kubelet`,
    args: [
      `--config=${p.conf}/kubelet.yaml`,
      `--kubeconfig=${p.conf}/kubelet.kubeconfig`,
      `--hostname-override=${NODE_NAME}`,
      `--node-ip=${NODE_IP}`,
      `--root-dir=${p.root}/kubelet`,
      `--cert-dir=${p.root}/kubelet/pki`,
      "--v=1",
    ],
  };
}

/** kube-proxy in iptables mode. */
export function kubeProxy(p: ClusterPaths, b: NodeBinaries): Component {
  return {
    name: "kube-proxy",
    binary: `${b.nodeDir}/kube-proxy`,
    args: [`--config=${p.conf}/kube-proxy.yaml`, "--v=1"],
  };
}

/** kube-router as a NetworkPolicy agent only (firewall on; routing, service proxy and CNI off). */
export function kubeRouter(p: ClusterPaths, b: NodeBinaries): Component {
  return {
    name: "kube-router",
    binary: `${b.nodeDir}/kube-router`,
    args: [
      `--kubeconfig=${p.conf}/admin.kubeconfig`,
      `--hostname-override=${NODE_NAME}`,
      "--run-firewall=true",
      "--run-router=false",
      "--run-service-proxy=false",
      "--enable-cni=false",
      "--enable-pod-egress=false",
      "--health-port=0",
      "--metrics-port=0",
      `--service-cluster-ip-range=${SERVICE_CIDR}`,
      "--iptables-sync-period=1m",
      "--v=1",
    ],
  };
}
