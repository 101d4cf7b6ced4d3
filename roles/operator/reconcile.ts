/**
 * One reconcile pass over one MCPServer (design.md §4): read it and what it references from the cache, keep
 * its finalizer, compute the desired children and status with pure functions, apply the children (skipping
 * those unchanged since the last apply), carry out a restart its annotations ask for and replace a proxy pod
 * whose StatefulSet is gone (decision 017), and write the status only when it changed. Level-triggered and
 * idempotent: a pass over an unchanged server makes no request at all. A spec that does not parse gets
 * `Valid=False` and is not retried.
 * @module
 */
import type { KubernetesObject, V1Deployment, V1Pod, V1StatefulSet } from "@kubernetes/client-node";
import { GROUP, type McpServer, McpServerSpec } from "../../crds/mod.ts";
import {
  apiErrorMessage,
  type Applier,
  type EventRecorder,
  type InformerCache,
  isConflict,
  isNotFound,
  type KubeClient,
  type KubeObject,
  type ObjectRef,
  type ReconcileResult,
  TerminalError,
} from "../../lib/k8s/mod.ts";
import type { Logger } from "../../lib/log.ts";
import { childNames, desiredChildren, labelsFor, RESTARTED_AT } from "./desired/mod.ts";
import { DEPLOYMENT, MCP_SERVER, MCP_SERVER_API_VERSION, POD, STATEFUL_SET } from "./kinds.ts";
import { resolveReferences } from "./references.ts";
import { sameJson } from "./same_json.ts";
import { referencedExternalAuthType } from "./external_auth_ref.ts";
import { resolveServerRefs } from "./server_refs.ts";
import { inlineAuthzHandler } from "./server_refs/authz_inline.ts";
import { LAST_PROCESSED_RESTART, RESTART_CONDITION, restartRequest, templateRestartedAt } from "./restart.ts";
import { computeStatus, invalidSpecStatus, specProblem } from "./status.ts";
import { unenforcedFields } from "./unenforced.ts";
import { isMcpPod, orphanedProxyPods, TRANSPORT_LABEL } from "./workload.ts";

export { MCP_SERVER_API_VERSION } from "./kinds.ts";

/** The field manager of every apply the operator makes. */
export const FIELD_MANAGER = "thv-operator";
/** The finalizer that lets the operator delete the children before the MCPServer goes. */
export const FINALIZER = "mcpserver.toolhive.stacklok.dev/finalizer";
/** How soon a server with a missing reference is looked at again. */
const MISSING_REFERENCE_RETRY_MS = 5_000;

/** What a reconcile pass needs. */
export interface ReconcileDeps {
  /** API access, for writes. */
  readonly client: KubeClient;
  /** Where every read comes from. */
  readonly cache: InformerCache;
  /** Applies the children under {@linkcode FIELD_MANAGER}. */
  readonly applier: Applier;
  /** Scoped logger. */
  readonly log: Logger;
  /** Image of the proxy runner. */
  readonly runnerImage: string;
  /** Clock. */
  readonly now: () => Date;
  /** Where Events about the MCPServer go. */
  readonly events: EventRecorder;
}

type RawServer = KubeObject & Omit<McpServer, "spec"> & { spec?: unknown };

const serverRef = (namespace: string, name: string): ObjectRef => ({
  apiVersion: MCP_SERVER_API_VERSION,
  kind: "MCPServer",
  namespace,
  name,
});

/** Every child the operator (or the proxy runner) creates for a server, for deletion. */
function childRefs(namespace: string, name: string): ObjectRef[] {
  const n = childNames(name);
  const ref = (apiVersion: string, kind: string, childName: string) => ({
    apiVersion,
    kind,
    namespace,
    name: childName,
  });
  return [
    ref("apps/v1", "StatefulSet", n.statefulSet),
    ref("v1", "Service", n.mcpService),
    ref("v1", "Service", n.mcpHeadlessService),
    ref("apps/v1", "Deployment", n.proxyDeployment),
    ref("v1", "Service", n.proxyService),
    ref("v1", "ConfigMap", n.runConfigMap),
    ref("rbac.authorization.k8s.io/v1", "RoleBinding", n.proxyRunner),
    ref("rbac.authorization.k8s.io/v1", "Role", n.proxyRunner),
    ref("v1", "ServiceAccount", n.proxyRunner),
    ref("v1", "ServiceAccount", n.mcpServiceAccount),
    // Last: the MCP pod stays confined until it is gone.
    ref("networking.k8s.io/v1", "NetworkPolicy", n.networkPolicy),
  ];
}

/**
 * Writes `status` when it differs from what the server has; the answer goes into the cache. The write is a
 * merge patch, so a field the new status leaves out (a hash of a reference since removed) is sent as null.
 */
