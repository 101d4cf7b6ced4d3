/**
 * One reconcile pass over one MCPGroup (toolhive-crds.md §1): keep the finalizer, and publish the members
 * found through {@linkcode REFERENCES_INDEX} of every referrer kind (an index lookup, never a list). An
 * unchanged group makes no request. Deletion never waits: the finalizer goes at once, and each member
 * learns of it through its own `GroupRefValidated` condition (its controller watches MCPGroups).
 * @module
 */
import type { KubernetesObject } from "@kubernetes/client-node";
import { GROUP, type McpGroupStatus } from "../../../crds/mod.ts";
import type { InformerCache, KubeClient, KubeObject, ReconcileResult } from "../../../lib/k8s/mod.ts";
import type { Logger } from "../../../lib/log.ts";
import { MCP_GROUP } from "../kinds.ts";
import { configHash, referrersOf } from "../shared_config/mod.ts";
import { groupStatus } from "./status.ts";

/** The finalizer every MCPGroup carries while it exists. */
export const GROUP_FINALIZER = "toolhive.stacklok.dev/mcpgroup-finalizer";

/** What a pass needs. */
export interface GroupDeps {
  /** API access, for writes. */
  readonly client: KubeClient;
  /** Where every read comes from. */
  readonly cache: InformerCache;
  /** Scoped logger. */
  readonly log: Logger;
  /** Clock. */
  readonly now: () => Date;
}

type RawGroup = KubeObject & {
  metadata: KubeObject["metadata"] & { name: string; namespace: string };
  status?: McpGroupStatus;
};

/** Reconciles the MCPGroup `namespace/name` once. */
export async function reconcileGroup(deps: GroupDeps, namespace: string, name: string): Promise<ReconcileResult> {
  const { client, cache, log } = deps;
  const raw = cache.get<RawGroup>(MCP_GROUP, namespace, name);
  if (!raw) return {};
  const ref = { apiVersion: MCP_GROUP.apiVersion, kind: MCP_GROUP.kind, namespace, name };
  const finalizers = raw.metadata.finalizers ?? [];
  let resourceVersion = raw.metadata.resourceVersion;
  const observe = (answer: KubernetesObject) => {
    cache.observe(answer);
    resourceVersion = answer.metadata?.resourceVersion;
  };
  if (raw.metadata.deletionTimestamp !== undefined) {
    if (!finalizers.includes(GROUP_FINALIZER)) return {};
    observe(
      await client.mergePatch<KubernetesObject>(ref, {
        metadata: { finalizers: finalizers.filter((f) => f !== GROUP_FINALIZER), resourceVersion },
      }),
    );
    log.info("Removed finalizer");
    return {};
  }
  if (!finalizers.includes(GROUP_FINALIZER)) {
    observe(
      await client.mergePatch<KubernetesObject>(ref, {
        metadata: { finalizers: [...finalizers, GROUP_FINALIZER], resourceVersion },
      }),
    );
    log.info("Added finalizer");
  }
  const members = referrersOf(cache, MCP_GROUP.kind, namespace, name);
  const status = groupStatus(raw, members, deps.now());
  // configHash compares canonically: key order and undefined fields aside.
  if (configHash(status) !== configHash(raw.status ?? {})) {
    const [, version] = MCP_GROUP.apiVersion.split("/");
    observe(
      await client.patchStatus({ group: GROUP, version: version!, plural: MCP_GROUP.plural, namespace, name }, status),
    );
    log.info("Updated status", { servers: status.serverCount, proxies: status.remoteProxyCount });
  }
  return {};
}
