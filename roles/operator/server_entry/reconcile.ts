/**
 * The MCPServerEntry controller: validation only (toolhive-crds.md §8). Every check runs every pass; the
 * status is written only when it changed; nothing is created.
 * @module
 */
import { GROUP, McpServerEntrySpec } from "../../../crds/mod.ts";
import {
  type EventRecorder,
  type InformerCache,
  isConflict,
  type KubeClient,
  type KubeObject,
  type ReconcileResult,
  TerminalError,
} from "../../../lib/k8s/mod.ts";
import type { Logger } from "../../../lib/log.ts";
import type { Condition } from "../conditions.ts";
import { sameJson } from "../same_json.ts";
import { CONFIG_MAP, MCP_EXTERNAL_AUTH_CONFIG, MCP_GROUP, MCP_SERVER_ENTRY, SECRET } from "../kinds.ts";
import { entryChecks, entryStatus } from "./status.ts";

/** What a pass needs. */
export interface ServerEntryDeps {
  /** API access, for status writes. */
  readonly client: KubeClient;
  /** Where every read comes from (the entry, its group and auth config, ConfigMaps, Secrets). */
  readonly cache: InformerCache;
  /** Scoped logger. */
  readonly log: Logger;
  /** Clock. */
  readonly now: () => Date;
  /** Where Events go. */
  readonly events: EventRecorder;
}

type Raw = KubeObject & { status?: { phase?: string; conditions?: Condition[] } };

/** Reconciles the MCPServerEntry `namespace/name` once. */
export async function reconcileServerEntry(
  deps: ServerEntryDeps,
  namespace: string,
  name: string,
): Promise<ReconcileResult> {
  const raw = deps.cache.get<Raw>(MCP_SERVER_ENTRY, namespace, name);
  if (!raw || raw.metadata?.deletionTimestamp) return {};
  const parsed = McpServerEntrySpec.safeParse(raw.spec);
  if (!parsed.success) {
    throw new TerminalError(`Cannot read MCPServerEntry "${name}": ${parsed.error.issues[0]?.message}`);
  }
  const spec = parsed.data;
  // From the cache: the controller watches groups, auth configs, ConfigMaps and Secrets through the index.
  const group = deps.cache.get<KubeObject & { status?: { phase?: string } }>(MCP_GROUP, namespace, spec.groupRef.name);
  const auth = spec.externalAuthConfigRef
    ? deps.cache.get(MCP_EXTERNAL_AUTH_CONFIG, namespace, spec.externalAuthConfigRef.name)
    : undefined;
  const caName = spec.caBundleRef?.configMapRef?.name;
  const secretKeys = new Map<string, string[]>();
  for (const h of spec.headerForward?.addHeadersFromSecret ?? []) {
    const secret = deps.cache.get<KubeObject & { data?: Record<string, string> }>(
      SECRET,
      namespace,
      h.valueSecretRef.name,
    );
    if (secret) secretKeys.set(h.valueSecretRef.name, Object.keys(secret.data ?? {}));
  }
  const checks = entryChecks(spec, namespace, {
    ...(group ? { groupPhase: group.status?.phase ?? "Pending" } : {}),
    externalAuthConfigExists: auth !== undefined,
    caBundleExists: caName ? deps.cache.get(CONFIG_MAP, namespace, caName) !== undefined : false,
    secretKeys,
  });
  const status = entryStatus(raw.status?.conditions ?? [], checks, raw.metadata?.generation, deps.now());
  if (!sameJson(status, raw.status ?? {})) {
    try {
      deps.cache.observe(
        await deps.client.patchStatus(
          { group: GROUP, version: "v1beta1", plural: "mcpserverentries", namespace, name },
          status,
        ),
      );
    } catch (e) {
      if (isConflict(e)) return { requeueAfterMs: 500 };
      throw e;
    }
    deps.log.info("Updated status", { phase: status.phase });
    if (status.phase === "Failed" && raw.status?.phase !== "Failed") {
      const failed = checks.filter((c) => c.status === "False").map((c) => c.message).join("; ");
      const about = {
        apiVersion: MCP_SERVER_ENTRY.apiVersion,
        kind: "MCPServerEntry",
        name,
        namespace,
        uid: raw.metadata?.uid ?? "",
      };
      await deps.events.record(about, "Warning", "ConfigInvalid", failed);
    }
  }
  return {};
}
