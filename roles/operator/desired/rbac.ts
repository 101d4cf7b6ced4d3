/**
 * The identities of an MCPServer's pods: the proxy runner's ServiceAccount with the least Role it needs to
 * run the MCP server's StatefulSet, and the MCP pod's own ServiceAccount.
 * @module
 */
import type { V1PolicyRule, V1Role, V1RoleBinding, V1ServiceAccount } from "@kubernetes/client-node";
import type { McpServer } from "../../../crds/mod.ts";
import { childNames, labelsFor, ownerReference } from "./names.ts";

const ALL = ["get", "list", "watch", "create", "update", "patch", "delete"];

/** What the proxy runner may do in its namespace: manage the StatefulSet and Services, read and attach pods. */
export const PROXY_RUNNER_RULES: readonly V1PolicyRule[] = [
  { apiGroups: ["apps"], resources: ["statefulsets"], verbs: ALL },
  // The runner's StatefulSet is owned by the proxy Deployment, whose uid it reads.
  { apiGroups: ["apps"], resources: ["deployments"], verbs: ["get"] },
  { apiGroups: [""], resources: ["services"], verbs: ALL },
  { apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "watch"] },
  { apiGroups: [""], resources: ["pods/log"], verbs: ["get"] },
  { apiGroups: [""], resources: ["pods/attach"], verbs: ["create", "get"] },
  { apiGroups: [""], resources: ["configmaps"], verbs: ["get", "list", "watch"] },
];

function meta(server: McpServer, name: string) {
  return {
    name,
    namespace: server.metadata.namespace,
    labels: labelsFor(server.metadata.name),
    ownerReferences: [ownerReference(server)],
  };
}

function pullSecrets(server: McpServer) {
  const secrets = server.spec.resourceOverrides?.proxyDeployment?.imagePullSecrets ?? [];
  return secrets.length > 0 ? { imagePullSecrets: secrets.map((s) => ({ name: s.name })) } : {};
}

/** ServiceAccount, Role and RoleBinding `<name>-proxy-runner`. */
export function desiredProxyRunnerRbac(server: McpServer): [V1ServiceAccount, V1Role, V1RoleBinding] {
  const name = childNames(server.metadata.name).proxyRunner;
  return [
    { apiVersion: "v1", kind: "ServiceAccount", metadata: meta(server, name), ...pullSecrets(server) },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "Role",
      metadata: meta(server, name),
      rules: PROXY_RUNNER_RULES.map((r) => ({ ...r })),
    },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: meta(server, name),
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name },
      subjects: [{ kind: "ServiceAccount", name, namespace: server.metadata.namespace }],
    },
  ];
}

/** ServiceAccount `<name>-sa` of the MCP pod, or none when `spec.serviceAccount` names an existing one. */
export function desiredMcpServiceAccount(server: McpServer): V1ServiceAccount | undefined {
  if (server.spec.serviceAccount) return undefined;
  return {
    apiVersion: "v1",
    kind: "ServiceAccount",
    metadata: meta(server, childNames(server.metadata.name).mcpServiceAccount),
    ...pullSecrets(server),
  };
}