async function writeStatus(deps: ReconcileDeps, raw: RawServer, status: object): Promise<boolean> {
  if (sameJson(status, raw.status)) return false;
  const { namespace, name } = raw.metadata;
  const patch: Record<string, unknown> = { ...status };
  for (const key of Object.keys(raw.status ?? {})) patch[key] ??= null;
  deps.cache.observe(
    await deps.client.patchStatus({ group: GROUP, version: "v1beta1", plural: "mcpservers", namespace, name }, patch),
  );
  return true;
}

/** Deletes the children and removes the finalizer of a server being deleted. */
async function finalize(deps: ReconcileDeps, raw: RawServer): Promise<ReconcileResult> {
  const { namespace, name } = raw.metadata;
  const finalizers = raw.metadata.finalizers ?? [];
  if (!finalizers.includes(FINALIZER)) return {};
  for (const ref of childRefs(namespace, name)) {
    if (await deps.applier.delete(ref)) deps.log.info(`Deleted ${ref.kind}`, { child: ref.name });
  }
  deps.cache.observe(
    await deps.client.mergePatch<KubernetesObject>(serverRef(namespace, name), {
      metadata: {
        finalizers: finalizers.filter((f) => f !== FINALIZER),
        resourceVersion: raw.metadata.resourceVersion,
      },
    }),
  );
  deps.log.info("Removed finalizer");
  return {};
}

/** The StatefulSet of server `name`: one of that name the proxy runner did not label for it is not its own. */
function ownStatefulSet(cache: InformerCache, namespace: string, name: string) {
  const sts = cache.get<V1StatefulSet & KubeObject>(STATEFUL_SET, namespace, childNames(name).statefulSet);
  return sts?.metadata?.labels?.["toolhive-name"] === name ? sts : undefined;
}

/** The proxy pods of server `name`: its labels, and not an MCP pod (a server may be named "mcpserver"). */
function proxyPods(cache: InformerCache, namespace: string, name: string): (V1Pod & KubeObject)[] {
  return cache.list<V1Pod & KubeObject>(POD, { namespace, labels: labelsFor(name) })
    .filter((p) => p.metadata?.labels?.[TRANSPORT_LABEL] === undefined);
}

/**
 * Carries out a restart asked for by annotation (restart.ts), after the Deployment was applied: a rolling one
 * is already in its pod template; an immediate one deletes the proxy pods. Then records the value as handled
 * on the MCPServer, so it is done once. Resolves with the message of the Event to record.
 */
async function restartProxy(
  deps: ReconcileDeps,
  server: McpServer,
  restart: { readonly at: string; readonly strategy: "rolling" | "immediate" },
): Promise<string> {
  const { namespace, name } = server.metadata;
  let message = `Rolling restart of Deployment ${name} for ${RESTARTED_AT}=${restart.at}`;
  if (restart.strategy === "immediate") {
    const deleted: string[] = [];
    for (const pod of proxyPods(deps.cache, namespace, name)) {
      const podName = pod.metadata?.name;
      if (pod.metadata?.deletionTimestamp || !podName) continue;
      if (await deps.client.delete({ apiVersion: "v1", kind: "Pod", namespace, name: podName })) deleted.push(podName);
    }
    message = `Deleted proxy pods ${deleted.sort().join(", ") || "(none)"} for ${RESTARTED_AT}=${restart.at}`;
  }
  deps.cache.observe(
    await deps.client.mergePatch<KubernetesObject>(serverRef(namespace, name), {
      metadata: { annotations: { [LAST_PROCESSED_RESTART]: restart.at } },
    }),
  );
  deps.log.info("Restarted proxy", { strategy: restart.strategy, restartedAt: restart.at });
  return message;
}

/** How soon a pass that met a newer version of the server than the cache held runs again. */
const CONFLICT_RETRY_MS = 100;

/**
 * Reconciles the MCPServer `namespace/name` once. The cache lags the API server, so a pass may write to a
 * server that was deleted since (404) or changed since (409): neither is a failure. A 404 is checked with one
 * read; a conflict runs the pass again shortly, on the newer version the watch brings.
 */
export async function reconcileMcpServer(
  deps: ReconcileDeps,
  namespace: string,
  name: string,
): Promise<ReconcileResult> {
  try {
    return await reconcilePass(deps, namespace, name);
  } catch (e) {
    if (isConflict(e)) {
      deps.log.debug("MCPServer changed during the pass, running it again", { error: apiErrorMessage(e) });
      return { requeueAfterMs: CONFLICT_RETRY_MS };
    }
    if (isNotFound(e) && (await deps.client.get(serverRef(namespace, name))) === undefined) {
      deps.log.debug("MCPServer gone during the pass");
      return {};
    }
    throw e;
  }
}

