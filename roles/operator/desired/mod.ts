/**
 * Desired state of an MCPServer: every child object, computed by pure functions from the MCPServer and a
 * few inputs (design.md §4). The reconciler applies them; nothing here does I/O.
 * @module
 */
import type { KubernetesObject } from "@kubernetes/client-node";
import type { McpServer } from "../../../crds/mod.ts";
import type { RunConfig } from "../../../lib/run_config.ts";
import { checkPodTemplate, desiredPodPatch } from "./pod_patch.ts";
import { desiredProxyDeployment, desiredProxyService, PROXY_METRICS_PORT, type ProxyPodExtras } from "./proxy.ts";
import { desiredNetworkPolicy, profileNetwork } from "./network_policy.ts";
import { desiredMcpServiceAccount, desiredProxyRunnerRbac } from "./rbac.ts";
import { desiredRunConfigMap } from "./run_config.ts";

export { checksumOf, CONTENT_CHECKSUM, REFERENCED_CHECKSUM, RESTARTED_AT, RUNCONFIG_CHECKSUM } from "./checksum.ts";
export { childNames, clientTransport, effectivePorts, labelsFor, ownerReference, serverUrl } from "./names.ts";
export { checkPodTemplate, MCP_CONTAINER } from "./pod_patch.ts";
export {
  LIVENESS_PATH,
  PROXY_CONTAINER,
  PROXY_METRICS_PORT,
  PROXY_PROBES,
  type ProxyPodExtras,
  READINESS_PATH,
} from "./proxy.ts";
export { cidrOf, desiredNetworkPolicy, mcpPodSelector, profileNetwork } from "./network_policy.ts";
export type { Egress, NetworkPolicy, ProfileNetwork } from "./network_policy.ts";
export { PROXY_RUNNER_RULES } from "./rbac.ts";
export { auditRunConfig, desiredRunConfig, RUNCONFIG_KEY } from "./run_config.ts";

/** Inputs besides the MCPServer. */
export interface DesiredInputs {
  /** Image of the proxy runner. */
  readonly runnerImage: string;
  /** Checksum of the referenced Secret and ConfigMap keys the pods use (see {@linkcode referencedKeys}). */
  readonly referencedChecksum?: string;
  /** The text of a `configmap` permission profile, when its ConfigMap and key exist. */
  readonly profileJson?: string;
  /** The time of the last rolling restart, for the proxy pod template; absent: none. */
  readonly restartedAt?: string;
  /** RunConfig fields the server's groups and shared configs contribute. */
  readonly fromReferences?: Partial<RunConfig>;
  /** Environment, volumes and mounts the references add to the proxy container (secrets by reference). */
  readonly proxyPod?: ProxyPodExtras;
}

/** The children, in the order they are applied; or why there are none. */
export type Desired =
  | { readonly ok: true; readonly objects: readonly KubernetesObject[]; readonly runConfigChecksum: string }
  | { readonly ok: false; readonly podTemplateError: string };

/** Every child of `server`, or the podTemplateSpec error that stops reconciliation (no retry helps it). */
export function desiredChildren(server: McpServer, inputs: DesiredInputs): Desired {
  const check = checkPodTemplate(server);
  if (!check.ok) return { ok: false, podTemplateError: check.message };
  const { configMap, checksum } = desiredRunConfigMap(server, inputs.fromReferences);
  const mcpSa = desiredMcpServiceAccount(server);
  // A profile that cannot be enforced refuses the server (unenforced.ts): then nothing here is applied.
  const network = profileNetwork(server, inputs.profileJson);
  const policy = network?.ok ? [desiredNetworkPolicy(server, network.egress)] : [];
  return {
    ok: true,
    runConfigChecksum: checksum,
    objects: [
      ...policy,
      ...desiredProxyRunnerRbac(server),
      ...(mcpSa ? [mcpSa] : []),
      configMap,
      desiredProxyDeployment(server, {
        runnerImage: inputs.runnerImage,
        runConfigChecksum: checksum,
        ...(inputs.referencedChecksum ? { referencedChecksum: inputs.referencedChecksum } : {}),
        podPatch: desiredPodPatch(server, check.template),
        ...(inputs.restartedAt ? { restartedAt: inputs.restartedAt } : {}),
        ...(inputs.proxyPod ? { extras: inputs.proxyPod } : {}),
        ...(inputs.fromReferences?.telemetry_config?.enablePrometheusMetricsPath
          ? { metricsPort: PROXY_METRICS_PORT }
          : {}),
      }),
      desiredProxyService(server),
    ],
  };
}

/** A Secret or ConfigMap key that the MCPServer's pods use. */
export interface ReferencedKey {
  /** Secret or ConfigMap. */
  readonly kind: "Secret" | "ConfigMap";
  /** Object name, in the MCPServer's namespace. */
  readonly name: string;
  /** The key used; undefined means the whole object. */
  readonly key?: string;
}

/** The Secret and ConfigMap keys the pods of `server` use (its authorization ConfigMap too): their change must roll the pods. */
export function referencedKeys(server: McpServer): ReferencedKey[] {
  const refs: ReferencedKey[] = (server.spec.secrets ?? []).map((s) => ({ kind: "Secret", name: s.name, key: s.key }));
  const profile = server.spec.permissionProfile;
  if (profile?.type === "configmap") {
    refs.push({ kind: "ConfigMap", name: profile.name, ...(profile.key ? { key: profile.key } : {}) });
  }
  const authz = server.spec.authzConfig;
  if (authz?.type === "configMap" && authz.configMap) {
    refs.push({ kind: "ConfigMap", name: authz.configMap.name, key: authz.configMap.key ?? "authz.json" });
  }
  return refs;
}
