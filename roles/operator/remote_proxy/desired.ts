/**
 * Desired state of an MCPRemoteProxy (toolhive-crds.md §9): its RunConfig ConfigMap, the runner's identity,
 * the proxy Deployment and its Service. Pure; secret header values enter only as secretKeyRef env.
 * @module
 */
import type {
  KubernetesObject,
  V1ConfigMap,
  V1Deployment,
  V1EnvVar,
  V1PolicyRule,
  V1Service,
} from "@kubernetes/client-node";
import { RUN_CONFIG_SCHEMA_VERSION, type RunConfig, serializeRunConfig } from "../../../lib/run_config.ts";
import {
  auditRunConfig,
  checksumOf,
  CONTENT_CHECKSUM,
  PROXY_CONTAINER,
  PROXY_METRICS_PORT,
  PROXY_PROBES,
  type ProxyPodExtras,
  REFERENCED_CHECKSUM,
  RUNCONFIG_CHECKSUM,
  RUNCONFIG_KEY,
} from "../desired/mod.ts";
import {
  headerSecretName,
  remoteChildNames,
  remoteLabels,
  remoteOwner,
  type RemoteProxy,
  SECRET_ENV_PREFIX,
} from "./names.ts";

/** What the remote proxy runner may read: its RunConfig and Secrets (as ToolHive's Role). */
export const REMOTE_RUNNER_RULES: readonly V1PolicyRule[] = [
  { apiGroups: [""], resources: ["configmaps", "secrets"], verbs: ["get", "list", "watch"] },
];

/**
 * The RunConfig of the proxy: the remote URL and the headers, secret ones by name only, and what its references
 * contribute (server_refs.ts); an injected header (MCPExternalAuthConfig headerInjection) joins spec.headerForward's.
 */
export function desiredRemoteRunConfig(proxy: RemoteProxy, fromReferences: Partial<RunConfig> = {}): RunConfig {
  const { spec, metadata } = proxy;
  const plain = spec.headerForward?.addPlaintextHeaders;
  const secret = spec.headerForward?.addHeadersFromSecret ?? [];
  const headerForward = plain || secret.length
    ? {
      header_forward: {
        ...(plain ? { add_plaintext_headers: { ...plain } } : {}),
        ...(secret.length
          ? {
            add_headers_from_secret: Object.fromEntries(
              secret.map((h) => [h.headerName, headerSecretName(h.headerName, metadata.name)]),
            ),
          }
          : {}),
      },
    }
    : {};
  return {
    schema_version: RUN_CONFIG_SCHEMA_VERSION,
    name: metadata.name,
    // No image runs: the remote URL stands in for it (the runner fronts remote_url).
    image: spec.remoteUrl,
    transport: spec.transport,
    cmd_args: [],
    host: "0.0.0.0",
    port: spec.proxyPort,
    env_vars: {},
    secrets: [],
    volumes: [],
    container_labels: {},
    trust_proxy_headers: spec.trustProxyHeaders,
    ...(spec.endpointPrefix ? { endpoint_prefix: spec.endpointPrefix } : {}),
    ...(spec.groupRef ? { group: spec.groupRef.name } : {}),
    ...auditRunConfig(spec.audit),
    remote_url: spec.remoteUrl,
    ...headerForward,
    // The proxy audits (lib/audit), as for an MCPServer.
    ...(spec.audit ? { audit_config: { enabled: spec.audit.enabled } } : {}),
    ...fromReferences,
    ...mergedHeaderForward(headerForward.header_forward, fromReferences.header_forward),
  };
}

type HeaderForward = NonNullable<RunConfig["header_forward"]>;

/** The spec's forwarded headers and a reference's, as one `header_forward` (nothing when neither has any). */
function mergedHeaderForward(spec?: HeaderForward, ref?: HeaderForward): { header_forward?: HeaderForward } {
  if (!spec || !ref) return {};
  const plain = { ...spec.add_plaintext_headers, ...ref.add_plaintext_headers };
  const secret = { ...spec.add_headers_from_secret, ...ref.add_headers_from_secret };
  return {
    header_forward: {
      ...(Object.keys(plain).length ? { add_plaintext_headers: plain } : {}),
      ...(Object.keys(secret).length ? { add_headers_from_secret: secret } : {}),
    },
  };
}

const meta = (proxy: RemoteProxy, name: string) => ({
  name,
  namespace: proxy.metadata.namespace,
  labels: remoteLabels(proxy.metadata.name),
  ownerReferences: [remoteOwner(proxy)],
});

