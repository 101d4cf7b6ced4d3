/**
 * One reconcile pass over one shared config (toolhive-crds.md §0.5), for any {@linkcode SharedConfigKind}:
 * keep the finalizer, check the spec, publish `Valid`, `configHash` and `referencingWorkloads`, and on
 * deletion hold the finalizer while any workload references the object. Reads only the cache; an unchanged
 * object makes no request. Referrers re-reconcile through their own watch of the kind (the hash they copy).
 * @module
 */
import type { KubernetesObject } from "@kubernetes/client-node";
import { GROUP, type SharedConfigStatus } from "../../../crds/mod.ts";
import type { EventRecorder, InformerCache, KubeClient, KubeObject, ReconcileResult } from "../../../lib/k8s/mod.ts";
import type { Logger } from "../../../lib/log.ts";
import { sameJson } from "../same_json.ts";
import { specProblem } from "../status.ts";
import type { SharedConfigKind, SpecProblem } from "./kind.ts";
import { referrersOf } from "./referrers.ts";
import { configHash, DELETION_BLOCKED, referrerList, sharedConfigStatus, VALID } from "./status.ts";

/** What a pass needs. */
export interface SharedConfigDeps {
  /** API access, for writes. */
  readonly client: KubeClient;
  /** Where every read comes from. */
  readonly cache: InformerCache;
  /** Scoped logger. */
  readonly log: Logger;
  /** Where Events go. */
  readonly events: EventRecorder;
  /** Clock. */
  readonly now: () => Date;
}

type RawConfig = KubeObject & {
  metadata: KubeObject["metadata"] & { name: string; namespace: string; uid: string };
  spec?: unknown;
  status?: SharedConfigStatus;
};

/** The spec's problem: a schema issue naming the field, or what the kind's own check finds. */
function problemOf(def: SharedConfigKind, spec: unknown): string | SpecProblem | undefined {
  const parsed = def.spec.safeParse(spec ?? {});
  if (!parsed.success) return specProblem(parsed.error.issues);
  return def.check?.(parsed.data as never);
}

/** Reconciles the `def` object `namespace/name` once. */
export async function reconcileSharedConfig(
  deps: SharedConfigDeps,
  def: SharedConfigKind,
  namespace: string,
  name: string,
): Promise<ReconcileResult> {
  const { client, cache, log } = deps;
  const raw = cache.get<RawConfig>(def.kind, namespace, name);
  if (!raw) return {};
  const ref = { apiVersion: def.kind.apiVersion, kind: def.kind.kind, namespace, name };
  const about = { ...ref, uid: raw.metadata.uid };
  const finalizers = raw.metadata.finalizers ?? [];
  const deleting = raw.metadata.deletionTimestamp !== undefined;
  if (deleting && !finalizers.includes(def.finalizer)) return {};
  // Each write answers with the object's new resourceVersion, the precondition of the next one.
  let resourceVersion = raw.metadata.resourceVersion;
  const observe = (answer: KubernetesObject) => {
    cache.observe(answer);
    resourceVersion = answer.metadata?.resourceVersion;
  };
  if (!deleting && !finalizers.includes(def.finalizer)) {
    observe(
      await client.mergePatch<KubernetesObject>(ref, {
        metadata: { finalizers: [...finalizers, def.finalizer], resourceVersion },
      }),
    );
    log.info("Added finalizer");
  }

  const referrers = referrersOf(cache, def.kind.kind, namespace, name);
  const found = problemOf(def, raw.spec);
  const problem = typeof found === "object" ? found.message : found;
  const status = sharedConfigStatus(raw, {
    ...(problem !== undefined ? { problem } : {}),
    hash: configHash(raw.spec ?? {}),
    referrers,
    deleting,
    reasons: { valid: def.validReason, invalid: typeof found === "object" ? found.reason : def.invalidReason },
    now: deps.now(),
  });
  const wasValid = raw.status?.conditions?.find((c) => c.type === VALID)?.status;
  const wasBlocked = raw.status?.conditions?.some((c) => c.type === DELETION_BLOCKED);
  if (!sameJson(status, raw.status ?? {})) {
    const [, version] = def.kind.apiVersion.split("/");
    observe(
      await client.patchStatus({ group: GROUP, version: version!, plural: def.kind.plural, namespace, name }, status),
    );
    log.info("Updated status", { valid: problem === undefined, referrers: referrers.length });
  }
  if (problem !== undefined && wasValid !== "False") {
    await deps.events.record(about, "Warning", "ConfigInvalid", `spec validation failed: ${problem}`);
  } else if (problem === undefined && wasValid === "False") {
    await deps.events.record(about, "Normal", "ConfigValid", "spec validation passed");
  }

  if (deleting) {
    if (referrers.length > 0) {
      if (!wasBlocked) {
        await deps.events.record(
          about,
          "Warning",
          "DeletionBlocked",
          `deletion blocked while still referenced by workloads: ${referrerList(referrers)}`,
        );
      }
      // Held: a referrer that lets go changes, and its watch brings this object back.
      return {};
    }
    observe(
      await client.mergePatch<KubernetesObject>(ref, {
        metadata: { finalizers: finalizers.filter((f) => f !== def.finalizer), resourceVersion },
      }),
    );
    log.info("Removed finalizer");
  }
  return {};
}
