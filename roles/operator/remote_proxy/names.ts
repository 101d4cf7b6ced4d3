/**
 * Names, labels and the URL of the objects behind an MCPRemoteProxy (toolhive-crds.md §9), as ToolHive's.
 * @module
 */
import type { V1OwnerReference } from "@kubernetes/client-node";
import type { McpRemoteProxySpec } from "../../../crds/mod.ts";

/** An MCPRemoteProxy as the operator reads it. */
export interface RemoteProxy {
  /** `toolhive.stacklok.dev/v1beta1`. */
  readonly apiVersion: string;
  /** Always `MCPRemoteProxy`. */
  readonly kind: string;
  /** Object metadata. */
  readonly metadata: {
    readonly name: string;
    readonly namespace: string;
    readonly uid: string;
    readonly generation?: number;
    readonly resourceVersion?: string;
  };
  /** Desired state, with defaults. */
  readonly spec: McpRemoteProxySpec;
  /** Observed state. */
  readonly status?: Record<string, unknown>;
}

/** The names of every child of an MCPRemoteProxy. */
export function remoteChildNames(name: string) {
  return {
    deployment: name,
    service: `mcp-${name}-remote-proxy`,
    runConfigMap: `${name}-runconfig`,
    runner: `${name}-remote-proxy-runner`,
  } as const;
}

/** Labels on the proxy Deployment, its pods, its Service and its selector. */
export function remoteLabels(name: string): Record<string, string> {
  return {
    app: "mcpremoteproxy",
    "app.kubernetes.io/name": "mcpremoteproxy",
    "app.kubernetes.io/instance": name,
    toolhive: "true",
    "toolhive-name": name,
  };
}

/** The owner reference every child carries. */
export function remoteOwner(proxy: RemoteProxy): V1OwnerReference {
  const { name, uid } = proxy.metadata;
  return { apiVersion: proxy.apiVersion, kind: proxy.kind, name, uid, controller: true, blockOwnerDeletion: true };
}

/** `status.url`: where MCP clients in the cluster reach the proxy (no path, as ToolHive's). */
export function remoteProxyUrl(proxy: RemoteProxy): string {
  const { name, namespace } = proxy.metadata;
  return `http://${remoteChildNames(name).service}.${namespace}.svc.cluster.local:${proxy.spec.proxyPort}`;
}

const envPart = (text: string) => text.toUpperCase().replace(/[^A-Z0-9]/g, "_");

/**
 * The secret name a header's value goes by: `HEADER_FORWARD_<HEADER>_<OWNER>`; the proxy container reads it
 * from env `TOOLHIVE_SECRET_<that>`, filled from the Secret by reference.
 */
export function headerSecretName(header: string, owner: string): string {
  return `HEADER_FORWARD_${envPart(header)}_${envPart(owner)}`;
}

/** The env prefix under which the proxy finds secret values (ToolHive's environment secrets provider). */
export const SECRET_ENV_PREFIX = "TOOLHIVE_SECRET_";