/** The ConfigMap `<name>-runconfig`, annotated with the checksum of its content. */
export function desiredRemoteRunConfigMap(
  proxy: RemoteProxy,
  fromReferences: Partial<RunConfig> = {},
): { configMap: V1ConfigMap; checksum: string } {
  const { name, namespace } = proxy.metadata;
  const data = { [RUNCONFIG_KEY]: serializeRunConfig(desiredRemoteRunConfig(proxy, fromReferences)) };
  const checksum = checksumOf(data);
  return {
    checksum,
    configMap: {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: {
        name: remoteChildNames(name).runConfigMap,
        namespace,
        labels: {
          "toolhive.stacklok.io/component": "run-config",
          "toolhive.stacklok.io/mcp-remote-proxy": name,
          "toolhive.stacklok.io/managed-by": "toolhive-operator",
        },
        annotations: { [CONTENT_CHECKSUM]: checksum },
        ownerReferences: [remoteOwner(proxy)],
      },
      data,
    },
  };
}

/** ServiceAccount, Role and RoleBinding `<name>-remote-proxy-runner`, unless `spec.serviceAccount` is set. */
export function desiredRemoteRbac(proxy: RemoteProxy): KubernetesObject[] {
  if (proxy.spec.serviceAccount) return [];
  const name = remoteChildNames(proxy.metadata.name).runner;
  const pull = proxy.spec.resourceOverrides?.proxyDeployment?.imagePullSecrets ?? [];
  return [
    {
      apiVersion: "v1",
      kind: "ServiceAccount",
      metadata: meta(proxy, name),
      ...(pull.length ? { imagePullSecrets: pull.map((s) => ({ name: s.name })) } : {}),
    } as KubernetesObject,
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "Role",
      metadata: meta(proxy, name),
      rules: REMOTE_RUNNER_RULES.map((r) => ({ ...r })),
    } as KubernetesObject,
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: meta(proxy, name),
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name },
      subjects: [{ kind: "ServiceAccount", name, namespace: proxy.metadata.namespace }],
    } as KubernetesObject,
  ];
}

/**
 * The proxy container's env: the runtime, every secret header by secretKeyRef (never its value), and what the
 * references add (server_refs.ts: OIDC client secret, token-exchange secret, bearer token, telemetry), as an
 * MCPServer's proxy gets them.
 */
export function remoteProxyEnv(proxy: RemoteProxy, extras: ProxyPodExtras = {}): V1EnvVar[] {
  const secret = proxy.spec.headerForward?.addHeadersFromSecret ?? [];
  return [
    { name: "XDG_CONFIG_HOME", value: "/tmp" },
    { name: "HOME", value: "/tmp" },
    { name: "TOOLHIVE_RUNTIME", value: "kubernetes" },
    { name: "UNSTRUCTURED_LOGS", value: "false" },
    ...(secret.length ? [{ name: "TOOLHIVE_SECRETS_PROVIDER", value: "environment" }] : []),
    ...secret.map((h) => ({
      name: `${SECRET_ENV_PREFIX}${headerSecretName(h.headerName, proxy.metadata.name)}`,
      valueFrom: { secretKeyRef: { name: h.valueSecretRef.name, key: h.valueSecretRef.key } },
    })),
    ...(extras.env ?? []),
    ...(proxy.spec.resourceOverrides?.proxyDeployment?.env ?? []).map((e) => ({ name: e.name, value: e.value })),
  ];
}

