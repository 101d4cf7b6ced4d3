/**
 * The label contract of decision 016, across the two roles that keep it: the operator's NetworkPolicy selects
 * the pods of the StatefulSet the proxy runner writes and not the proxy pods, and its ingress rule admits the
 * proxy pods and not the MCP pods. Pure: both sides' builders, no cluster.
 */
import assert from "node:assert/strict";
import { desiredChildren, desiredRunConfig } from "../roles/operator/desired/mod.ts";
import { mcpServer } from "../roles/operator/testing/servers.ts";
import { desiredStatefulSet } from "../roles/proxyrunner/mod.ts";

// deno-lint-ignore no-explicit-any
type Json = Record<string, any>;

/** Whether a label selector (matchLabels, and In/NotIn/Exists/DoesNotExist expressions) selects `labels`. */
function selects(selector: Json, labels: Record<string, string>): boolean {
  const exact = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  return exact && (selector.matchExpressions ?? []).every((e: Json) => {
    const has = e.key in labels;
    switch (e.operator) {
      case "In":
        return has && e.values.includes(labels[e.key]);
      case "NotIn":
        return !has || !e.values.includes(labels[e.key]);
      case "Exists":
        return has;
      case "DoesNotExist":
        return !has;
    }
    throw new Error(`unknown operator ${e.operator}`);
  });
}

Deno.test("the NetworkPolicy selects the runner's MCP pods, not the proxy pods, and admits only the proxy", () => {
  for (const name of ["fetch", "mcpserver"]) {
    for (const transport of ["streamable-http", "sse", "stdio"]) {
      const server = mcpServer({
        transport,
        permissionProfile: { type: "builtin", name: "none" },
        podTemplateSpec: { metadata: { labels: { team: "a" } } },
        resourceOverrides: {
          proxyDeployment: { podTemplateMetadataOverrides: { labels: { app: name, "toolhive-name": name } } },
        },
      }, { name });
      const desired = desiredChildren(server, { runnerImage: "thv:1" });
      assert.ok(desired.ok);
      const policy = desired.objects.find((o) => o.kind === "NetworkPolicy") as Json;
      const deployment = desired.objects.find((o) => o.kind === "Deployment") as Json;
      const proxyPod: Record<string, string> = deployment.spec.template.metadata.labels;
      const patchArg = (deployment.spec.template.spec.containers[0].args as string[])
        .find((a) => a.startsWith("--k8s-pod-patch="));
      const podPatch = patchArg ? JSON.parse(patchArg.slice("--k8s-pod-patch=".length)) : {};
      const statefulSet = desiredStatefulSet(desiredRunConfig(server), {
        namespace: "tools",
        podPatch,
        owner: { apiVersion: "apps/v1", kind: "Deployment", name, uid: "u" },
      });
      const mcpPod = statefulSet.spec!.template.metadata!.labels!;
      const what = `${name} ${transport}`;
      assert.equal(mcpPod.team, "a", `${what}: the pod patch reached the MCP pod`);
      assert.ok(selects(policy.spec.podSelector, mcpPod), `${what}: the MCP pod is confined`);
      assert.ok(!selects(policy.spec.podSelector, proxyPod), `${what}: the proxy pod is not`);
      for (const rule of policy.spec.ingress) {
        for (const peer of rule.from) {
          assert.ok(selects(peer.podSelector, proxyPod), `${what}: the proxy is admitted`);
          assert.ok(!selects(peer.podSelector, mcpPod), `${what}: MCP pods are not`);
        }
      }
      assert.equal(policy.spec.ingress.length, transport === "stdio" ? 0 : 1, what);
    }
  }
});
