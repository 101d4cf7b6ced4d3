/**
 * The Helm charts in chart/: `helm lint` and `helm template` with the helm binary scripts/build_helm.sh builds,
 * and what they render (the e2e tier installs them into a real cluster).
 * @module
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { parse, parseAllDocuments } from "yaml";
import denoJson from "../deno.json" with { type: "json" };
import { THV_IMAGE } from "../scripts/image.ts";
import { helm, helmBinary, OPERATOR_RULES_FILE } from "./harness/mod.ts";

const OPERATOR_CHART = fileURLToPath(new URL("../chart/thv-operator", import.meta.url));
const CRDS_CHART = fileURLToPath(new URL("../chart/thv-operator-crds", import.meta.url));
const GENERATED = fileURLToPath(new URL("../crds/generated", import.meta.url));

// deno-lint-ignore no-explicit-any
type Doc = any;

async function template(chart: string, args: readonly string[] = []): Promise<Doc[]> {
  const r = await helm(["template", "thv", chart, "--namespace", "thv-system", ...args]);
  assert.equal(r.code, 0, `helm template failed: ${r.stderr}`);
  return parseAllDocuments(r.stdout).map((d) => d.toJS()).filter((d) => d);
}

async function templateFails(chart: string, args: readonly string[]): Promise<string> {
  const r = await helm(["template", "thv", chart, "--namespace", "thv-system", ...args]);
  assert.notEqual(r.code, 0, `helm template ${args.join(" ")} rendered: ${r.stdout.slice(0, 200)}`);
  return r.stderr;
}

const find = (docs: Doc[], kind: string, name?: string, namespace?: string) =>
  docs.filter((d) =>
    d.kind === kind && (name === undefined || d.metadata.name === name) &&
    (namespace === undefined || d.metadata.namespace === namespace)
  );

const operatorContainer = (docs: Doc[]) => {
  const [deployment] = find(docs, "Deployment", "thv-operator", "thv-system");
  assert.ok(deployment, "no Deployment thv-operator in the release namespace");
  return { deployment, container: deployment.spec.template.spec.containers[0] };
};

const env = (container: Doc) => Object.fromEntries(container.env.map((e: Doc) => [e.name, e.value ?? e.valueFrom]));

Deno.test("helm lint --strict passes for thv-operator and thv-operator-crds", async () => {
  for (const chart of [OPERATOR_CHART, CRDS_CHART]) {
    const r = await helm(["lint", "--strict", chart]);
    assert.equal(r.code, 0, `helm lint ${chart}: ${r.stdout}${r.stderr}`);
  }
});

Deno.test("a missing helm binary fails with how to build it", async () => {
  await assert.rejects(
    helmBinary({ THV_HELM_BIN: "/nonexistent/helm" }),
    /helm is missing at \/nonexistent\/helm: run bash scripts\/build_helm\.sh/,
  );
});

Deno.test("thv-operator by default runs `thv operator` from the image deno task image builds, with leader election", async () => {
  const docs = await template(OPERATOR_CHART);
  const { deployment, container } = operatorContainer(docs);
  assert.equal(THV_IMAGE, `localhost/thv:${denoJson.version}`);
  assert.equal(container.image, THV_IMAGE);
  assert.equal(container.imagePullPolicy, "IfNotPresent");
  assert.deepEqual(container.args, ["operator", "--leader-elect", "--health-port=8081"]);
  const vars = env(container);
  assert.equal(vars.TOOLHIVE_RUNNER_IMAGE, THV_IMAGE);
  assert.equal(vars.WATCH_NAMESPACE, undefined);
  assert.deepEqual(vars.POD_NAMESPACE, { fieldRef: { fieldPath: "metadata.namespace" } });
  assert.deepEqual(vars.POD_NAME, { fieldRef: { fieldPath: "metadata.name" } });
  assert.deepEqual(container.ports, [{ name: "health", containerPort: 8081, protocol: "TCP" }]);
  assert.deepEqual(container.livenessProbe.httpGet, { path: "/healthz", port: "health" });
  assert.deepEqual(container.readinessProbe.httpGet, { path: "/readyz", port: "health" });
  assert.deepEqual(container.startupProbe.httpGet, { path: "/healthz", port: "health" });
  assert.deepEqual(container.resources, {
    requests: { cpu: "20m", memory: "96Mi" },
    limits: { cpu: "500m", memory: "256Mi" },
  });
  const pod = deployment.spec.template.spec;
  assert.equal(pod.serviceAccountName, "thv-operator");
  assert.deepEqual(pod.securityContext, {
    runAsNonRoot: true,
    runAsUser: 65532,
    runAsGroup: 65532,
    seccompProfile: { type: "RuntimeDefault" },
  });
  assert.deepEqual(container.securityContext, {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    capabilities: { drop: ["ALL"] },
  });
  const selector = { "app.kubernetes.io/name": "thv-operator", "app.kubernetes.io/instance": "thv" };
  assert.deepEqual(deployment.spec.selector.matchLabels, selector);
  assert.deepEqual(
    { ...deployment.spec.template.metadata.labels, ...selector },
    deployment.spec.template.metadata.labels,
  );
  assert.equal(find(docs, "ServiceAccount", "thv-operator", "thv-system").length, 1);
});

Deno.test("thv-operator in cluster scope binds the chart's rules, leases included, in a ClusterRole", async () => {
  const docs = await template(OPERATOR_CHART);
  const rules = parse(await Deno.readTextFile(OPERATOR_RULES_FILE));
  const [role] = find(docs, "ClusterRole", "thv-operator");
  assert.deepEqual(role.rules, rules);
  assert.ok(rules.some((r: Doc) => r.apiGroups.includes("coordination.k8s.io") && r.resources.includes("leases")));
  const [binding] = find(docs, "ClusterRoleBinding", "thv-operator");
  assert.deepEqual(binding.roleRef, {
    apiGroup: "rbac.authorization.k8s.io",
    kind: "ClusterRole",
    name: "thv-operator",
  });
  assert.deepEqual(binding.subjects, [{ kind: "ServiceAccount", name: "thv-operator", namespace: "thv-system" }]);
  assert.deepEqual(find(docs, "Role"), []);
  assert.deepEqual(find(docs, "RoleBinding"), []);
});

Deno.test("thv-operator in namespace scope makes a Role per namespace, sets WATCH_NAMESPACE and a leader Role", async () => {
  const docs = await template(OPERATOR_CHART, [
    "--set",
    "operator.rbac.scope=namespace",
    "--set",
    "operator.rbac.allowedNamespaces={team-a,team-b}",
  ]);
  const rules = parse(await Deno.readTextFile(OPERATOR_RULES_FILE));
  assert.deepEqual(find(docs, "ClusterRole"), []);
  assert.deepEqual(find(docs, "ClusterRoleBinding"), []);
  for (const ns of ["team-a", "team-b"]) {
    assert.deepEqual(find(docs, "Role", "thv-operator", ns)[0]?.rules, rules, `Role in ${ns}`);
    const [binding] = find(docs, "RoleBinding", "thv-operator", ns);
    assert.deepEqual(binding.roleRef, { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "thv-operator" });
    assert.deepEqual(binding.subjects, [{ kind: "ServiceAccount", name: "thv-operator", namespace: "thv-system" }]);
  }
  const [leader] = find(docs, "Role", "thv-operator-leader-election", "thv-system");
  assert.deepEqual(leader.rules, [
    { apiGroups: ["coordination.k8s.io"], resources: ["leases"], verbs: ["get", "create", "update"] },
  ]);
  assert.equal(find(docs, "RoleBinding", "thv-operator-leader-election", "thv-system").length, 1);
  assert.equal(env(operatorContainer(docs).container).WATCH_NAMESPACE, "team-a,team-b");

  // Watching its own namespace, the operator's Role there already covers the Lease.
  const own = await template(OPERATOR_CHART, [
    "--set",
    "operator.rbac.scope=namespace",
    "--set",
    "operator.rbac.allowedNamespaces={thv-system}",
  ]);
  assert.deepEqual(find(own, "Role").map((r) => `${r.metadata.namespace}/${r.metadata.name}`), [
    "thv-system/thv-operator",
  ]);
});

Deno.test("thv-operator refuses a scope it cannot honour and malformed values, naming the value", async () => {
  assert.match(
    await templateFails(OPERATOR_CHART, ["--set", "operator.rbac.scope=namespace"]),
    /operator\.rbac\.allowedNamespaces is empty/,
  );
  assert.match(
    await templateFails(OPERATOR_CHART, ["--set", "operator.rbac.allowedNamespaces={a}"]),
    /set operator\.rbac\.scope=namespace/,
  );
  assert.match(await templateFails(OPERATOR_CHART, ["--set", "operator.rbac.scope=cluster-wide"]), /scope/);
  assert.match(
    await templateFails(OPERATOR_CHART, [
      "--set",
      "operator.rbac.scope=namespace",
      "--set",
      "operator.rbac.allowedNamespaces={Team_A}",
    ]),
    /allowedNamespaces/,
  );
  assert.match(await templateFails(OPERATOR_CHART, ["--set", "operator.image.pullPolicy=Sometimes"]), /pullPolicy/);
  assert.match(await templateFails(OPERATOR_CHART, ["--set", "operator.imag.tag=x"]), /imag/);
});

Deno.test("thv-operator takes image, runner image, pull policy and resources from values", async () => {
  const docs = await template(OPERATOR_CHART, [
    "--set",
    "operator.image.repository=registry.example/thv",
    "--set",
    "operator.image.tag=9.9.9",
    "--set",
    "operator.image.pullPolicy=Always",
    "--set",
    "operator.runnerImage=registry.example/runner:1",
    "--set",
    "operator.resources.limits.memory=1Gi",
    "--set",
    "operator.ports.health=9091",
  ]);
  const { container } = operatorContainer(docs);
  assert.equal(container.image, "registry.example/thv:9.9.9");
  assert.equal(container.imagePullPolicy, "Always");
  assert.equal(env(container).TOOLHIVE_RUNNER_IMAGE, "registry.example/runner:1");
  assert.equal(container.resources.limits.memory, "1Gi");
  assert.deepEqual(container.args, ["operator", "--leader-elect", "--health-port=9091"]);
  assert.equal(container.ports[0].containerPort, 9091);
});

Deno.test("the CRDs chart carries exactly crds/generated (run deno task crds when this fails)", async () => {
  const names = async (dir: string) => (await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name).sort();
  const generated = await names(GENERATED);
  assert.deepEqual(await names(`${CRDS_CHART}/files`), generated);
  for (const name of generated) {
    assert.equal(
      await Deno.readTextFile(`${CRDS_CHART}/files/${name}`),
      await Deno.readTextFile(`${GENERATED}/${name}`),
      `chart/thv-operator-crds/files/${name} differs from crds/generated/${name}: run deno task crds`,
    );
  }
});

Deno.test("the CRDs chart renders every generated CRD unchanged, kept on uninstall unless crds.keep=false", async () => {
  const docs = await template(CRDS_CHART);
  const generated = [];
  for await (const e of Deno.readDir(GENERATED)) {
    generated.push(parse(await Deno.readTextFile(`${GENERATED}/${e.name}`)));
  }
  assert.equal(docs.length, generated.length);
  for (const want of generated) {
    const [got] = find(docs, "CustomResourceDefinition", want.metadata.name);
    assert.ok(got, `${want.metadata.name} is not rendered`);
    assert.deepEqual(got.spec, want.spec, `${want.metadata.name}: the rendered spec differs from crds/generated`);
    assert.equal(got.metadata.annotations?.["helm.sh/resource-policy"], "keep");
    assert.equal(got.metadata.labels["app.kubernetes.io/name"], "thv-operator-crds");
  }
  for (const crd of await template(CRDS_CHART, ["--set", "crds.keep=false"])) {
    assert.equal(crd.metadata.annotations?.["helm.sh/resource-policy"], undefined);
  }
  assert.deepEqual(await template(CRDS_CHART, ["--set", "crds.install=false"]), []);
});