async function reconcilePass(deps: ReconcileDeps, namespace: string, name: string): Promise<ReconcileResult> {
  const { client, cache, log } = deps;
  const raw = cache.get<RawServer>(MCP_SERVER, namespace, name);
  if (!raw) return {};
  if (raw.metadata.deletionTimestamp) return await finalize(deps, raw);

  const finalizers = raw.metadata.finalizers ?? [];
  let resourceVersion = raw.metadata.resourceVersion;
  if (!finalizers.includes(FINALIZER)) {
    const patched = await client.mergePatch<KubernetesObject>(serverRef(namespace, name), {
      metadata: { finalizers: [...finalizers, FINALIZER], resourceVersion },
    });
    cache.observe(patched);
    resourceVersion = patched.metadata?.resourceVersion;
  }

  const spec = McpServerSpec.safeParse(raw.spec);
  if (!spec.success) {
    // The API server validates the same schema, so this only happens with a CRD older than the operator.
    const problem = specProblem(spec.error.issues);
    await writeStatus(deps, raw, invalidSpecStatus(raw, problem, deps.now()));
    throw new TerminalError(`Cannot read MCPServer "${name}": ${problem}`);
  }
  const server: McpServer = {
    ...raw,
    apiVersion: MCP_SERVER_API_VERSION,
    kind: "MCPServer",
    metadata: { ...raw.metadata, resourceVersion },
    spec: spec.data,
  };

  const refs = resolveReferences(cache, server);
  const configRefs = resolveServerRefs(cache, server, [inlineAuthzHandler(refs.authzConfigMap)]);
  const unenforced = unenforcedFields(server, {
    ...(refs.profileJson !== undefined ? { profileJson: refs.profileJson } : {}),
    unresolved: configRefs.unresolved,
    externalAuthType: referencedExternalAuthType(cache, server),
  });
  const names = childNames(name);
  const cachedDeployment = cache.get<V1Deployment & KubeObject>(DEPLOYMENT, namespace, names.proxyDeployment);
  const restart = restartRequest(raw.metadata.annotations);
  const restartedAt = templateRestartedAt(
    restart,
    cachedDeployment?.spec?.template?.metadata?.annotations?.[RESTARTED_AT],
  );
  const desired = desiredChildren(server, {
    runnerImage: deps.runnerImage,
    ...(refs.checksum ? { referencedChecksum: refs.checksum } : {}),
    ...(refs.profileJson !== undefined ? { profileJson: refs.profileJson } : {}),
    ...(restartedAt ? { restartedAt } : {}),
    fromReferences: configRefs.runConfig,
    proxyPod: configRefs.proxyPod,
  });
  const about = { apiVersion: MCP_SERVER_API_VERSION, kind: "MCPServer", name, namespace, uid: server.metadata.uid };
  let deployment: V1Deployment | undefined;
  let recheckAfterMs: number | undefined;
  const recording: Promise<void>[] = [];
  if (unenforced.refused.length > 0) {
    // Fail closed (decision 010): a proxy would serve without what the spec asks for, so none may exist. The
    // children of an earlier spec are deleted (not scaled to 0, which an autoscaler or a hand could undo).
    const deleted: string[] = [];
    for (const ref of childRefs(namespace, name)) {
      const cached = cache.informer(ref).store.get(namespace, ref.name);
      if (!cached && !deps.applier.hasApplied(ref)) continue;
      if (await deps.applier.delete(ref)) deleted.push(`${ref.kind} ${ref.name}`);
    }
    if (deleted.length) {
      log.info("Deleted children of a refused server", { children: deleted });
      await deps.events.record(about, "Normal", "Deleted", `Deleted ${deleted.sort().join(", ")}`);
    }
    for (const r of unenforced.refused) await deps.events.record(about, "Warning", r.reason, r.message);
  } else if (configRefs.failures.length > 0) {
    // A missing or invalid group or config: the children stay as the last valid spec made them.
    for (const f of configRefs.failures) recording.push(deps.events.record(about, "Warning", f.reason, f.message));
  } else if (desired.ok) {
    const created: string[] = [];
    const updated: string[] = [];
    const applyChild = async (object: KubernetesObject) => {
      let result;
      try {
        // Only the Deployment's answer is read (its replicas, for the status); the rest need only metadata.
        result = await deps.applier.apply(object as KubeObject, { metadataOnly: object.kind !== "Deployment" });
      } catch (e) {
        const message = `Cannot apply ${object.kind} "${object.metadata?.name}": ${apiErrorMessage(e)}`;
        await deps.events.record(about, "Warning", "ApplyFailed", message);
        throw new Error(message, { cause: e });
      }
      if (result.outcome !== "unchanged") {
        const verb = result.outcome === "created" ? "Created" : "Updated";
        log.info(`${verb} ${object.kind}`, { child: object.metadata?.name });
        (verb === "Created" ? created : updated).push(`${object.kind} ${object.metadata?.name}`);
      }
      return object.kind === "Deployment" ? result.object as V1Deployment | undefined : undefined;
    };
    // Two phases, each applied concurrently: first what others refer to, then the RoleBinding (the API server
    // lets a non-admin bind only a Role that exists, to check it holds the Role's permissions) and the
    // Deployment (whose pods use the ServiceAccount and the ConfigMap).
    const second = (o: KubernetesObject) => o.kind === "RoleBinding" || o.kind === "Deployment";
    const results = [
      ...await Promise.all(desired.objects.filter((o) => !second(o)).map(applyChild)),
      ...await Promise.all(desired.objects.filter(second).map(applyChild)),
    ];
    // A server whose permission profile was removed keeps no NetworkPolicy of an earlier spec.
    if (!desired.objects.some((o) => o.kind === "NetworkPolicy")) {
      const ref = childRefs(namespace, name).find((r) => r.kind === "NetworkPolicy")!;
      if (
        (cache.informer(ref).store.get(namespace, ref.name) || deps.applier.hasApplied(ref)) &&
        await deps.applier.delete(ref)
      ) {
        log.info("Deleted NetworkPolicy", { child: ref.name });
        recording.push(deps.events.record(about, "Normal", "Deleted", `Deleted NetworkPolicy ${ref.name}`));
      }
    }
    deployment = results.find((r) => r !== undefined) ?? cachedDeployment;
    if (restart.kind === "restart") {
      recording.push(deps.events.record(about, "Normal", "Restarted", await restartProxy(deps, server, restart)));
    }
    if (deployment?.spec?.replicas !== 0) {
      const orphans = orphanedProxyPods(proxyPods(cache, namespace, name), {
        statefulSetExists: ownStatefulSet(cache, namespace, name) !== undefined,
        now: deps.now(),
      });
      for (const pod of orphans.orphaned) {
        const podName = pod.metadata!.name!;
        if (!(await deps.client.delete({ apiVersion: "v1", kind: "Pod", namespace, name: podName }))) continue;
        const message = `Deleted proxy pod ${podName}: StatefulSet ${names.statefulSet} is missing and ` +
          "the proxy runner of a new pod recreates it";
        log.info("Deleted proxy pod without its StatefulSet", { pod: podName });
        recording.push(deps.events.record(about, "Normal", "Restarted", message));
      }
      recheckAfterMs = orphans.recheckAfterMs;
    }
    // One Event per pass and verb, naming every child, rather than one write per child.
    // Recorded while the status is written (an Event never fails a pass, so nothing waits on it alone).
    if (created.length) {
      recording.push(deps.events.record(about, "Normal", "Created", `Created ${created.sort().join(", ")}`));
    }
    if (updated.length) {
      recording.push(deps.events.record(about, "Normal", "Updated", `Updated ${updated.sort().join(", ")}`));
    }
  } else {
    await deps.events.record(about, "Warning", "InvalidPodTemplateSpec", desired.podTemplateError);
  }

  for (const n of unenforced.notApplied) recording.push(deps.events.record(about, "Warning", n.reason, n.message));
  if (restart.kind === "invalid") {
    // Once per bad value, not once per pass: the condition holds it meanwhile.
    const reported = server.status?.conditions?.some((c) =>
      c.type === RESTART_CONDITION && c.message === restart.message
    );
    if (!reported) recording.push(deps.events.record(about, "Warning", "InvalidRestartAnnotation", restart.message));
  }

  const statefulSet = ownStatefulSet(cache, namespace, name);
  const status = computeStatus(server, {
    pods: proxyPods(cache, namespace, name),
    ...(deployment ? { deployment } : {}),
    ...(statefulSet ? { statefulSet } : {}),
    mcpPods: cache.list<V1Pod & KubeObject>(POD, { namespace, labels: { app: name, "toolhive-name": name } })
      .filter((p) => isMcpPod(p, name)),
    ...(restart.kind === "invalid" ? { restartProblem: restart.message } : {}),
    ...(desired.ok ? {} : { podTemplateError: desired.podTemplateError }),
    missing: refs.missing,
    unenforced,
    refs: configRefs,
    now: deps.now(),
  });
  const [written] = await Promise.all([writeStatus(deps, raw, status), ...recording]);
  if (written) log.info("Updated status", { phase: status.phase, readyReplicas: status.readyReplicas });
  if (refs.missing.length > 0) {
    await deps.events.record(about, "Warning", "ReferenceNotFound", `Not found: ${refs.missing.join(", ")}`);
    return { requeueAfterMs: MISSING_REFERENCE_RETRY_MS };
  }
  return recheckAfterMs === undefined ? {} : { requeueAfterMs: recheckAfterMs };
}
