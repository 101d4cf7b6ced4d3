/**
 * The e2e steps of the charts: helm installs the CRDs and the operator, which runs in-cluster from the thv
 * image, cluster-wide and in namespace scope.
 * @module
 */
import assert from "node:assert/strict";
import { THV_IMAGE } from "../../scripts/image.ts";
import { EVERYTHING_IMAGE, type NodeCluster, poll } from "../harness/mod.ts";
import { apply, kwait, namespace } from "./_kube.ts";
import { installCrdsChart, installOperatorChart, OPERATOR_NAMESPACE, uninstallCharts } from "./_chart.ts";

/** e2e: helm installs the CRDs and the operator, which runs in-cluster from the thv image and makes an MCPServer's proxy. */
export async function helmInstallsOperator(c: NodeCluster): Promise<void> {
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
}

/** e2e: the operator chart in namespace scope reconciles MCPServers in its namespaces only, under Roles. */
export async function chartNamespaceScope(c: NodeCluster): Promise<void> {
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
}
