/**
 * One reconcile pass over one MCPServer (design.md §4): read it, keep its finalizer, compute the desired
 * children and status with pure functions, apply the children with server-side apply, and write the status
 * only when it changed. Level-triggered and idempotent: a pass over an unchanged server writes nothing.
 * @module
 */
import type { KubernetesObject, V1ConfigMap, V1Deployment, V1Pod, V1Secret } from "@kubernetes/client-node";
import { GROUP, type McpServer, McpServerSpec } from "../../crds/mod.ts";
import { apiErrorMessage, type EventRecorder, type KubeClient, type ObjectRef } from "../../lib/k8s/mod.ts";
import type { Logger } from "../../lib/log.ts";
import { checksumOf, childNames, desiredChildren, labelsFor, referencedKeys } from "./desired/mod.ts";
import { computeStatus } from "./status.ts";
import { unenforcedFields } from "./unenforced.ts";

/** The field manager of every apply the operator makes. */
export const FIELD_MANAGER = "thv-operator";
/** The finalizer that lets the operator delete the children before the MCPServer goes. */
export const FINALIZER = "mcpserver.toolhive.stacklok.dev/finalizer";
/** The version the operator reads and writes MCPServers in. */
export const MCP_SERVER_API_VERSION = `${GROUP}/v1beta1`;
/** How soon a server with a missing reference is looked at again. */
export const MISSING_REFERENCE_RETRY_MS = 5_000;

/** What a reconcile pass needs. */
export interface ReconcileDeps {
  /** API access. */
  readonly client: KubeClient;
  /** Scoped logger. */
  readonly log: Logger;
  /** Image of the proxy runner. */
  readonly runnerImage: string;
  /** Clock. */
  readonly now: () => Date;
  /** Where Events about the MCPServer go. */
  readonly events: EventRecorder;
  /** What the last apply of each child (`Kind/namespace/name`) sent (a hash) and got back (a resourceVersion). */
  readonly applied: Map<string, { readonly hash: string; readonly version: string }>;
  /**
   * The resourceVersion of each child as last seen, by the watches or by our own apply (so the watch event of
   * our own write does not trigger another apply); a DELETED event removes it.
   */
  readonly liveVersions: Map<string, string>;
}

/** What the caller should do next. */
export interface ReconcileResult {
  /** Reconcile again after this many milliseconds. */
  readonly requeueAfterMs?: number;
}

const serverRef = (namespace: string, name: string): ObjectRef => ({
  apiVersion: MCP_SERVER_API_VERSION,
  kind: "MCPServer",
  namespace,
  name,
});

function refOf(object: KubernetesObject): ObjectRef {
  return {
    apiVersion: object.apiVersion!,
    kind: object.kind!,
    name: object.metadata!.name!,
    ...(object.metadata?.namespace ? { namespace: object.metadata.namespace } : {}),
  };
}

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
  ];
}

/** JSON equality, ignoring undefined fields. */
function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.keys(value).sort().filter((k) => (value as Record<string, unknown>)[k] !== undefined)
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

/**
 * Reads the referenced Secret and ConfigMap keys: what is missing, a checksum of the values used, and the text
 * of a `configmap` permission profile (to tell whether it restricts the network).
 */
async function resolveReferences(client: KubeClient, server: McpServer) {
  const missing: string[] = [];
  const used: Record<string, string> = {};
  const profile = server.spec.permissionProfile?.type === "configmap" ? server.spec.permissionProfile : undefined;
  let profileJson: string | undefined;
  for (const ref of referencedKeys(server)) {
    const object = await client.get<V1Secret | V1ConfigMap>({
      apiVersion: "v1",
      kind: ref.kind,
      namespace: server.metadata.namespace,
      name: ref.name,
    });
    const label = `${ref.kind} "${ref.name}"`;
    if (!object) {
      if (!missing.includes(label)) missing.push(label);
      continue;
    }
    const data: Record<string, string> = { ...(object.data ?? {}) };
    if (ref.kind === "ConfigMap" && ref.name === profile?.name) profileJson = data[profile.key ?? "profile.json"];
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
    checksum: Object.keys(used).length > 0 ? checksumOf(used) : undefined,
    ...(profileJson !== undefined ? { profileJson } : {}),
  };
}

