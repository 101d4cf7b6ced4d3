/**
 * The test cluster's fixed addresses and the configuration files of its node components, as pure functions
 * of the cluster's folder (real-node.md §4). Rendering is separate from writing so the files can be checked
 * without starting anything.
 * @module
 */

/** The node's address: a private /32 on `lo`, so nothing listens on the machine's real interfaces. */
export const NODE_IP = "172.31.255.1";
/** The node's name. */
export const NODE_NAME = "thv-node";
/** kube-apiserver's port on {@linkcode NODE_IP}. */
export const API_PORT = 16443;
/** The pods' subnet on bridge `cni0` (gateway `.1`); also the node's podCIDR. */
export const POD_SUBNET = "10.244.0.0/24";
/** The cluster's pod range (clear of Podman's 10.88.0.0/16 and the host resolver 10.255.255.53). */
export const CLUSTER_CIDR = "10.244.0.0/16";
/** The Service range; `kubernetes` is `.0.1`, kube-dns {@linkcode DNS_IP}. */
export const SERVICE_CIDR = "10.96.0.0/16";
/** CoreDNS's ClusterIP. */
export const DNS_IP = "10.96.0.10";
/** The CNI network's name (libcni names its cache files after it). */
export const CNI_NETWORK = "thv-node-pods";
/** The sandbox image containerd starts for every pod. */
export const PAUSE_IMAGE = "localhost/pause:3.10";
/** The busybox test image. */
export const BUSYBOX_IMAGE = "localhost/busybox:1.35";
/** The CoreDNS image. */
export const COREDNS_IMAGE = "localhost/coredns:1.12.3";

/** Paths inside the cluster's folder. */
export interface ClusterPaths {
  /** The cluster's folder. */
  readonly root: string;
  /** Certificates and keys. */
  readonly pki: string;
  /** Configuration files and kubeconfigs. */
  readonly conf: string;
  /** One log per component. */
  readonly logs: string;
  /** PIDs and saved host state. */
  readonly run: string;
  /** containerd's gRPC socket. */
  readonly containerdSocket: string;
}

/** The folder layout of a cluster rooted at `root`. */
export function clusterPaths(root: string): ClusterPaths {
  return {
    root,
    pki: `${root}/pki`,
    conf: `${root}/conf`,
    logs: `${root}/logs`,
    run: `${root}/run`,
    containerdSocket: `${root}/containerd/containerd.sock`,
  };
}

/** A kubeconfig that names certificate files (components reread nothing, so paths are enough). */
export function kubeconfigYaml(server: string, ca: string, user: string, cert: string, key: string): string {
  return [
    "apiVersion: v1",
    "kind: Config",
    "clusters:",
    `- name: thv-node`,
    `  cluster: {server: "${server}", certificate-authority: "${ca}"}`,
    "users:",
    `- name: ${user}`,
    `  user: {client-certificate: "${cert}", client-key: "${key}"}`,
    "contexts:",
    `- name: ${user}`,
    `  context: {cluster: thv-node, user: ${user}, namespace: default}`,
    `current-context: ${user}`,
    "",
  ].join("\n");
}

/** containerd's configuration: everything under the cluster's folder, and the fixes this host needs. */
export function containerdToml(p: ClusterPaths, runc = "/usr/sbin/runc"): string {
  const cri = `plugins."io.containerd.grpc.v1.cri"`;
  return `version = 2
root = "${p.root}/containerd/root"
state = "${p.root}/containerd/state"
[grpc]
  address = "${p.containerdSocket}"
[ttrpc]
  address = "${p.containerdSocket}.ttrpc"
[plugins]
  [${cri}]
    sandbox_image = "${PAUSE_IMAGE}"
    disable_apparmor = true
    # Network namespaces under our state folder, not /run/netns which Podman shares.
    netns_mounts_under_state_dir = true
    # Root here lacks CAP_SYS_RESOURCE, so runc cannot lower oom_score_adj to the sandbox's -998 ("can't get
    # final child's PID from pipe"): clamp scores to containerd's own.
    restrict_oom_score_adj = true
    enable_selinux = false
    [${cri}.containerd]
      snapshotter = "overlayfs"
      default_runtime_name = "runc"
      [${cri}.containerd.runtimes.runc]
        runtime_type = "io.containerd.runc.v2"
        [${cri}.containerd.runtimes.runc.options]
          BinaryName = "${runc}"
          SystemdCgroup = false
          Root = "${p.root}/containerd/runc"
    [${cri}.cni]
      bin_dir = "/usr/lib/cni"
      conf_dir = "${p.root}/cni/net.d"
      max_conf_num = 1
  [plugins."io.containerd.internal.v1.opt"]
    path = "${p.root}/containerd/opt"
`;
}

