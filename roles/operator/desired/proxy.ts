/**
 * The proxy in front of an MCP server: Deployment `<name>` (container `toolhive`, running
 * `thv proxyrunner`'s `run [--k8s-pod-patch=<json>] <image>`) and Service `mcp-<name>-proxy`.
 * @module
 */
import type {
  V1Deployment,
  V1EnvVar,
  V1PodTemplateSpec,
  V1Service,
  V1Volume,
  V1VolumeMount,
} from "@kubernetes/client-node";
import type { McpServer } from "../../../crds/mod.ts";
import { GENERATION_ANNOTATION, REFERENCED_CHECKSUM, RESTARTED_AT, RUNCONFIG_CHECKSUM } from "./checksum.ts";
import { childNames, effectivePorts, labelsFor, ownerReference } from "./names.ts";
import { PROFILE_MOUNT } from "./run_config.ts";

/** Name of the proxy container. */
export const PROXY_CONTAINER = "toolhive";

/** What the proxy Deployment depends on besides the MCPServer. */
export interface ProxyInputs {
  /** Image of the proxy runner (`TOOLHIVE_RUNNER_IMAGE`). */
  readonly runnerImage: string;
  /** Checksum of the RunConfig ConfigMap's content. */
  readonly runConfigChecksum: string;
  /** Checksum of the referenced Secrets and ConfigMaps the pods use; absent when there are none. */
  readonly referencedChecksum?: string;
  /** The pod patch for the MCP server's pod. */
  readonly podPatch: V1PodTemplateSpec;
  /** The time of the last rolling restart asked for by annotation (restart.ts); absent: none. */
  readonly restartedAt?: string;
  /** What the server's shared configs add to the proxy container. */
  readonly extras?: ProxyPodExtras;
  /** The Prometheus listener's port when telemetry enables it: exposed as container port `metrics`. */
  readonly metricsPort?: number;
}

/** The proxy's Prometheus port (lib/telemetry DEFAULT_PROMETHEUS_PORT, ToolHive's diagnostics port). */
export const PROXY_METRICS_PORT = 9464;

/** Environment, volumes and mounts added to the proxy container (secrets only by reference). */
export interface ProxyPodExtras {
  /** Environment variables. */
  readonly env?: readonly V1EnvVar[];
  /** Pod volumes. */
  readonly volumes?: readonly V1Volume[];
  /** Container mounts. */
  readonly volumeMounts?: readonly V1VolumeMount[];
}

/** The proxy's liveness path: 200 while its process serves HTTP, whatever the MCP server does (docs/proxy.md). */
export const LIVENESS_PATH = "/livez";
/** The proxy's readiness path: 200 only while the MCP server answers an MCP ping. */
export const READINESS_PATH = "/health";

const probe = (path: string, extra: Record<string, number>) => ({ httpGet: { path, port: "http" }, ...extra });

/**
 * The proxy container's probes (decision 017). Liveness and startup ask only whether the proxy process serves
 * (a backend outage must not get the proxy killed: it reports the outage and recovers with the backend);
 * readiness asks whether the backend answers, every second, so the first call can come within a second of it.
 * The proxy runner listens only once the StatefulSet has rolled out (up to 120 s), so the startup window is
 * longer than that; readiness is probed only after startup succeeds, so startup is probed every second too.
 */
export const PROXY_PROBES = {
  startupProbe: probe(LIVENESS_PATH, { periodSeconds: 1, timeoutSeconds: 2, failureThreshold: 180 }),
  livenessProbe: probe(LIVENESS_PATH, { periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3 }),
  readinessProbe: probe(READINESS_PATH, { periodSeconds: 1, timeoutSeconds: 3, failureThreshold: 3 }),
} as const;

