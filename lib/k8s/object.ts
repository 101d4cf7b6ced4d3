/**
 * What the controller framework knows of any object: its kind (and where its collection lives), its cache
 * key `namespace/name`, its owner, and how to order two resourceVersions.
 * @module
 */

/** The metadata the framework reads. */
export interface ObjectMeta {
  /** Name. */
  name?: string;
  /** Namespace; absent for cluster-scoped kinds. */
  namespace?: string;
  /** UID. */
  uid?: string;
  /** Opaque version, new on every write. */
  resourceVersion?: string;
  /** Spec generation. */
  generation?: number;
  /** Labels. */
  labels?: Record<string, string>;
  /** Annotations. */
  annotations?: Record<string, string>;
  /** Owners. */
  ownerReferences?: Array<{ apiVersion?: string; kind?: string; name?: string; uid?: string; controller?: boolean }>;
  /** Set once deletion was requested. */
  deletionTimestamp?: string | Date;
  /** Finalizers. */
  finalizers?: string[];
  /** When it was created (a string as JSON, a Date from client-node's models). */
  creationTimestamp?: string | Date;
}

/** Any Kubernetes object, as JSON. */
export interface KubeObject {
  /** e.g. `apps/v1`. */
  apiVersion?: string;
  /** e.g. `Deployment`. */
  kind?: string;
  /** Metadata. */
  metadata?: ObjectMeta;
  /** The rest. */
  [field: string]: unknown;
}

/** A kind and where its collection is served. */
export interface Kind {
  /** e.g. `apps/v1`, or `v1` for the core group. */
  readonly apiVersion: string;
  /** e.g. `Deployment`. */
  readonly kind: string;
  /** Resource plural, e.g. `deployments`. */
  readonly plural: string;
}

/** `apiVersion/kind`, the identity of a kind in a cache. */
export function kindKey(kind: Pick<Kind, "apiVersion" | "kind">): string {
  return `${kind.apiVersion}/${kind.kind}`;
}

/** `namespace/name` of an object (`/name` for cluster-scoped ones). */
export function objectKey(object: KubeObject): string {
  return `${object.metadata?.namespace ?? ""}/${object.metadata?.name ?? ""}`;
}

/** The collection path of `kind`, in one namespace or across all. */
export function collectionPath(kind: Kind, namespace?: string): string {
  const base = kind.apiVersion.includes("/") ? `/apis/${kind.apiVersion}` : `/api/${kind.apiVersion}`;
  return namespace ? `${base}/namespaces/${namespace}/${kind.plural}` : `${base}/${kind.plural}`;
}

/**
 * Whether resourceVersion `a` is older than `b`. They are opaque by contract but etcd revisions in practice:
 * compared as numbers when both are, else never "older" (so an unknown format never hides a newer object).
 */
export function isOlderVersion(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b || !/^\d+$/.test(a) || !/^\d+$/.test(b)) return false;
  return BigInt(a) < BigInt(b);
}

/** The owner of `object` of kind `owner.kind` (and group, when given), as the `namespace/name` cache key. */
export function ownerKey(object: KubeObject, owner: Pick<Kind, "apiVersion" | "kind">): string | undefined {
  const group = owner.apiVersion.split("/").slice(0, -1).join("/");
  const ref = object.metadata?.ownerReferences?.find((r) =>
    r.kind === owner.kind && (r.apiVersion ?? "").split("/").slice(0, -1).join("/") === group
  );
  return ref?.name ? `${object.metadata?.namespace ?? ""}/${ref.name}` : undefined;
}