/** The CNI network: a bridge with host-local addresses; no masquerade (pods have no business elsewhere). */
export function cniConflist(p: ClusterPaths): string {
  return JSON.stringify(
    {
      cniVersion: "1.0.0",
      name: CNI_NETWORK,
      plugins: [{
        type: "bridge",
        bridge: "cni0",
        isGateway: true,
        ipMasq: false,
        // Lets a pod reach itself through its own Service.
        hairpinMode: true,
        ipam: {
          type: "host-local",
          dataDir: `${p.root}/cni/ipam`,
          ranges: [[{ subnet: POD_SUBNET, gateway: "10.244.0.1" }]],
          routes: [{ dst: "0.0.0.0/0" }],
        },
      }],
    },
    null,
    2,
  );
}

/** The kubelet's configuration. */
export function kubeletYaml(p: ClusterPaths): string {
  return `apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: ${NODE_IP}
port: 10250
readOnlyPort: 0
healthzBindAddress: ${NODE_IP}
healthzPort: 10248
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: "${p.pki}/ca.crt"}
authorization: {mode: Webhook}
tlsCertFile: "${p.pki}/kubelet-serving.crt"
tlsPrivateKeyFile: "${p.pki}/kubelet-serving.key"
containerRuntimeEndpoint: "unix://${p.containerdSocket}"
cgroupDriver: cgroupfs
failSwapOn: false
podLogsDir: "${p.root}/pod-logs"
volumePluginDir: "${p.root}/kubelet/volume-plugins"
# Pods with dnsPolicy Default (CoreDNS itself) get no resolver at all: nothing upstream is ever asked.
resolvConf: "${p.conf}/pod-resolv.conf"
clusterDomain: cluster.local
clusterDNS: [${DNS_IP}]
serializeImagePulls: false
registerNode: true
rotateCertificates: false
serverTLSBootstrap: false
`;
}

/** kube-proxy's configuration: iptables mode, host sysctls left alone. */
export function kubeProxyYaml(p: ClusterPaths): string {
  return `apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
mode: iptables
hostnameOverride: ${NODE_NAME}
clientConnection: {kubeconfig: "${p.conf}/kube-proxy.kubeconfig"}
clusterCIDR: ${CLUSTER_CIDR}
healthzBindAddress: ${NODE_IP}:10256
metricsBindAddress: ${NODE_IP}:10249
nodePortAddresses: ["${NODE_IP}/32"]
# localhostNodePorts false: no route_localnet; conntrack zeros: the host's conntrack sysctls stay.
iptables: {localhostNodePorts: false, masqueradeAll: false, syncPeriod: 30s, minSyncPeriod: 1s}
conntrack: {maxPerCore: 0, min: 0, tcpEstablishedTimeout: 0s, tcpCloseWaitTimeout: 0s}
`;
}

/** CoreDNS as kube-dns: cluster.local only (no forward), port 1053 so it runs restricted as 65534. */
export function corednsManifest(): string {
  return `apiVersion: v1
kind: ServiceAccount
metadata: {name: coredns, namespace: kube-system}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: "thv:coredns"}
rules:
- apiGroups: [""]
  resources: [endpoints, services, pods, namespaces]
  verbs: [list, watch]
- apiGroups: [discovery.k8s.io]
  resources: [endpointslices]
  verbs: [list, watch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: "thv:coredns"}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "thv:coredns"}
subjects: [{kind: ServiceAccount, name: coredns, namespace: kube-system}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: coredns, namespace: kube-system}
data:
  Corefile: |
    .:1053 {
        errors
        health :8080
        ready :8181
        kubernetes cluster.local in-addr.arpa ip6.arpa {
            pods insecure
            fallthrough in-addr.arpa ip6.arpa
        }
        cache 30
        loadbalance
    }
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: coredns, namespace: kube-system, labels: {k8s-app: kube-dns}}
spec:
  replicas: 1
  selector: {matchLabels: {k8s-app: kube-dns}}
  template:
    metadata: {labels: {k8s-app: kube-dns}}
    spec:
      serviceAccountName: coredns
      dnsPolicy: Default
      securityContext:
        runAsNonRoot: true
        runAsUser: 65534
        seccompProfile: {type: RuntimeDefault}
      containers:
      - name: coredns
        image: ${COREDNS_IMAGE}
        imagePullPolicy: Never
        args: ["-conf", "/etc/coredns/Corefile"]
        ports:
        - {containerPort: 1053, name: dns, protocol: UDP}
        - {containerPort: 1053, name: dns-tcp, protocol: TCP}
        readinessProbe:
          httpGet: {path: /ready, port: 8181}
          periodSeconds: 1
        livenessProbe:
          httpGet: {path: /health, port: 8080}
        securityContext:
          allowPrivilegeEscalation: false
          readOnlyRootFilesystem: true
          capabilities: {drop: ["ALL"]}
        volumeMounts: [{name: config, mountPath: /etc/coredns, readOnly: true}]
      volumes: [{name: config, configMap: {name: coredns}}]
---
apiVersion: v1
kind: Service
metadata: {name: kube-dns, namespace: kube-system, labels: {k8s-app: kube-dns}}
spec:
  clusterIP: ${DNS_IP}
  selector: {k8s-app: kube-dns}
  ports:
  - {name: dns, port: 53, targetPort: 1053, protocol: UDP}
  - {name: dns-tcp, port: 53, targetPort: 1053, protocol: TCP}
`;
}