/** The proxy Deployment `<name>`. */
export function desiredProxyDeployment(server: McpServer, inputs: ProxyInputs): V1Deployment {
  const { spec, metadata } = server;
  const name = metadata.name;
  const names = childNames(name);
  const { proxyPort } = effectivePorts(server);
  const overrides = spec.resourceOverrides?.proxyDeployment;
  const labels = labelsFor(name);

  // A stdio server is one process shared by every client, so its proxy runs one replica.
  const replicas = spec.replicas === undefined
    ? undefined
    : spec.transport === "stdio"
    ? Math.min(spec.replicas, 1)
    : spec.replicas;

  const env: V1EnvVar[] = [
    { name: "XDG_CONFIG_HOME", value: "/tmp" },
    { name: "HOME", value: "/tmp" },
    { name: "TOOLHIVE_RUNTIME", value: "kubernetes" },
    { name: "UNSTRUCTURED_LOGS", value: "false" },
    {
      name: "THV_MCPSERVER_GENERATION",
      valueFrom: { fieldRef: { fieldPath: `metadata.annotations['${GENERATION_ANNOTATION}']` } },
    },
    ...(inputs.extras?.env ?? []),
    ...(overrides?.env ?? []).map((e) => ({ name: e.name, value: e.value })),
  ];

  const volumes: V1Volume[] = [{ name: "runconfig", configMap: { name: names.runConfigMap } }];
  const mounts: V1VolumeMount[] = [{ name: "runconfig", mountPath: "/etc/runconfig", readOnly: true }];
  if (spec.permissionProfile?.type === "configmap") {
    volumes.push({ name: "permission-profile", configMap: { name: spec.permissionProfile.name } });
    mounts.push({ name: "permission-profile", mountPath: PROFILE_MOUNT, readOnly: true });
  }
  volumes.push(...inputs.extras?.volumes ?? []);
  mounts.push(...inputs.extras?.volumeMounts ?? []);

  const patch = JSON.stringify(inputs.podPatch);
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
      name: names.proxyDeployment,
      namespace: metadata.namespace,
      labels: { ...overrides?.labels, ...labels },
      ...(overrides?.annotations ? { annotations: { ...overrides.annotations } } : {}),
      ownerReferences: [ownerReference(server)],
    },
    spec: {
      ...(replicas === undefined ? {} : { replicas }),
      selector: { matchLabels: labels },
      template: {
        metadata: {
          labels: { ...overrides?.podTemplateMetadataOverrides?.labels, ...labels },
          annotations: {
            ...overrides?.podTemplateMetadataOverrides?.annotations,
            [RUNCONFIG_CHECKSUM]: inputs.runConfigChecksum,
            ...(inputs.referencedChecksum ? { [REFERENCED_CHECKSUM]: inputs.referencedChecksum } : {}),
            [GENERATION_ANNOTATION]: String(metadata.generation ?? 0),
            ...(inputs.restartedAt ? { [RESTARTED_AT]: inputs.restartedAt } : {}),
          },
        },
        spec: {
          serviceAccountName: names.proxyRunner,
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
            args: ["run", ...(patch === "{}" ? [] : [`--k8s-pod-patch=${patch}`]), spec.image],
            ports: [
              { name: "http", containerPort: proxyPort, protocol: "TCP" },
              ...(inputs.metricsPort ? [{ name: "metrics", containerPort: inputs.metricsPort, protocol: "TCP" }] : []),
            ],
            env,
            volumeMounts: mounts,
            ...resources,
            ...structuredClone(PROXY_PROBES),
            securityContext: {
              privileged: false,
              allowPrivilegeEscalation: false,
              readOnlyRootFilesystem: true,
              capabilities: { drop: ["ALL"] },
            },
          }],
          volumes,
        },
      },
    },
  };
}

/** The proxy Service `mcp-<name>-proxy`. */
export function desiredProxyService(server: McpServer): V1Service {
  const { metadata, spec } = server;
  const overrides = spec.resourceOverrides?.proxyService;
  const { proxyPort } = effectivePorts(server);
  const labels = labelsFor(metadata.name);
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: {
      name: childNames(metadata.name).proxyService,
      namespace: metadata.namespace,
      labels: { ...overrides?.labels, ...labels },
      ...(overrides?.annotations ? { annotations: { ...overrides.annotations } } : {}),
      ownerReferences: [ownerReference(server)],
    },
    spec: {
      selector: labels,
      ports: [{ name: "http", port: proxyPort, targetPort: proxyPort, protocol: "TCP" }],
      sessionAffinity: spec.sessionAffinity,
    },
  };
}
