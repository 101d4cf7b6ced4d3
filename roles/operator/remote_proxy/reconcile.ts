/**
 * One reconcile pass over one MCPRemoteProxy: read it and the Secrets its headers use from the cache, refuse
 * (phase Failed, no proxy) a remote URL the SSRF check blocks, a missing header Secret or a field thv does not
 * enforce, else apply the children and write the status only when it changed. No finalizer: the children
 * carry owner references.
 * @module
 */
import type { KubernetesObject, V1Pod } from "@kubernetes/client-node";
import { GROUP, McpRemoteProxySpec, type McpServer } from "../../../crds/mod.ts";
import {
  apiErrorMessage,
  type Applier,
  type EventRecorder,
  type InformerCache,
  isConflict,
  type KubeClient,
  type KubeObject,
  type ObjectRef,
  type ReconcileResult,
  TerminalError,
} from "../../../lib/k8s/mod.ts";
import type { Logger } from "../../../lib/log.ts";
import { checksumOf } from "../desired/mod.ts";
import { MCP_REMOTE_PROXY, POD, SECRET } from "../kinds.ts";
import { sameJson } from "../same_json.ts";
import { remoteUrlProblem } from "../remote_url.ts";
import { unenforcedFields } from "../unenforced.ts";
import { desiredRemoteChildren } from "./desired.ts";
import { remoteChildNames, remoteLabels, type RemoteProxy } from "./names.ts";
import { computeRemoteStatus, type ConfigProblem } from "./status.ts";

/** What a pass needs. */
export interface RemoteProxyDeps {
  /** API access, for writes. */
  readonly client: KubeClient;
  /** Where every read comes from. */
  readonly cache: InformerCache;
  /** Applies the children. */
  readonly applier: Applier;
  /** Scoped logger. */
  readonly log: Logger;
  /** Image of the proxy runner. */
  readonly runnerImage: string;
  /** Clock. */
  readonly now: () => Date;
  /** Where Events go. */
  readonly events: EventRecorder;
}

type Raw = KubeObject & Omit<RemoteProxy, "spec"> & { spec?: unknown };
type SecretObject = KubeObject & { data?: Record<string, string> };

/** How soon a proxy whose header Secret is missing is looked at again (the Secret's watch usually comes first). */
const MISSING_SECRET_RETRY_MS = 5_000;

/** The header Secrets' problems (ToolHive's messages), and a checksum of the values the pods use. */
export function headerSecrets(
  cache: InformerCache,
  proxy: RemoteProxy,
): { problems: ConfigProblem[]; checksum?: string } {
  const { namespace } = proxy.metadata;
  const problems: ConfigProblem[] = [];
  const used: Record<string, string> = {};
  for (const h of proxy.spec.headerForward?.addHeadersFromSecret ?? []) {
    const { name, key } = h.valueSecretRef;
    const secret = cache.get<SecretObject>(SECRET, namespace, name);
    const value = secret?.data?.[key];
    if (!secret) {
      problems.push({
        reason: "HeaderSecretNotFound",
        message: `secret "${name}" referenced for header "${h.headerName}" not found in namespace "${namespace}"`,
      });
    } else if (value === undefined) {
      problems.push({
        reason: "HeaderSecretNotFound",
        message: `secret "${name}" has no key "${key}" referenced for header "${h.headerName}"`,
      });
    } else {
      used[`${name}/${key}`] = value;
    }
  }
  return { problems, ...(Object.keys(used).length ? { checksum: checksumOf(used) } : {}) };
}

/** Every child a proxy may have, for deletion when it is refused. */
function childRefs(namespace: string, name: string): ObjectRef[] {
  const n = remoteChildNames(name);
  const ref = (apiVersion: string, kind: string, child: string) => ({ apiVersion, kind, namespace, name: child });
  return [
    ref("apps/v1", "Deployment", n.deployment),
    ref("v1", "Service", n.service),
    ref("v1", "ConfigMap", n.runConfigMap),
    ref("rbac.authorization.k8s.io/v1", "RoleBinding", n.runner),
    ref("rbac.authorization.k8s.io/v1", "Role", n.runner),
    ref("v1", "ServiceAccount", n.runner),
  ];
}

async function writeStatus(deps: RemoteProxyDeps, raw: Raw, status: Record<string, unknown>): Promise<boolean> {
  if (sameJson(status, raw.status)) return false;
  const patch: Record<string, unknown> = { ...status };
  for (const key of Object.keys(raw.status ?? {})) patch[key] ??= null;
  const { namespace, name } = raw.metadata;
  deps.cache.observe(
    await deps.client.patchStatus(
      { group: GROUP, version: "v1beta1", plural: "mcpremoteproxies", namespace, name },
      patch,
    ),
  );
  return true;
}

