/**
 * Certificates and kubeconfigs of a test cluster: one CA; the API server's serving certificate (node IP,
 * loopback, the `kubernetes` Service); client certificates for the identities the bootstrap RBAC knows
 * (admin, controller-manager, scheduler, kube-proxy, the node); the kubelet's serving certificate; a
 * front-proxy CA for request-header authentication; the service-account signing key.
 * @module
 */
import { createCa, createServiceAccountKey, issueCert } from "../pki.ts";
import { API_PORT, type ClusterPaths, kubeconfigYaml, NODE_IP, NODE_NAME } from "./config.ts";

/** The client identities that get a kubeconfig `conf/<name>.kubeconfig`, as `[name, user, groups]`. */
export const IDENTITIES: readonly (readonly [string, string, readonly string[]])[] = [
  ["admin", "admin", ["system:masters"]],
  ["controller-manager", "system:kube-controller-manager", []],
  ["scheduler", "system:kube-scheduler", []],
  ["kube-proxy", "system:kube-proxy", []],
  ["kubelet", `system:node:${NODE_NAME}`, ["system:nodes"]],
];

/** The API server's URL. */
export const API_SERVER = `https://${NODE_IP}:${API_PORT}`;

/** Creates everything in `pki/` and the kubeconfigs in `conf/`. */
export async function writePki(p: ClusterPaths): Promise<void> {
  const ca = await createCa(p.pki);
  await issueCert(ca, p.pki, "apiserver", {
    kind: "server",
    commonName: "kube-apiserver",
    ips: ["127.0.0.1", NODE_IP, "10.96.0.1"],
    dns: [
      "localhost",
      "kubernetes",
      "kubernetes.default",
      "kubernetes.default.svc",
      "kubernetes.default.svc.cluster.local",
    ],
  });
  await issueCert(ca, p.pki, "kubelet-serving", {
    kind: "server",
    commonName: NODE_NAME,
    ips: [NODE_IP],
    dns: [NODE_NAME],
  });
  await issueCert(ca, p.pki, "apiserver-kubelet-client", {
    kind: "client",
    user: "kube-apiserver-kubelet-client",
    groups: ["system:masters"],
  });
  for (const [name, user, groups] of IDENTITIES) {
    await issueCert(ca, p.pki, name, { kind: "client", user, groups: [...groups] });
    await Deno.writeTextFile(
      `${p.conf}/${name}.kubeconfig`,
      kubeconfigYaml(API_SERVER, ca.cert, name, `${p.pki}/${name}.crt`, `${p.pki}/${name}.key`),
      { mode: 0o600 },
    );
  }
  const frontProxy = `${p.pki}/front-proxy`;
  await Deno.mkdir(frontProxy);
  const fpCa = await createCa(frontProxy);
  await issueCert(fpCa, frontProxy, "front-proxy-client", { kind: "client", user: "front-proxy-client", groups: [] });
  await createServiceAccountKey(p.pki);
}
