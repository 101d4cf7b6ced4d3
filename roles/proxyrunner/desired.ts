/**
 * What the proxy runner writes for its MCP server, as pure functions of the RunConfig: StatefulSet `<name>`
 * (container `mcp`), and for HTTP transports the Services `mcp-<name>-headless` and `mcp-<name>`
 * (design.md §3, toolhive-reference.md §3).
 * @module
 */
import type {
  V1Container,
  V1EnvVar,
  V1OwnerReference,
  V1PodSecurityContext,
  V1PodTemplateSpec,
  V1SecurityContext,
  V1Service,
  V1StatefulSet,
} from "@kubernetes/client-node";
import type { RunConfig } from "../../lib/run_config.ts";

/** Name of the MCP server's container in the StatefulSet. */
export const MCP_CONTAINER = "mcp";
/** Pod-template annotation carrying the MCPServer generation the StatefulSet was written for. */
export const GENERATION_ANNOTATION = "toolhive.stacklok.dev/mcpserver-generation";

/** Names of what the runner writes for the server `name`. */
export function workloadNames(name: string): { statefulSet: string; headless: string; backend: string } {
  return { statefulSet: name, headless: `mcp-${name}-headless`, backend: `mcp-${name}` };
}

/** The labels of the StatefulSet, its pods and its Services; `app=<name>` is the selector. */
export function workloadLabels(config: RunConfig): Record<string, string> {
  return {
    ...config.container_labels,
    app: config.name,
    "app.kubernetes.io/instance": config.name,
    toolhive: "true",
    "toolhive-name": config.name,
    "toolhive-transport": config.transport,
  };
}

/** What the StatefulSet depends on besides the RunConfig. */
export interface WorkloadInputs {
  /** Namespace of the proxy pod (and of everything written). */
  readonly namespace: string;
  /** The pod patch from `--k8s-pod-patch` (`{}` when none). */
  readonly podPatch: V1PodTemplateSpec;
  /** The owner everything goes with: the proxy's Deployment. */
  readonly owner: V1OwnerReference;
}

/** The port the MCP server listens on, for HTTP transports; a TypeError naming the field when missing. */
export function mcpPort(config: RunConfig): number {
  if (config.transport === "stdio") throw new TypeError(`RunConfig ${config.name}: transport stdio has no port`);
  if (config.target_port === undefined) {
    throw new TypeError(`RunConfig ${config.name}: field target_port is required for transport ${config.transport}`);
  }
  return config.target_port;
}

const RESTRICTED_POD: V1PodSecurityContext = {
  runAsNonRoot: true,
  runAsUser: 1000,
  runAsGroup: 1000,
  fsGroup: 1000,
  seccompProfile: { type: "RuntimeDefault" },
};
const RESTRICTED_CONTAINER: V1SecurityContext = {
  privileged: false,
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ["ALL"] },
};