/** Reconciles the MCPServer `namespace/name` once. */
export async function reconcileMcpServer(
  deps: ReconcileDeps,
  namespace: string,
  name: string,
): Promise<ReconcileResult> {
  const { client, log } = deps;
  const raw = await client.get<KubernetesObject & Omit<McpServer, "spec"> & { spec?: unknown }>(
    serverRef(namespace, name),
  );
  if (!raw) return {};
  const finalizers = raw.metadata.finalizers ?? [];

  if (raw.metadata.deletionTimestamp) {
    if (!finalizers.includes(FINALIZER)) return {};
    for (const ref of childRefs(namespace, name)) {
      deps.applied.delete(`${ref.kind}/${namespace}/${ref.name}`);
      if (await client.delete(ref)) log.info(`Deleted ${ref.kind}`, { child: ref.name });
    }
    await client.mergePatch(serverRef(namespace, name), {
      metadata: {
        finalizers: finalizers.filter((f) => f !== FINALIZER),
        resourceVersion: raw.metadata.resourceVersion,
      },
    });
    log.info("Removed finalizer");
    return {};
  }

  let resourceVersion = raw.metadata.resourceVersion;
  if (!finalizers.includes(FINALIZER)) {
    const patched = await client.mergePatch<KubernetesObject>(serverRef(namespace, name), {
      metadata: { finalizers: [...finalizers, FINALIZER], resourceVersion },
    });
    resourceVersion = patched.metadata?.resourceVersion;
  }

  const spec = McpServerSpec.safeParse(raw.spec);
  if (!spec.success) {
    // The API server validates the same schema, so this only happens with a CRD older than the operator.
    log.error("Cannot read spec", { error: spec.error.issues[0]?.message });
    return {};
  }
  const server: McpServer = {
    ...raw,
    apiVersion: MCP_SERVER_API_VERSION,
    kind: "MCPServer",
    metadata: { ...raw.metadata, resourceVersion },
    spec: spec.data,
  };

  const refs = await resolveReferences(client, server);
  const unenforced = unenforcedFields(server, refs.profileJson !== undefined ? { profileJson: refs.profileJson } : {});
  const desired = desiredChildren(server, {
    runnerImage: deps.runnerImage,
    ...(refs.checksum ? { referencedChecksum: refs.checksum } : {}),
  });
  const about = {
    apiVersion: MCP_SERVER_API_VERSION,
    kind: "MCPServer",
    name,
    namespace,
    uid: server.metadata.uid,
  };
  let deployment: V1Deployment | undefined;
  if (unenforced.refused.length > 0) {
    // Fail closed (decision 010): a proxy would serve without what the spec asks for, so none may exist. The
    // children of an earlier spec are deleted (not scaled to 0, which an autoscaler or a hand could undo).
    const deleted: string[] = [];
    for (const ref of childRefs(namespace, name)) {
      const key = `${ref.kind}/${namespace}/${ref.name}`;
      if (!deps.liveVersions.has(key) && !deps.applied.has(key)) continue;
      deps.applied.delete(key);
      if (await client.delete(ref)) deleted.push(`${ref.kind} ${ref.name}`);
      deps.liveVersions.delete(key);
    }
    if (deleted.length) {
      log.info("Deleted children of a refused server", { children: deleted });
      await deps.events.record(about, "Normal", "Deleted", `Deleted ${deleted.sort().join(", ")}`);
    }
    for (const r of unenforced.refused) await deps.events.record(about, "Warning", r.reason, r.message);
  } else if (desired.ok) {
    const passStart = Math.floor(deps.now().getTime() / 1000) * 1000;
    const createdChildren: string[] = [];
    const updatedChildren: string[] = [];
    const applyChild = async (object: KubernetesObject) => {
      const child = `${object.kind} ${object.metadata?.name}`;
      const key = `${object.kind}/${namespace}/${object.metadata?.name}`;
      const hash = checksumOf({ object: JSON.stringify(object) });
      const last = deps.applied.get(key);
      // Nothing to send when we would send the same as last time and nobody has written the object since:
      // a resync of an unchanged server then makes no write requests at all.
      if (last && last.hash === hash && deps.liveVersions.get(key) === last.version) {
        return object.kind === "Deployment" ? await client.get<V1Deployment>(refOf(object)) : undefined;
      }
      let applied: KubernetesObject;
      try {
        applied = await client.apply(object, FIELD_MANAGER);
      } catch (e) {
        const message = `Cannot apply ${object.kind} "${object.metadata?.name}": ${apiErrorMessage(e)}`;
        await deps.events.record(about, "Warning", "ApplyFailed", message);
        throw new Error(message, { cause: e });
      }
      // Created in this pass, or changed since our last apply: worth a log line and an Event; a no-op is not.
      const version = applied.metadata?.resourceVersion ?? "";
      deps.applied.set(key, { hash, version });
      deps.liveVersions.set(key, version);
      const created = new Date(applied.metadata?.creationTimestamp ?? 0).getTime() >= passStart;
      if (created || (last !== undefined && last.version !== version)) {
        const verb = created && last === undefined ? "Created" : "Updated";
        log.info(`${verb} ${object.kind}`, { child: object.metadata?.name });
        (verb === "Created" ? createdChildren : updatedChildren).push(child);
      }
      return object.kind === "Deployment" ? applied as V1Deployment : undefined;
    };
    // Two phases, each applied concurrently: first what others refer to, then the RoleBinding (the API server
    // lets a non-admin bind only a Role that exists, to check it holds the Role's permissions) and the
    // Deployment (whose pods use the ServiceAccount and the ConfigMap).
    const second = (o: KubernetesObject) => o.kind === "RoleBinding" || o.kind === "Deployment";
    const results = [
      ...await Promise.all(desired.objects.filter((o) => !second(o)).map(applyChild)),
      ...await Promise.all(desired.objects.filter(second).map(applyChild)),
    ];
    deployment = results.find((r) => r !== undefined);
    // One Event per pass and verb, naming every child, rather than one write per child.
    if (createdChildren.length) {
      await deps.events.record(about, "Normal", "Created", `Created ${createdChildren.sort().join(", ")}`);
    }
    if (updatedChildren.length) {
      await deps.events.record(about, "Normal", "Updated", `Updated ${updatedChildren.sort().join(", ")}`);
    }
  } else {
    await deps.events.record(about, "Warning", "InvalidPodTemplateSpec", desired.podTemplateError);
  }

  for (const n of unenforced.notApplied) await deps.events.record(about, "Warning", n.reason, n.message);

  const pods = await client.list<V1Pod>("v1", "Pod", {
    namespace,
    labelSelector: Object.entries(labelsFor(name)).map(([k, v]) => `${k}=${v}`).join(","),
  });
  const status = computeStatus(server, {
    pods,
    ...(deployment ? { deployment } : {}),
    ...(desired.ok ? {} : { podTemplateError: desired.podTemplateError }),
    missing: refs.missing,
    unenforced,
    now: deps.now(),
  });
  if (!sameJson(status, raw.status)) {
    await client.patchStatus({ group: GROUP, version: "v1beta1", plural: "mcpservers", namespace, name }, status);
    log.info("Updated status", { phase: status.phase, readyReplicas: status.readyReplicas });
  }
  if (refs.missing.length > 0) {
    await deps.events.record(about, "Warning", "ReferenceNotFound", `Not found: ${refs.missing.join(", ")}`);
    return { requeueAfterMs: MISSING_REFERENCE_RETRY_MS };
  }
  return {};
}
