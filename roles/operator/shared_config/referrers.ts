/**
 * Who references a group or shared config, and what a referrer finds when it looks one up: both from the
 * cache and its indexes, never from the API server.
 * @module
 */
import type { WorkloadReference } from "../../../crds/mod.ts";
import type { InformerCache, Kind, KubeObject } from "../../../lib/k8s/mod.ts";
import { REFERENCES_INDEX, referenceValue, REFERRER_KINDS } from "../kinds.ts";
import type { SharedConfigKind } from "./kind.ts";
import { VALID } from "./status.ts";

/** The workloads in `namespace` whose spec names the `kind` object `name` (through {@linkcode REFERENCES_INDEX}). */
export function referrersOf(cache: InformerCache, kind: string, namespace: string, name: string): WorkloadReference[] {
  const value = referenceValue(namespace, kind, name);
  return REFERRER_KINDS.flatMap((r) =>
    cache.informer(r.kind).store.byIndex(REFERENCES_INDEX, value).map((o) => ({
      kind: r.kind.kind as WorkloadReference["kind"],
      name: o.metadata?.name ?? "",
    }))
  );
}

/** What a referrer finds when it looks up a shared config. */
export type ConfigLookup<Spec> =
  | { readonly state: "missing" }
  | { readonly state: "invalid"; readonly message: string; readonly reason?: string }
  | { readonly state: "valid"; readonly spec: Spec; readonly hash: string };

/**
 * The shared config `name` of `def` in `namespace`, as its controller judged it: missing, invalid (its
 * `Valid` condition is False, or it has not been judged yet), or valid with its parsed spec and hash.
 */
export function lookupConfig<Spec>(
  cache: InformerCache,
  def: SharedConfigKind,
  namespace: string,
  name: string,
): ConfigLookup<Spec> {
  const object = cache.get<KubeObject & { spec?: unknown; status?: ConfigStatusView }>(
    def.kind as Kind,
    namespace,
    name,
  );
  if (!object) return { state: "missing" };
  const valid = object.status?.conditions?.find((c) => c.type === VALID);
  const hash = object.status?.configHash;
  if (valid?.status !== "True" || !hash || object.status?.observedGeneration !== object.metadata?.generation) {
    return {
      state: "invalid",
      message: valid?.status === "False" ? valid.message : `${def.kind.kind} ${name} has not been validated yet`,
      ...(valid?.status === "False" && valid.reason ? { reason: valid.reason } : {}),
    };
  }
  const parsed = def.spec.safeParse(object.spec);
  if (!parsed.success) return { state: "invalid", message: `${def.kind.kind} ${name} does not parse` };
  return { state: "valid", spec: parsed.data as Spec, hash };
}

type ConfigStatusView = {
  configHash?: string;
  observedGeneration?: number;
  conditions?: { type: string; status: string; message: string; reason?: string }[];
};