/** Reconciles the MCPRemoteProxy `namespace/name` once; a conflict runs the pass again shortly. */
export async function reconcileRemoteProxy(
  deps: RemoteProxyDeps,
  namespace: string,
  name: string,
): Promise<ReconcileResult> {
  try {
    return await pass(deps, namespace, name);
  } catch (e) {
    if (isConflict(e)) return { requeueAfterMs: 100 };
    throw e;
  }
}

async function pass(deps: RemoteProxyDeps, namespace: string, name: string): Promise<ReconcileResult> {
  const { cache, log } = deps;
  const raw = cache.get<Raw>(MCP_REMOTE_PROXY, namespace, name);
  if (!raw || raw.metadata.deletionTimestamp) return {};
  const parsed = McpRemoteProxySpec.safeParse(raw.spec);
  if (!parsed.success) {
    throw new TerminalError(`Cannot read MCPRemoteProxy "${name}": ${parsed.error.issues[0]?.message}`);
  }
  const proxy: RemoteProxy = {
    ...raw,
    apiVersion: MCP_REMOTE_PROXY.apiVersion,
    kind: "MCPRemoteProxy",
    spec: parsed.data,
  };
  const about = { apiVersion: proxy.apiVersion, kind: proxy.kind, name, namespace, uid: proxy.metadata.uid };

  const problems: ConfigProblem[] = [];
  const urlProblem = remoteUrlProblem(proxy.spec.remoteUrl, proxy.spec.allowPrivateEndpoint);
  if (urlProblem) problems.push({ reason: "RemoteURLInvalid", message: urlProblem });
  const secrets = headerSecrets(cache, proxy);
  problems.push(...secrets.problems);
  // The proxy enforces none of these yet (fail closed, as for MCPServer): the same refusals.
  const unenforced = unenforcedFields({ spec: proxy.spec } as unknown as McpServer, { remoteProxy: true });

  if (problems.length > 0 || unenforced.refused.length > 0) {
    const deleted: string[] = [];
    for (const ref of childRefs(namespace, name)) {
      if (!cache.informer(ref).store.get(namespace, ref.name) && !deps.applier.hasApplied(ref)) continue;
      if (await deps.applier.delete(ref)) deleted.push(`${ref.kind} ${ref.name}`);
    }
    if (deleted.length) {
      log.info("Deleted children of a refused remote proxy", { children: deleted });
      await deps.events.record(about, "Warning", "Deleted", `Deleted ${deleted.sort().join(", ")}`);
    }
    const reported = (raw.status as { message?: string } | undefined)?.message;
    for (const p of problems) {
      if (reported !== `Validation failed: ${p.message}`) {
        await deps.events.record(about, "Warning", p.reason, `Validation failed: ${p.message}`);
      }
    }
    for (const r of unenforced.refused) await deps.events.record(about, "Warning", r.reason, r.message);
  } else {
    const objects = desiredRemoteChildren(proxy, {
      runnerImage: deps.runnerImage,
      ...(secrets.checksum ? { referencedChecksum: secrets.checksum } : {}),
    });
    const changed: string[] = [];
    const apply = async (object: KubernetesObject) => {
      try {
        const result = await deps.applier.apply(object as KubeObject, { metadataOnly: true });
        if (result.outcome !== "unchanged") {
          log.info(`${result.outcome === "created" ? "Created" : "Updated"} ${object.kind}`, {
            child: object.metadata?.name,
          });
          changed.push(`${object.kind} ${object.metadata?.name}`);
        }
      } catch (e) {
        const message = `Cannot apply ${object.kind} "${object.metadata?.name}": ${apiErrorMessage(e)}`;
        await deps.events.record(about, "Warning", "ApplyFailed", message);
        throw new Error(message, { cause: e });
      }
    };
    // The RoleBinding after its Role, the Deployment after its ServiceAccount and ConfigMap.
    const second = (o: KubernetesObject) => o.kind === "RoleBinding" || o.kind === "Deployment";
    await Promise.all(objects.filter((o) => !second(o)).map(apply));
    await Promise.all(objects.filter(second).map(apply));
    if (changed.length) await deps.events.record(about, "Normal", "Applied", `Applied ${changed.sort().join(", ")}`);
  }
  for (const n of unenforced.notApplied) await deps.events.record(about, "Warning", n.reason, n.message);

  const pods = cache.list<V1Pod & KubeObject>(POD, { namespace, labels: remoteLabels(name) });
  const status = computeRemoteStatus(proxy, { problems, unenforced, pods, now: deps.now() });
  if (await writeStatus(deps, raw, status)) log.info("Updated status", { phase: status.phase });
  return secrets.problems.length > 0 ? { requeueAfterMs: MISSING_SECRET_RETRY_MS } : {};
}
