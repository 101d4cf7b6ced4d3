/**
 * The small Kubernetes interface roles use (style.md): get, list, server-side apply, merge patch, status
 * patch and delete, as raw JSON over the role's one HTTP client (config.ts). Not-found reads return undefined
 * instead of throwing, and every request is counted, so benchmarks can report API load.
 * @module
 */
import type { KubernetesObject } from "@kubernetes/client-node";
import type { ClusterConfig } from "./config.ts";
import { Discovery, groupVersionPath } from "./discovery.ts";
import { ApiError, errorOf, requestJson, send } from "./rest.ts";

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
  /** Creates an object; a 409 (ApiError) when it exists already. */
  create<T extends KubernetesObject>(object: T): Promise<T>;
  /** Replaces an object; its `metadata.resourceVersion` is a precondition (409 when someone wrote first). */
  replace<T extends KubernetesObject>(object: T): Promise<T>;
  /**
   * Server-side apply under `fieldManager`, taking over conflicting fields (the caller is their controller); with
   * `metadataOnly` the answer is only the object's metadata (less to parse when nothing else is read).
   */
  apply<T extends KubernetesObject>(
    object: T,
    fieldManager: string,
    options?: { readonly metadataOnly?: boolean },
  ): Promise<T>;
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
  return e instanceof ApiError && e.code === 404;
}

/** True when `e` is a 409 (a conflict: another writer changed the object). */
export function isConflict(e: unknown): boolean {
  return e instanceof ApiError && e.code === 409;
}

/** A readable one-line message for an API error (the server's own message when it sent one). */
export function apiErrorMessage(e: unknown): string {
  if (e instanceof ApiError) return e.detail;
  return e instanceof Error ? e.message : String(e);
}

/** A {@linkcode KubeClient} over a cluster configuration. */
export function kubeClient(config: ClusterConfig): KubeClient {
  const discovery = new Discovery(config);
  const counts: RequestCounts = { reads: 0, writes: 0 };
  const collection = async (apiVersion: string, kind: string, namespace?: string) => {
    const { plural, namespaced } = await discovery.resource(apiVersion, kind);
    const ns = namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : "";
    return `${groupVersionPath(apiVersion)}${ns}/${plural}`;
  };
  const pathOf = async (ref: ObjectRef) =>
    `${await collection(ref.apiVersion, ref.kind, ref.namespace)}/${encodeURIComponent(ref.name)}`;
  const refOf = (object: KubernetesObject): ObjectRef => {
    if (!object.apiVersion || !object.kind || !object.metadata?.name) {
      throw new TypeError("Cannot write an object without apiVersion, kind and metadata.name");
    }
    return {
      apiVersion: object.apiVersion,
      kind: object.kind,
      name: object.metadata.name,
      ...(object.metadata.namespace ? { namespace: object.metadata.namespace } : {}),
    };
  };
  return {
    counts,
    async get<T extends KubernetesObject>(ref: ObjectRef) {
      const path = await pathOf(ref);
      counts.reads++;
      const response = await send(config, { path });
      if (response.status === 404) {
        await response.body?.cancel();
        return undefined;
      }
      if (!response.ok) throw await errorOf(response, `GET ${path}`);
      return await response.json() as T;
    },
    async list<T extends KubernetesObject>(
      apiVersion: string,
      kind: string,
      options: { namespace?: string; labelSelector?: string } = {},
    ) {
      const path = await collection(apiVersion, kind, options.namespace);
      counts.reads++;
      const list = await requestJson<{ items?: T[] }>(config, {
        path,
        query: { labelSelector: options.labelSelector },
      });
      return (list.items ?? []).map((item) => ({ apiVersion, kind, ...item }));
    },
    async create<T extends KubernetesObject>(object: T) {
      // No name needed: the server makes one from metadata.generateName.
      if (!object.apiVersion || !object.kind) {
        throw new TypeError("Cannot create an object without apiVersion and kind");
      }
      const path = await collection(object.apiVersion, object.kind, object.metadata?.namespace);
      counts.writes++;
      return await requestJson<T>(config, { method: "POST", path, body: object });
    },
    async replace<T extends KubernetesObject>(object: T) {
      const path = await pathOf(refOf(object));
      counts.writes++;
      return await requestJson<T>(config, { method: "PUT", path, body: object });
    },
    async apply<T extends KubernetesObject>(
      object: T,
      fieldManager: string,
      options: { readonly metadataOnly?: boolean } = {},
    ) {
      const path = await pathOf(refOf(object));
      counts.writes++;
      const answer = await requestJson<T>(config, {
        method: "PATCH",
        path,
        query: { fieldManager, force: true },
        body: object,
        contentType: "application/apply-patch+yaml",
        ...(options.metadataOnly ? { metadataOnly: "object" as const } : {}),
      });
      // A metadata-only answer names its own kind (PartialObjectMetadata): put the object's back.
      return options.metadataOnly ? { ...answer, apiVersion: object.apiVersion, kind: object.kind } : answer;
    },
    async mergePatch<T extends KubernetesObject>(ref: ObjectRef, patch: Record<string, unknown>) {
      const path = await pathOf(ref);
      counts.writes++;
      return await requestJson<T>(config, {
        method: "PATCH",
        path,
        body: patch,
        contentType: "application/merge-patch+json",
      });
    },
    async patchStatus(ref: StatusRef, status: unknown) {
      const path = `${groupVersionPath(`${ref.group}/${ref.version}`)}/namespaces/${
        encodeURIComponent(ref.namespace)
      }/${ref.plural}/${encodeURIComponent(ref.name)}/status`;
      counts.writes++;
      return await requestJson<KubernetesObject>(config, {
        method: "PATCH",
        path,
        body: { status },
        contentType: "application/merge-patch+json",
      });
    },
    async delete(ref: ObjectRef) {
      const path = await pathOf(ref);
      counts.writes++;
      try {
        await requestJson(config, { method: "DELETE", path });
        return true;
      } catch (e) {
        if (isNotFound(e)) return false;
        throw e;
      }
    },
  };
}
