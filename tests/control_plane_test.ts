/**
 * The foundation's control plane works like a real cluster: CRDs are served and watched, RBAC refuses
 * what it should, and service-account tokens are signed and accepted.
 */
import "./harness/quiet_deprecations.ts";
import assert from "node:assert/strict";
import { ApiException, CoreV1Api, CustomObjectsApi, RbacAuthorizationV1Api } from "@kubernetes/client-node";
import { type ControlPlane, kubectl, openWatch, poll, startControlPlane, within } from "./harness/mod.ts";

const GROUP = "thv-test.example.com";
const CRD = {
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: `widgets.${GROUP}` },
  spec: {
    group: GROUP,
    scope: "Namespaced",
    names: { plural: "widgets", singular: "widget", kind: "Widget", listKind: "WidgetList" },
    versions: [{
      name: "v1",
      served: true,
      storage: true,
      schema: {
        openAPIV3Schema: {
          type: "object",
          properties: {
            spec: {
              type: "object",
              required: ["size"],
              properties: { size: { type: "integer", minimum: 1, maximum: 10 } },
            },
          },
        },
      },
    }],
  },
};

/** kubectl as cluster-admin, stdout and stderr together (for assertion messages). */
async function kubectlAdmin(cp: ControlPlane, args: string[], stdin?: string): Promise<{ code: number; out: string }> {
  const res = await kubectl(cp.kubeconfigPath, args, stdin);
  return { code: res.code, out: res.stdout + res.stderr };
}

async function statusOf(call: Promise<unknown>): Promise<number> {
  try {
    await call;
    return 200;
  } catch (e) {
    if (e instanceof ApiException) return e.code;
    throw e;
  }
}

Deno.test("control plane: real etcd and kube-apiserver serve CRDs, watches, RBAC and service-account tokens", async (t) => {
  await using cp = await startControlPlane();
  const admin = cp.adminConfig();

  await t.step("kubectl talks to it with the written kubeconfig", async () => {
    const res = await kubectlAdmin(cp, ["get", "namespaces", "-o", "name"]);
    assert.equal(res.code, 0, res.out);
    assert.match(res.out, /namespace\/default/);
    assert.match(res.out, /namespace\/kube-system/);
  });

  await t.step("an applied CRD is served, validates its schema, and a created object is seen by a watch", async () => {
    const applied = await kubectlAdmin(cp, ["apply", "-f", "-"], JSON.stringify(CRD));
    assert.equal(applied.code, 0, applied.out);
    const established = await kubectlAdmin(cp, [
      "wait",
      "--for=condition=Established",
      "--timeout=30s",
      `crd/widgets.${GROUP}`,
    ]);
    assert.equal(established.code, 0, established.out);

    const seen = Promise.withResolvers<{ type: string; object: Record<string, unknown> }>();
    const watch = await openWatch(admin, `/apis/${GROUP}/v1/namespaces/default/widgets`, (type, object) => {
      if ((object.metadata as { name?: string } | undefined)?.name === "w1") seen.resolve({ type, object });
    });
    try {
      const custom = admin.makeApiClient(CustomObjectsApi);
      await custom.createNamespacedCustomObject({
        group: GROUP,
        version: "v1",
        namespace: "default",
        plural: "widgets",
        body: { apiVersion: `${GROUP}/v1`, kind: "Widget", metadata: { name: "w1" }, spec: { size: 3 } },
      });
      const { type, object } = await within(seen.promise, 15_000, "the watch event of widget w1");
      assert.equal(type, "ADDED");
      assert.deepEqual(object.spec, { size: 3 });
    } finally {
      watch.abort();
    }

    const invalid = await kubectlAdmin(
      cp,
      ["apply", "-f", "-"],
      JSON.stringify({ apiVersion: `${GROUP}/v1`, kind: "Widget", metadata: { name: "w2" }, spec: { size: 99 } }),
    );
    assert.notEqual(invalid.code, 0);
    assert.match(invalid.out, /spec\.size/);
  });

  await t.step("RBAC refuses a user without permission (403) and allows cluster-admin and a bound user", async () => {
    const alice = await cp.userKubeconfig("alice", ["developers"]);
    const asAlice = alice.config.makeApiClient(CoreV1Api);
    assert.equal(await statusOf(asAlice.listNamespace()), 403);
    assert.equal(await statusOf(admin.makeApiClient(CoreV1Api).listNamespace()), 200);

    const rbac = admin.makeApiClient(RbacAuthorizationV1Api);
    await rbac.createClusterRole({
      body: {
        metadata: { name: "namespace-reader" },
        rules: [{ apiGroups: [""], resources: ["namespaces"], verbs: ["get", "list"] }],
      },
    });
    await rbac.createClusterRoleBinding({
      body: {
        metadata: { name: "developers-read-namespaces" },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "namespace-reader" },
        subjects: [{ kind: "Group", apiGroup: "rbac.authorization.k8s.io", name: "developers" }],
      },
    });
    // RBAC reads through an informer cache, so the new binding takes effect after a short delay.
    const status = await poll(async () => {
      const code = await statusOf(asAlice.listNamespace());
      return code === 403 ? undefined : code;
    }, { what: "the binding to let alice list namespaces", deadlineMs: 10_000, intervalMs: 100 });
    assert.equal(status, 200);
    assert.equal(await statusOf(asAlice.deleteNamespace({ name: "default" })), 403);
  });

  await t.step("service-account tokens are signed and authenticate as the service account", async () => {
    const core = admin.makeApiClient(CoreV1Api);
    await core.createNamespacedServiceAccount({ namespace: "default", body: { metadata: { name: "robot" } } });
    const request = await core.createNamespacedServiceAccountToken({
      name: "robot",
      namespace: "default",
      body: { spec: { audiences: [], expirationSeconds: 600 } },
    });
    const token = request.status?.token ?? "";
    assert.equal(token.split(".").length, 3, "a JWT");
    const robot = await cp.tokenKubeconfig("robot", token);
    try {
      await robot.config.makeApiClient(CoreV1Api).listNamespace();
      assert.fail("the service account has no permission to list namespaces");
    } catch (e) {
      assert.ok(e instanceof ApiException);
      assert.equal(e.code, 403);
      assert.match(String(e.body), /system:serviceaccount:default:robot/);
    }
    const forged = await cp.tokenKubeconfig("forged", token.slice(0, -4) + "AAAA");
    assert.equal(await statusOf(forged.config.makeApiClient(CoreV1Api).listNamespace()), 401);
  });
});