/** The env of container `mcp`: RunConfig env, transport env, then the patch's (it wins), sorted by name. */
function containerEnv(config: RunConfig, patchEnv: readonly V1EnvVar[]): V1EnvVar[] {
  const byName = new Map<string, V1EnvVar>();
  for (const [name, value] of Object.entries(config.env_vars)) byName.set(name, { name, value });
  byName.set("MCP_TRANSPORT", { name: "MCP_TRANSPORT", value: config.transport });
  if (config.transport !== "stdio") {
    const port = String(mcpPort(config));
    byName.set("MCP_PORT", { name: "MCP_PORT", value: port });
    byName.set("FASTMCP_PORT", { name: "FASTMCP_PORT", value: port });
    byName.set("MCP_HOST", { name: "MCP_HOST", value: "0.0.0.0" });
  }
  for (const e of patchEnv) byName.set(e.name, e);
  // Sorted so the same inputs always give the same template: no spurious rollout from map order.
  return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The StatefulSet `<name>` running the MCP server, with the pod patch merged in. */
export function desiredStatefulSet(config: RunConfig, inputs: WorkloadInputs): V1StatefulSet {
  const { podPatch } = inputs;
  const names = workloadNames(config.name);
  const labels = workloadLabels(config);
  const patchContainers = podPatch.spec?.containers ?? [];
  const patchMcp: Partial<V1Container> = patchContainers.find((c) => c.name === MCP_CONTAINER) ?? {};
  const others = patchContainers.filter((c) => c.name !== MCP_CONTAINER);
  const stdio = config.transport === "stdio";
  const mcp: V1Container = {
    ...patchMcp,
    name: MCP_CONTAINER,
    image: config.image,
    ...(config.cmd_args.length ? { args: [...config.cmd_args] } : {}),
    env: containerEnv(config, patchMcp.env ?? []),
    securityContext: patchMcp.securityContext ?? RESTRICTED_CONTAINER,
    ...(stdio ? { stdin: true, tty: false } : {}),
    ...(config.transport === "sse" && !patchMcp.ports
      ? { ports: [{ name: "http", containerPort: mcpPort(config), protocol: "TCP" }] }
      : {}),
  };
  const generation = config.mcpserver_generation;
  const annotations = {
    ...podPatch.metadata?.annotations,
    ...(generation !== undefined ? { [GENERATION_ANNOTATION]: String(generation) } : {}),
  };
  const replicas = config.scaling_config?.backend_replicas;
  return {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: {
      name: names.statefulSet,
      namespace: inputs.namespace,
      labels,
      ...(generation !== undefined ? { annotations: { [GENERATION_ANNOTATION]: String(generation) } } : {}),
      ownerReferences: [inputs.owner],
    },
    spec: {
      // Absent unless asked for, so an HPA or `kubectl scale` keeps control of it.
      ...(replicas === undefined ? {} : { replicas }),
      serviceName: names.statefulSet,
      selector: { matchLabels: { app: config.name } },
      template: {
        metadata: {
          labels: { ...podPatch.metadata?.labels, ...labels },
          ...(Object.keys(annotations).length ? { annotations } : {}),
        },
        spec: {
          ...podPatch.spec,
          restartPolicy: "Always",
          securityContext: podPatch.spec?.securityContext ?? RESTRICTED_POD,
          containers: [mcp, ...others],
        },
      },
    },
  };
}

/** The Services of an HTTP transport's server (none for stdio), owned by the StatefulSet `owner`. */
export function desiredServices(
  config: RunConfig,
  inputs: { readonly namespace: string; readonly owner: V1OwnerReference },
): V1Service[] {
  if (config.transport === "stdio") return [];
  const names = workloadNames(config.name);
  const port = mcpPort(config);
  const ports = [{ name: "http", port, targetPort: port, protocol: "TCP" }];
  const metadata = (name: string) => ({
    name,
    namespace: inputs.namespace,
    labels: workloadLabels(config),
    ownerReferences: [inputs.owner],
  });
  const selector = { app: config.name };
  return [
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: metadata(names.headless),
      spec: { clusterIP: "None", selector, ports },
    },
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: metadata(names.backend),
      spec: {
        selector,
        ports,
        sessionAffinity: "ClientIP",
        sessionAffinityConfig: { clientIP: { timeoutSeconds: 1800 } },
      },
    },
  ];
}

/** An owner reference to `object` that is not its controller (the operator adopts the StatefulSet). */
export function ownerReferenceTo(
  object: { apiVersion?: string; kind?: string; metadata?: { name?: string; uid?: string } },
): V1OwnerReference {
  const { apiVersion, kind } = object;
  const name = object.metadata?.name;
  const uid = object.metadata?.uid;
  if (!apiVersion || !kind || !name || !uid) {
    throw new TypeError("Cannot own by an object without apiVersion, kind, metadata.name and metadata.uid");
  }
  return { apiVersion, kind, name, uid };
}

/** True when the live StatefulSet was written for a newer MCPServer generation than `config`'s (skip it). */
export function isNewerGeneration(live: V1StatefulSet | undefined, config: RunConfig): boolean {
  const raw = live?.metadata?.annotations?.[GENERATION_ANNOTATION];
  if (raw === undefined || config.mcpserver_generation === undefined) return false;
  const liveGeneration = Number(raw);
  return Number.isInteger(liveGeneration) && liveGeneration > config.mcpserver_generation;
}

/** True when `live` has rolled out what the apply that produced generation `generation` asked for. */
export function isRolledOut(live: V1StatefulSet | undefined, generation: number): boolean {
  if (!live) return false;
  const want = live.spec?.replicas ?? 1;
  const s = live.status;
  return (s?.observedGeneration ?? 0) >= generation && (s?.updatedReplicas ?? 0) === want &&
    (s?.readyReplicas ?? 0) === want;
}
