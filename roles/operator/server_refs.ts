/**
 * The groups and shared configs an MCPServer references, resolved from the cache into what they contribute:
 * a condition each (ToolHive's types and reasons, toolhive-crds.md §0.8), the config hash copied into the
 * status, RunConfig fields, and — for a reference that is missing or invalid — a failure that sets phase
 * Failed and holds the children as they are (the last valid config keeps serving; a new server gets none).
 * One handler per reference; each is pure over a lookup, so tables test them without a cache.
 * @module
 */
import type { V1EnvVar, V1Volume, V1VolumeMount } from "@kubernetes/client-node";
import type { McpServer, McpServerStatus } from "../../crds/mod.ts";
import type { InformerCache } from "../../lib/k8s/mod.ts";
import type { RunConfig } from "../../lib/run_config.ts";
import { AUTH_SERVER_REF, EXTERNAL_AUTH_CONFIG_REF } from "./external_auth_ref.ts";
import { TELEMETRY_CONFIG_REF } from "./telemetry_ref.ts";
import { type GroupLookup, lookupGroup } from "./group/mod.ts";
import { AUTHZ_CONFIG_REF } from "./server_refs/authz.ts";
import { GROUP_REF } from "./server_refs/group.ts";
import { OIDC_CONFIG_REF } from "./server_refs/oidc.ts";
import { WEBHOOK_CONFIG_REF } from "./server_refs/webhook.ts";
import { type ConfigLookup, lookupConfig, type SharedConfigKind, TOOL_CONFIG_KIND } from "./shared_config/mod.ts";

/** A condition a reference sets. */
export interface RefCondition {
  /** Condition type, e.g. ToolConfigValidated. */
  readonly type: string;
  /** True or False. */
  readonly status: "True" | "False";
  /** CamelCase reason. */
  readonly reason: string;
  /** What a person should know. */
  readonly message: string;
}

/** What one reference contributes. */
export interface RefContribution {
  /** Its condition; absent: the condition type is removed. */
  readonly condition?: RefCondition;
  /** Status hash fields copied from the referenced object (undefined clears one). */
  readonly hashes?: Partial<Pick<McpServerStatus, HashField>>;
  /** RunConfig fields it sets. */
  readonly runConfig?: Partial<RunConfig>;
  /** Set when the reference stops the server: phase Failed with this reason and message. */
  readonly failure?: { readonly reason: string; readonly message: string };
  /**
   * Set with `failure` when the referenced object is missing or invalid: the reference reports itself and is
   * listed in {@linkcode ServerRefs.unresolved}. Absent with a failure: the object resolved but using it fails.
   */
  readonly unresolved?: true;
  /** What it adds to the proxy pod: secrets by reference (env from secretKeyRef, Secret volumes). */
  readonly proxyPod?: ProxyPodAdditions;
}

/** Environment, volumes and mounts a reference adds to the proxy container. */
export interface ProxyPodAdditions {
  /** Environment variables (secret values only as `valueFrom.secretKeyRef`). */
  readonly env?: readonly V1EnvVar[];
  /** Volumes of the proxy pod. */
  readonly volumes?: readonly V1Volume[];
  /** Mounts of the proxy container. */
  readonly volumeMounts?: readonly V1VolumeMount[];
}

type HashField =
  | "toolConfigHash"
  | "oidcConfigHash"
  | "authzConfigHash"
  | "telemetryConfigHash"
  | "externalAuthConfigHash"
  | "authServerConfigHash"
  | "webhookConfigHash";

/** Looks up a shared config of a kind in the server's namespace. */
export type Lookup = <Spec>(def: SharedConfigKind, name: string) => ConfigLookup<Spec>;

/** Looks up an MCPGroup in the server's namespace. */
export type LookupGroup = (name: string) => GroupLookup;

const NO_GROUPS: LookupGroup = () => ({ state: "missing" });

/** One reference of an MCPServer: the condition type it owns, and what it contributes. */
export interface ServerRefHandler {
  /** The condition type this handler sets or removes. */
  readonly conditionType: string;
  /** What the reference contributes to `server`. */
  readonly resolve: (server: McpServer, lookup: Lookup, lookupGroup: LookupGroup) => RefContribution;
}

