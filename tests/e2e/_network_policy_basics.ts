/**
 * The e2e step of NetworkPolicy itself on the node (kube-router): deny-all blocks, an allow rule admits exactly
 * the selected client.
 * @module
 */
import assert from "node:assert/strict";
import { BUSYBOX_IMAGE, type NodeCluster, poll } from "../harness/mod.ts";
import { apply, eventuallyGets, getFails, kwait, namespace } from "./_kube.ts";

/** e2e: a deny-all NetworkPolicy blocks traffic to a pod and an allow rule lets exactly the selected client in. */
export async function denyAllNetworkPolicy(c: NodeCluster): Promise<void> {
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
}
