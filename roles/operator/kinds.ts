/**
 * What the operator informs about, and what its cache keeps of each kind: only the fields its reconcile
 * reads (the spec and status of MCPServers, the data of Secrets and ConfigMaps, the replicas and restart time
 * of Deployments, the rollout of StatefulSets, the phase, conditions and container states of pods) and for
 * the other children only their metadata, which is what tells a changed child from the one last applied
 * (its resourceVersion).
 * @module
 */
import { GROUP, McpServerSpec } from "../../crds/mod.ts";
import { type InformOptions, type Kind, type KubeObject, stripForCache } from "../../lib/k8s/mod.ts";
import { configReferences } from "./config_refs.ts";
import { referencedKeys, RESTARTED_AT } from "./desired/mod.ts";

/** The version the operator reads and writes MCPServers in. */
export const MCP_SERVER_API_VERSION = `${GROUP}/v1beta1`;

/** MCPServer. */
export const MCP_SERVER: Kind = { apiVersion: MCP_SERVER_API_VERSION, kind: "MCPServer", plural: "mcpservers" };
/** Deployment. */
export const DEPLOYMENT: Kind = { apiVersion: "apps/v1", kind: "Deployment", plural: "deployments" };
/** StatefulSet (made by the proxy runner). */
export const STATEFUL_SET: Kind = { apiVersion: "apps/v1", kind: "StatefulSet", plural: "statefulsets" };
/** Service. */
export const SERVICE: Kind = { apiVersion: "v1", kind: "Service", plural: "services" };
/** ServiceAccount. */
export const SERVICE_ACCOUNT: Kind = { apiVersion: "v1", kind: "ServiceAccount", plural: "serviceaccounts" };
/** Role. */
export const ROLE: Kind = { apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role", plural: "roles" };
/** RoleBinding. */
export const ROLE_BINDING: Kind = {
  apiVersion: "rbac.authorization.k8s.io/v1",
  kind: "RoleBinding",
  plural: "rolebindings",
};
/** ConfigMap. */
export const CONFIG_MAP: Kind = { apiVersion: "v1", kind: "ConfigMap", plural: "configmaps" };
/** Secret. */
export const SECRET: Kind = { apiVersion: "v1", kind: "Secret", plural: "secrets" };
/** NetworkPolicy (enforces the permission profile on the MCP pod). */
export const NETWORK_POLICY: Kind = {
  apiVersion: "networking.k8s.io/v1",
  kind: "NetworkPolicy",
  plural: "networkpolicies",
};
/** Pod. */
export const POD: Kind = { apiVersion: "v1", kind: "Pod", plural: "pods" };
/** MCPToolConfig. */
export const MCP_TOOL_CONFIG: Kind = {
  apiVersion: `${GROUP}/v1beta1`,
  kind: "MCPToolConfig",
  plural: "mcptoolconfigs",
};
/** MCPTelemetryConfig. */
export const MCP_TELEMETRY_CONFIG: Kind = {
  apiVersion: `${GROUP}/v1beta1`,
  kind: "MCPTelemetryConfig",
  plural: "mcptelemetryconfigs",
};
/** MCPExternalAuthConfig. */
export const MCP_EXTERNAL_AUTH_CONFIG: Kind = {
  apiVersion: `${GROUP}/v1beta1`,
  kind: "MCPExternalAuthConfig",
  plural: "mcpexternalauthconfigs",
};
/** MCPGroup. */
export const MCP_GROUP: Kind = { apiVersion: `${GROUP}/v1beta1`, kind: "MCPGroup", plural: "mcpgroups" };

/** MCPOIDCConfig. */
export const MCP_OIDC_CONFIG: Kind = {
  apiVersion: `${GROUP}/v1beta1`,
  kind: "MCPOIDCConfig",
  plural: "mcpoidcconfigs",
};
/** MCPAuthzConfig. */
export const MCP_AUTHZ_CONFIG: Kind = {
  apiVersion: `${GROUP}/v1beta1`,
  kind: "MCPAuthzConfig",
  plural: "mcpauthzconfigs",
};
/** MCPWebhookConfig (served only as v1alpha1). */
export const MCP_WEBHOOK_CONFIG: Kind = {
  apiVersion: `${GROUP}/v1alpha1`,
  kind: "MCPWebhookConfig",
  plural: "mcpwebhookconfigs",
};
/** MCPRemoteProxy. */
export const MCP_REMOTE_PROXY: Kind = {
  apiVersion: `${GROUP}/v1beta1`,
  kind: "MCPRemoteProxy",
  plural: "mcpremoteproxies",
};
/** MCPServerEntry. */
export const MCP_SERVER_ENTRY: Kind = {
  apiVersion: `${GROUP}/v1beta1`,
  kind: "MCPServerEntry",
  plural: "mcpserverentries",
};

/**
 * The name of the index of what each workload references: the Secrets and ConfigMaps its pods use, and the
 * groups and shared configs its spec names. Every kind in {@linkcode REFERRER_KINDS} carries it.
 */
export const REFERENCES_INDEX = "references";

/** The index value of a referenced object: `namespace/Kind/name`. */
export function referenceValue(namespace: string | undefined, kind: string, name: string | undefined): string {
  return `${namespace ?? ""}/${kind}/${name ?? ""}`;
}

/** The groups and shared configs a workload's spec names, as index values (read from the raw spec). */
export function configReferenceValues(object: KubeObject): string[] {
  return configReferences(object.spec).map((ref) => referenceValue(object.metadata?.namespace, ref.kind, ref.name));
}

/**
 * What an MCPServer references, as index values: the Secrets and ConfigMaps its pods use (none when its spec
 * does not parse), and the groups and shared configs it names.
 */
function referencesOf(object: KubeObject): string[] {
  const parsed = McpServerSpec.safeParse(object.spec);
  const server = parsed.success ? { spec: parsed.data } as Parameters<typeof referencedKeys>[0] : undefined;
  return [
    ...(server ? referencedKeys(server) : []).map((ref) =>
      referenceValue(object.metadata?.namespace, ref.kind, ref.name)
    ),
    ...configReferenceValues(object),
  ];
}

/**
 * What a remote kind (MCPRemoteProxy, MCPServerEntry) references, as index values: its groups and shared
 * configs, the Secrets of its secret headers and the ConfigMaps of its CA bundle and authorization file (read
 * from the raw spec).
 */
function remoteReferencesOf(object: KubeObject): string[] {
  const spec = (object.spec ?? {}) as {
    headerForward?: { addHeadersFromSecret?: { valueSecretRef?: { name?: string } }[] };
    caBundleRef?: { configMapRef?: { name?: string } };
    authzConfig?: { configMap?: { name?: string } };
  };
  const ns = object.metadata?.namespace;
  const secrets = (spec.headerForward?.addHeadersFromSecret ?? []).map((h) => h.valueSecretRef?.name)
    .filter((n): n is string => !!n).map((n) => referenceValue(ns, "Secret", n));
  const caName = spec.caBundleRef?.configMapRef?.name;
  const authzName = spec.authzConfig?.configMap?.name;
  return [
    ...configReferenceValues(object),
    ...secrets,
    ...(caName ? [referenceValue(ns, "ConfigMap", caName)] : []),
    ...(authzName ? [referenceValue(ns, "ConfigMap", authzName)] : []),
  ];
}

/** A kind whose objects reference groups and shared configs, and the `kind` it has in a WorkloadReference. */
export interface ReferrerKind {
  /** The informed kind; its informer carries {@linkcode REFERENCES_INDEX}. */
  readonly kind: Kind;
}

/** The kinds that reference groups and shared configs (MCPRemoteProxy and MCPServerEntry join as they land). */
export const REFERRER_KINDS: readonly ReferrerKind[] = [
  { kind: MCP_SERVER },
  { kind: MCP_REMOTE_PROXY },
  { kind: MCP_SERVER_ENTRY },
];

const metadataOnly = stripForCache();
const children = { labelSelector: "toolhive=true", transform: metadataOnly, metadataOnly: true };

type Fields = Record<string, unknown>;

/** What the status reads of a container status: its name, image, state and last termination. */
const containerStatuses = (list: unknown) =>
  (list as Fields[] | undefined)?.map((c) => ({
    name: c.name,
    image: c.image,
    state: c.state,
    ...(c.lastState ? { lastState: c.lastState } : {}),
  }));

/** The proxy Deployment's replicas and the rolling-restart time its pod template carries (restart.ts). */
function deploymentSpec(spec: Fields): Fields {
  const template = spec.template as { metadata?: { annotations?: Record<string, string> } } | undefined;
  const restartedAt = template?.metadata?.annotations?.[RESTARTED_AT];
  return {
    replicas: spec.replicas,
    ...(restartedAt ? { template: { metadata: { annotations: { [RESTARTED_AT]: restartedAt } } } } : {}),
  };
}

/** Every kind the operator informs about, with its selector, transform and indexes. */
export const INFORMED: ReadonlyArray<readonly [Kind, InformOptions<KubeObject>]> = [
  [MCP_SERVER, {
    transform: stripForCache({ spec: true, status: true }),
    indexes: { [REFERENCES_INDEX]: referencesOf },
  }],
  [MCP_TOOL_CONFIG, { transform: stripForCache({ spec: true, status: true }) }],
  [MCP_TELEMETRY_CONFIG, { transform: stripForCache({ spec: true, status: true }) }],
  [MCP_EXTERNAL_AUTH_CONFIG, { transform: stripForCache({ spec: true, status: true }) }],
  [MCP_OIDC_CONFIG, { transform: stripForCache({ spec: true, status: true }) }],
  [MCP_AUTHZ_CONFIG, { transform: stripForCache({ spec: true, status: true }) }],
  [MCP_WEBHOOK_CONFIG, { transform: stripForCache({ spec: true, status: true }) }],
  [MCP_REMOTE_PROXY, {
    transform: stripForCache({ spec: true, status: true }),
    indexes: { [REFERENCES_INDEX]: remoteReferencesOf },
  }],
  [MCP_SERVER_ENTRY, {
    transform: stripForCache({ spec: true, status: true }),
    indexes: { [REFERENCES_INDEX]: remoteReferencesOf },
  }],
  [MCP_GROUP, { transform: stripForCache({ status: true }) }],
  [DEPLOYMENT, { labelSelector: "toolhive=true", transform: stripForCache({ spec: deploymentSpec }) }],
  // The proxy runner's StatefulSets: their rollout is part of the status.
  [STATEFUL_SET, {
    labelSelector: "toolhive=true",
    transform: stripForCache({
      spec: (spec) => ({ replicas: spec.replicas }),
      status: (s) => ({
        observedGeneration: s.observedGeneration,
        replicas: s.replicas,
        readyReplicas: s.readyReplicas,
        updatedReplicas: s.updatedReplicas,
        currentRevision: s.currentRevision,
        updateRevision: s.updateRevision,
      }),
    }),
  }],
  [SERVICE, children],
  [SERVICE_ACCOUNT, children],
  [ROLE, children],
  [ROLE_BINDING, children],
  [NETWORK_POLICY, children],
  // Every ConfigMap and Secret of the watched namespaces: a server may reference any of them.
  [CONFIG_MAP, { transform: stripForCache({ data: true }) }],
  [SECRET, { transform: stripForCache({ data: true }) }],
  // Proxy pods and the MCP pods of the StatefulSets (both carry toolhive=true).
  [POD, {
    labelSelector: "toolhive=true",
    transform: stripForCache({
      status: (s) => ({
        phase: s.phase,
        reason: s.reason,
        message: s.message,
        conditions: (s.conditions as Fields[] | undefined)?.map((c) => ({ type: c.type, status: c.status })),
        initContainerStatuses: containerStatuses(s.initContainerStatuses),
        containerStatuses: containerStatuses(s.containerStatuses),
      }),
    }),
  }],
];