/** `spec.toolConfigRef` → ToolConfigValidated, `toolConfigHash`, and `tools_filter`/`tools_override`. */
export const TOOL_CONFIG_REF: ServerRefHandler = {
  conditionType: "ToolConfigValidated",
  resolve(server, lookup) {
    const ref = server.spec.toolConfigRef;
    if (!ref) return { hashes: { toolConfigHash: undefined } };
    const found = lookup<import("../../crds/mod.ts").McpToolConfigSpec>(TOOL_CONFIG_KIND, ref.name);
    const type = this.conditionType;
    if (found.state === "missing") {
      const message = `MCPToolConfig '${ref.name}' not found in namespace '${server.metadata.namespace}'`;
      return failed(type, "ToolConfigNotFound", message);
    }
    if (found.state === "invalid") {
      return failed(type, "ToolConfigInvalid", `MCPToolConfig '${ref.name}' is not valid: ${found.message}`);
    }
    const overrides = Object.entries(found.spec.toolsOverride ?? {}).map(([tool, o]) => {
      const annotations = Object.fromEntries(Object.entries(o.annotations ?? {}).filter(([, v]) => v !== undefined));
      return [tool, {
        ...(o.name !== undefined ? { name: o.name } : {}),
        ...(o.description !== undefined ? { description: o.description } : {}),
        ...(Object.keys(annotations).length ? { annotations } : {}),
      }] as const;
    });
    return {
      condition: { type, status: "True", reason: "ToolConfigValid", message: `MCPToolConfig '${ref.name}' is valid` },
      hashes: { toolConfigHash: found.hash },
      runConfig: {
        ...(found.spec.toolsFilter?.length ? { tools_filter: [...found.spec.toolsFilter] } : {}),
        ...(overrides.length ? { tools_override: Object.fromEntries(overrides) } : {}),
      },
    };
  },
};

/** A reference that stops the server: its condition False, and the same message as the failure. */
export function failed(type: string, reason: string, message: string): RefContribution {
  return { condition: { type, status: "False", reason, message }, failure: { reason, message }, unresolved: true };
}

/** Every reference handler, in ToolHive's reconcile order. */
export const SERVER_REF_HANDLERS: readonly ServerRefHandler[] = [
  GROUP_REF,
  TOOL_CONFIG_REF,
  TELEMETRY_CONFIG_REF,
  EXTERNAL_AUTH_CONFIG_REF,
  AUTH_SERVER_REF,
  WEBHOOK_CONFIG_REF,
  OIDC_CONFIG_REF,
  AUTHZ_CONFIG_REF,
];

/** What all of a server's references contribute together. */
export interface ServerRefs {
  /** Conditions to set. */
  readonly conditions: readonly RefCondition[];
  /** Condition types to remove (their reference is unset). */
  readonly dropped: readonly string[];
  /** Hash fields for the status. */
  readonly hashes: Partial<Pick<McpServerStatus, HashField>>;
  /** RunConfig fields. */
  readonly runConfig: Partial<RunConfig>;
  /** Failures, in handler order; the first names the phase's reason. */
  readonly failures: readonly { readonly reason: string; readonly message: string }[];
  /** Condition types of the handlers whose referenced object is missing or invalid (`unresolved` set). */
  readonly unresolved: readonly string[];
  /** What the references add to the proxy pod. */
  readonly proxyPod: { env: V1EnvVar[]; volumes: V1Volume[]; volumeMounts: V1VolumeMount[] };
}

/** Resolves every reference of `server` through `lookup`; pure. */
export function combineServerRefs(
  server: McpServer,
  lookup: Lookup,
  handlers: readonly ServerRefHandler[] = SERVER_REF_HANDLERS,
  lookupGroup: LookupGroup = NO_GROUPS,
): ServerRefs {
  const out = {
    conditions: [] as RefCondition[],
    dropped: [] as string[],
    hashes: {},
    runConfig: {},
    failures: [] as {
      reason: string;
      message: string;
    }[],
    unresolved: [] as string[],
    proxyPod: { env: [] as V1EnvVar[], volumes: [] as V1Volume[], volumeMounts: [] as V1VolumeMount[] },
  };
  for (const handler of handlers) {
    const c = handler.resolve(server, lookup, lookupGroup);
    if (c.condition) out.conditions.push(c.condition);
    else out.dropped.push(handler.conditionType);
    Object.assign(out.hashes, c.hashes ?? {});
    Object.assign(out.runConfig, c.runConfig ?? {});
    if (c.failure) out.failures.push(c.failure);
    if (c.failure && c.unresolved) out.unresolved.push(handler.conditionType);
    out.proxyPod.env.push(...(c.proxyPod?.env ?? []));
    out.proxyPod.volumes.push(...(c.proxyPod?.volumes ?? []));
    out.proxyPod.volumeMounts.push(...(c.proxyPod?.volumeMounts ?? []));
  }
  return out;
}

/**
 * Resolves every reference of `server` from the cache, and `extra` handlers (over what the reconciler read
 * itself, e.g. the authorization ConfigMap); reads nothing from the API.
 */
export function resolveServerRefs(
  cache: InformerCache,
  server: McpServer,
  extra: readonly ServerRefHandler[] = [],
): ServerRefs {
  const lookup: Lookup = (def, name) => lookupConfig(cache, def, server.metadata.namespace, name);
  const group: LookupGroup = (name) => lookupGroup(cache, server.metadata.namespace, name);
  return combineServerRefs(server, lookup, [...SERVER_REF_HANDLERS, ...extra], group);
}