/** The proxy Deployment `<name>`: container `toolhive` running the runner on the RunConfig. */
export function desiredRemoteDeployment(
  proxy: RemoteProxy,
  inputs: {
    runnerImage: string;
    runConfigChecksum: string;
    referencedChecksum?: string;
    proxyPod?: ProxyPodExtras;
    /** The Prometheus listener's port when telemetry enables it: exposed as container port `metrics`. */
    metricsPort?: number;
  },
): V1Deployment {
  const extras = inputs.proxyPod ?? {};
  const { spec, metadata } = proxy;
  const names = remoteChildNames(metadata.name);
  const labels = remoteLabels(metadata.name);
  const overrides = spec.resourceOverrides?.proxyDeployment;
  const resources = spec.resources
    ? {
      resources: {
        ...(spec.resources.limits ? { limits: { ...spec.resources.limits } } : {}),
        ...(spec.resources.requests ? { requests: { ...spec.resources.requests } } : {}),
      },
    }
    : {};
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: {
      name: names.deployment,
      namespace: metadata.namespace,
      labels: { ...overrides?.labels, ...labels },
      ...(overrides?.annotations ? { annotations: { ...overrides.annotations } } : {}),
      ownerReferences: [remoteOwner(proxy)],
    },
    spec: {
      ...(spec.replicas === undefined ? {} : { replicas: spec.replicas }),
      selector: { matchLabels: labels },
      template: {
        metadata: {
          labels: { ...overrides?.podTemplateMetadataOverrides?.labels, ...labels },
          annotations: {
            ...overrides?.podTemplateMetadataOverrides?.annotations,
            [RUNCONFIG_CHECKSUM]: inputs.runConfigChecksum,
            ...(inputs.referencedChecksum ? { [REFERENCED_CHECKSUM]: inputs.referencedChecksum } : {}),
          },
        },
        spec: {
          serviceAccountName: spec.serviceAccount ?? names.runner,
          terminationGracePeriodSeconds: 30,
          ...(overrides?.imagePullSecrets?.length
            ? { imagePullSecrets: overrides.imagePullSecrets.map((s) => ({ name: s.name })) }
            : {}),
          securityContext: {
            runAsNonRoot: true,
            runAsUser: 1000,
            runAsGroup: 1000,
            fsGroup: 1000,
            seccompProfile: { type: "RuntimeDefault" },
          },
          containers: [{
            name: PROXY_CONTAINER,
            image: inputs.runnerImage,
            args: ["run", "--foreground=true", "placeholder-for-remote-proxy"],
            ports: [
              { name: "http", containerPort: spec.proxyPort, protocol: "TCP" },
              ...(inputs.metricsPort ? [{ name: "metrics", containerPort: inputs.metricsPort, protocol: "TCP" }] : []),
            ],
            env: remoteProxyEnv(proxy, extras),
            volumeMounts: [
              { name: "runconfig", mountPath: "/etc/runconfig", readOnly: true },
              ...(extras.volumeMounts ?? []),
            ],
            ...resources,
            ...structuredClone(PROXY_PROBES),
            securityContext: {
              privileged: false,
              allowPrivilegeEscalation: false,
              readOnlyRootFilesystem: true,
              capabilities: { drop: ["ALL"] },
            },
          }],
          volumes: [{ name: "runconfig", configMap: { name: names.runConfigMap } }, ...(extras.volumes ?? [])],
        },
      },
    },
  };
}

/** The Service `mcp-<name>-remote-proxy`. */
export function desiredRemoteService(proxy: RemoteProxy): V1Service {
  const { metadata, spec } = proxy;
  const overrides = spec.resourceOverrides?.proxyService;
  const labels = remoteLabels(metadata.name);
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: {
      name: remoteChildNames(metadata.name).service,
      namespace: metadata.namespace,
      labels: { ...overrides?.labels, ...labels },
      ...(overrides?.annotations ? { annotations: { ...overrides.annotations } } : {}),
      ownerReferences: [remoteOwner(proxy)],
    },
    spec: {
      selector: labels,
      ports: [{ name: "http", port: spec.proxyPort, targetPort: spec.proxyPort, protocol: "TCP" }],
      sessionAffinity: spec.sessionAffinity,
    },
  };
}

/** Every child of `proxy`, in apply order. */
export function desiredRemoteChildren(
  proxy: RemoteProxy,
  inputs: {
    runnerImage: string;
    referencedChecksum?: string;
    fromReferences?: Partial<RunConfig>;
    proxyPod?: ProxyPodExtras;
  },
): KubernetesObject[] {
  const { configMap, checksum } = desiredRemoteRunConfigMap(proxy, inputs.fromReferences);
  return [
    ...desiredRemoteRbac(proxy),
    configMap,
    desiredRemoteDeployment(proxy, {
      runnerImage: inputs.runnerImage,
      runConfigChecksum: checksum,
      ...(inputs.referencedChecksum ? { referencedChecksum: inputs.referencedChecksum } : {}),
      ...(inputs.proxyPod ? { proxyPod: inputs.proxyPod } : {}),
      ...(inputs.fromReferences?.telemetry_config?.enablePrometheusMetricsPath
        ? { metricsPort: PROXY_METRICS_PORT }
        : {}),
    }),
    desiredRemoteService(proxy),
  ];
}
