/**
 * The small Kubernetes interface roles use (style.md): get, list, server-side apply, merge patch, status
 * patch and delete, over @kubernetes/client-node. Not-found reads return undefined instead of throwing, and
 * every request is counted, so benchmarks can report API load.
 * @module
 */
import {
  ApiException,
  CustomObjectsApi,
  type KubeConfig,
  type KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
  setHeaderOptions,
} from "@kubernetes/client-node";

/** Identifies one object. */
export interface ObjectRef {
  /** e.g. `apps/v1`. */
  readonly apiVersion: string;
  /** e.g. `Deployment`. */
  readonly kind: string;
  /** Object name. */
  readonly name: string;
  /** Namespace; absent for cluster-scoped kinds. */
  readonly namespace?: string;
}

/** Identifies the status subresource of a custom object. */
export interface StatusRef {
  /** API group. */
  readonly group: string;
  /** API version. */
  readonly version: string;
  /** Resource plural. */
  readonly plural: string;
  /** Namespace. */
  readonly namespace: string;
  /** Name. */
  readonly name: string;
}

/** Requests made so far, by verb. */
export interface RequestCounts {
  /** GET and LIST. */
  reads: number;
  /** PATCH, CREATE, DELETE. */
  writes: number;
}

/** What roles need from the API server. */
export interface KubeClient {
  /** Reads an object; undefined when it does not exist. */
  get<T extends KubernetesObject>(ref: ObjectRef): Promise<T | undefined>;
  /** Lists objects of a kind, optionally in one namespace and by label selector. */
  list<T extends KubernetesObject>(
    apiVersion: string,
    kind: string,
    options?: { namespace?: string; labelSelector?: string },
  ): Promise<T[]>;
  /** Creates an object; a 409 (ApiException) when it exists already. */
  create<T extends KubernetesObject>(object: T): Promise<T>;
  /** Replaces an object; its `metadata.resourceVersion` is a precondition (409 when someone wrote first). */
  replace<T extends KubernetesObject>(object: T): Promise<T>;
  /** Server-side apply under `fieldManager`, taking over conflicting fields (the caller is their controller). */
  apply<T extends KubernetesObject>(object: T, fieldManager: string): Promise<T>;
  /** JSON merge patch, e.g. of finalizers with a resourceVersion precondition. */
  mergePatch<T extends KubernetesObject>(ref: ObjectRef, patch: Record<string, unknown>): Promise<T>;
  /** Replaces `status` through the status subresource (JSON merge patch); the object as the server answered. */
  patchStatus(ref: StatusRef, status: unknown): Promise<KubernetesObject>;
  /** Deletes an object; false when it did not exist. */
  delete(ref: ObjectRef): Promise<boolean>;
  /** Requests made through this client. */
  readonly counts: RequestCounts;
}

/** True when `e` is the API server's 404. */
export function isNotFound(e: unknown): boolean {
  return e instanceof ApiException && e.code === 404;
}

/** True when `e` is a 409 (a conflict: another writer changed the object). */
export function isConflict(e: unknown): boolean {
  return e instanceof ApiException && e.code === 409;
}

/** A readable one-line message for an API error (the server's own message when it sent one). */
export function apiErrorMessage(e: unknown): string {
  if (e instanceof ApiException) {
    try {
      const body = typeof e.body === "string" ? JSON.parse(e.body) : e.body;
      if (body?.message) return `${body.message} (HTTP ${e.code})`;
    } catch { /* not JSON */ }
    return `HTTP ${e.code}`;
  }
  return e instanceof Error ? e.message : String(e);
}

/** A {@linkcode KubeClient} over a client-node configuration. */
export function kubeClient(config: KubeConfig): KubeClient {
  const objects = KubernetesObjectApi.makeApiClient(config);
  const custom = config.makeApiClient(CustomObjectsApi);
  const counts: RequestCounts = { reads: 0, writes: 0 };
  const header = (ref: ObjectRef) => ({
    apiVersion: ref.apiVersion,
    kind: ref.kind,
    metadata: { name: ref.name, ...(ref.namespace ? { namespace: ref.namespace } : {}) },
  });
  return {
    counts,
    async get<T extends KubernetesObject>(ref: ObjectRef) {
      counts.reads++;
      try {
        return await objects.read(header(ref)) as T;
      } catch (e) {
        if (isNotFound(e)) return undefined;
        throw e;
      }
    },
    async list<T extends KubernetesObject>(
      apiVersion: string,
      kind: string,
      options: { namespace?: string; labelSelector?: string } = {},
    ) {
      counts.reads++;
      const list = await objects.list<T>(
        apiVersion,
        kind,
        options.namespace,
        undefined,
        undefined,
        undefined,
        undefined,
        options.labelSelector,
      );
      return list.items.map((item) => ({ apiVersion, kind, ...item }));
    },
    async create<T extends KubernetesObject>(object: T) {
      counts.writes++;
      return await objects.create(object);
    },
    async replace<T extends KubernetesObject>(object: T) {
      counts.writes++;
      return await objects.replace(object);
    },
    async apply<T extends KubernetesObject>(object: T, fieldManager: string) {
      counts.writes++;
      return await objects.patch(object, undefined, undefined, fieldManager, true, PatchStrategy.ServerSideApply);
    },
    async mergePatch<T extends KubernetesObject>(ref: ObjectRef, patch: Record<string, unknown>) {
      counts.writes++;
      const body = { ...header(ref), ...patch, metadata: { ...header(ref).metadata, ...(patch.metadata ?? {}) } };
      return await objects.patch(body as T, undefined, undefined, undefined, undefined, PatchStrategy.MergePatch);
    },
    async patchStatus(ref: StatusRef, status: unknown) {
      counts.writes++;
      return await custom.patchNamespacedCustomObjectStatus(
        { ...ref, body: { status } },
        setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
      );
    },
    async delete(ref: ObjectRef) {
      counts.writes++;
      try {
        await objects.delete(header(ref));
        return true;
      } catch (e) {
        if (isNotFound(e)) return false;
        throw e;
      }
    },
  };
}
