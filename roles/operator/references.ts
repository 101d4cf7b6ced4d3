/**
 * The Secrets and ConfigMaps an MCPServer references, resolved from the cache: what is missing, a checksum
 * of the values its pods use (so a rotation rolls them), and the text of a `configmap` permission profile.
 * @module
 */
import type { McpServer } from "../../crds/mod.ts";
import type { InformerCache, KubeObject } from "../../lib/k8s/mod.ts";
import { checksumOf, referencedKeys } from "./desired/mod.ts";
import { CONFIG_MAP, SECRET } from "./kinds.ts";

/** What {@linkcode resolveReferences} found. */
export interface ResolvedReferences {
  /** Referenced objects or keys that do not exist, as `Secret "x"` or `key "k" in ConfigMap "y"`. */
  readonly missing: string[];
  /** Checksum of the values used; undefined when none are. */
  readonly checksum?: string;
  /** The text of a `configmap` permission profile, when its ConfigMap and key exist. */
  readonly profileJson?: string;
  /** The data of the ConfigMap `spec.authzConfig.configMap` names, when it exists. */
  readonly authzConfigMap?: Readonly<Record<string, string>>;
}

/** Resolves the references of `server` from the cached Secrets and ConfigMaps; reads nothing from the API. */
export function resolveReferences(cache: InformerCache, server: McpServer): ResolvedReferences {
  const missing: string[] = [];
  const used: Record<string, string> = {};
  const profile = server.spec.permissionProfile?.type === "configmap" ? server.spec.permissionProfile : undefined;
  let profileJson: string | undefined;
  const authz = server.spec.authzConfig?.type === "configMap" ? server.spec.authzConfig.configMap : undefined;
  let authzConfigMap: Record<string, string> | undefined;
  for (const ref of referencedKeys(server)) {
    const object = cache.get<KubeObject & { data?: Record<string, string> }>(
      ref.kind === "Secret" ? SECRET : CONFIG_MAP,
      server.metadata.namespace,
      ref.name,
    );
    const label = `${ref.kind} "${ref.name}"`;
    if (!object) {
      if (!missing.includes(label)) missing.push(label);
      continue;
    }
    const data: Record<string, string> = { ...(object.data ?? {}) };
    if (ref.kind === "ConfigMap" && ref.name === profile?.name) profileJson = data[profile.key ?? "profile.json"];
    if (ref.kind === "ConfigMap" && ref.name === authz?.name) authzConfigMap = data;
    if (ref.key === undefined) {
      for (const [k, v] of Object.entries(data)) used[`${ref.kind}/${ref.name}/${k}`] = v;
    } else if (ref.key in data) {
      used[`${ref.kind}/${ref.name}/${ref.key}`] = data[ref.key]!;
    } else {
      missing.push(`key "${ref.key}" in ${label}`);
    }
  }
  // Only a hash of the values leaves this function: it goes into a pod annotation, so rotation rolls the pods.
  return {
    missing,
    ...(Object.keys(used).length > 0 ? { checksum: checksumOf(used) } : {}),
    ...(profileJson !== undefined ? { profileJson } : {}),
    ...(authzConfigMap !== undefined ? { authzConfigMap } : {}),
  };
}
