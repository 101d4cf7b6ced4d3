/**
 * The RunConfig of an MCPServer, and the ConfigMap `<name>-runconfig` that carries it to the proxy runner.
 * @module
 */
import type { V1ConfigMap } from "@kubernetes/client-node";
import type { McpServer } from "../../../crds/mod.ts";
import { RUN_CONFIG_SCHEMA_VERSION, type RunConfig, serializeRunConfig } from "../../../lib/run_config.ts";
import { checksumOf, CONTENT_CHECKSUM } from "./checksum.ts";
import { childNames, effectivePorts, ownerReference } from "./names.ts";

/** Where a ConfigMap permission profile is mounted in the proxy pod. */
export const PROFILE_MOUNT = "/etc/toolhive/profiles";
/** Key of the RunConfig in its ConfigMap. */
export const RUNCONFIG_KEY = "runconfig.json";

/** RunConfig `audit_config` of a workload's `spec.audit` (an MCPServer's or an MCPRemoteProxy's). */
export function auditRunConfig(audit: McpServer["spec"]["audit"]): Pick<RunConfig, "audit_config"> {
  return audit ? { audit_config: { enabled: audit.enabled } } : {};
}

/**
 * The RunConfig the proxy runner reads, with the fields the server's references contribute (server_refs.ts).
 * Secret values never enter it: they go into the pod patch as references.
 */
export function desiredRunConfig(server: McpServer, fromReferences: Partial<RunConfig> = {}): RunConfig {
  const { spec, metadata } = server;
  const { proxyPort, mcpPort } = effectivePorts(server);
  const profile = spec.permissionProfile;
  const redis = spec.sessionStorage?.provider === "redis" ? spec.sessionStorage : undefined;
  return {
    schema_version: RUN_CONFIG_SCHEMA_VERSION,
    name: metadata.name,
    image: spec.image,
    transport: spec.transport,
    // As ToolHive writes them: the proxy mode and the MCP port of every server (the runner reads them per transport).
    proxy_mode: spec.proxyMode,
    cmd_args: [...(spec.args ?? [])],
    host: "0.0.0.0",
    port: proxyPort,
    target_port: mcpPort,
    env_vars: Object.fromEntries((spec.env ?? []).map((e) => [e.name, e.value])),
    secrets: [],
    // Informational, in ToolHive's "host:container[:ro]" form: the pod patch mounts them into the MCP pod.
    volumes: (spec.volumes ?? []).map((v) => `${v.hostPath}:${v.mountPath}${v.readOnly ? ":ro" : ""}`),
    container_labels: {},
    ...(profile
      ? {
        permission_profile_name_or_path: profile.type === "builtin"
          ? profile.name
          : `${PROFILE_MOUNT}/${profile.key ?? "profile.json"}`,
      }
      : {}),
    trust_proxy_headers: spec.trustProxyHeaders,
    ...(spec.endpointPrefix ? { endpoint_prefix: spec.endpointPrefix } : {}),
    ...(spec.groupRef ? { group: spec.groupRef.name } : {}),
    ...(metadata.generation !== undefined ? { mcpserver_generation: metadata.generation } : {}),
    ...auditRunConfig(spec.audit),
    ...(spec.backendReplicas !== undefined || redis
      ? {
        scaling_config: {
          ...(spec.backendReplicas !== undefined ? { backend_replicas: spec.backendReplicas } : {}),
          ...(redis?.address
            ? {
              session_redis: {
                address: redis.address,
                db: redis.db,
                ...(redis.keyPrefix ? { key_prefix: redis.keyPrefix } : {}),
              },
            }
            : {}),
        },
      }
      : {}),
    ...fromReferences,
  };
}

/** The ConfigMap `<name>-runconfig`, annotated with the checksum of its content. */
export function desiredRunConfigMap(
  server: McpServer,
  fromReferences: Partial<RunConfig> = {},
): { configMap: V1ConfigMap; checksum: string } {
  const { name, namespace } = server.metadata;
  const data = { [RUNCONFIG_KEY]: serializeRunConfig(desiredRunConfig(server, fromReferences)) };
  const checksum = checksumOf(data);
  return {
    checksum,
    configMap: {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: {
        name: childNames(name).runConfigMap,
        namespace,
        labels: {
          "toolhive.stacklok.io/component": "run-config",
          "toolhive.stacklok.io/mcp-server": name,
          "toolhive.stacklok.io/managed-by": "toolhive-operator",
        },
        annotations: { [CONTENT_CHECKSUM]: checksum },
        ownerReferences: [ownerReference(server)],
      },
      data,
    },
  };
}
