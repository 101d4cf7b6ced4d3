/**
 * Puts the MCP server's workload in the cluster: server-side applies the StatefulSet and Services under the
 * field manager `thv-proxyrunner` through lib/k8s's Applier, then waits, on a watch-fed cache with a
 * deadline, until the StatefulSet has rolled out. Applying unchanged desired state writes nothing, so a
 * restarted proxy pod never rolls the MCP pods.
 * @module
 */
import type { V1Deployment, V1PodTemplateSpec, V1Service, V1StatefulSet } from "@kubernetes/client-node";
import { pollUntil } from "../../lib/async/mod.ts";
import {
  apiErrorMessage,
  apiListWatch,
  Applier,
  type ClusterConfig,
  Informer,
  InformerCache,
  type Kind,
  type KubeClient,
  type KubeObject,
} from "../../lib/k8s/mod.ts";
import type { Logger } from "../../lib/log.ts";
import type { RunConfig } from "../../lib/run_config.ts";
import {
  desiredServices,
  desiredStatefulSet,
  isNewerGeneration,
  isRolledOut,
  ownerReferenceTo,
  workloadNames,
} from "./desired.ts";

/** The field manager of every write of the proxy runner. */
export const FIELD_MANAGER = "thv-proxyrunner";
/** Default longest wait for the StatefulSet to roll out. */
export const DEFAULT_ROLLOUT_TIMEOUT_MS = 120_000;

type Sts = V1StatefulSet & KubeObject;

const STATEFULSET: Kind = { apiVersion: "apps/v1", kind: "StatefulSet", plural: "statefulsets" };
const SERVICE: Kind = { apiVersion: "v1", kind: "Service", plural: "services" };

/** What {@linkcode deployWorkload} needs. */
export interface DeployOptions {
  /** The API server (for the watches). */
  readonly cluster: ClusterConfig;
  /** The client the writes go through. */
  readonly client: KubeClient;
  /** Namespace of the proxy pod. */
  readonly namespace: string;
  /** The pod patch. */
  readonly podPatch: V1PodTemplateSpec;
  /** Where progress is logged. */
  readonly log: Logger;
  /** Ends the watches and the wait. */
  readonly signal: AbortSignal;
  /** Longest wait for the rollout (default {@linkcode DEFAULT_ROLLOUT_TIMEOUT_MS}). */
  readonly rolloutTimeoutMs?: number;
  /** Milliseconds between checks of the cached StatefulSet (default 200). */
  readonly pollIntervalMs?: number;
}

/** What {@linkcode deployWorkload} did. */
export interface Deployed {
  /** The StatefulSet as applied (or as found, when a newer generation owns it). */
  readonly statefulSet: V1StatefulSet;
  /** Outcome per object, e.g. `{ "StatefulSet/fetch": "unchanged" }`. */
  readonly outcomes: Readonly<Record<string, string>>;
}

/**
 * Applies the StatefulSet and (for HTTP transports) the Services of `config`, owned by the proxy's Deployment
 * `<name>`, and waits until the StatefulSet has rolled out; throws naming the object and what to do.
 */
export async function deployWorkload(config: RunConfig, options: DeployOptions): Promise<Deployed> {
  const { client, namespace, log, signal } = options;
  const names = workloadNames(config.name);
  const deployment = await readOwner(client, namespace, config.name);

  const watching = new AbortController();
  const stop = () => watching.abort(signal.reason);
  signal.addEventListener("abort", stop, { once: true });
  const cache = new InformerCache();
  const selector = `toolhive-name=${config.name}`;
  for (const kind of [STATEFULSET, SERVICE]) {
    cache.add(
      new Informer<KubeObject>({
        kind,
        sources: [apiListWatch(options.cluster, kind, { namespace, labelSelector: selector })],
        log,
      }),
    );
  }
  const running = cache.informers().map((i) => i.run(watching.signal).catch(() => {}));
  try {
    await Promise.all(cache.informers().map((i) => i.whenSynced()));
    const applier = new Applier(client, { fieldManager: FIELD_MANAGER, cache });
    const outcomes: Record<string, string> = {};
    const live = cache.get<Sts>(STATEFULSET, namespace, names.statefulSet);
    let statefulSet: V1StatefulSet;
    if (isNewerGeneration(live, config)) {
      // A newer proxy pod of a rolling update wrote it: an old one must not revert it.
      log.info("Skipped StatefulSet of an older generation", { namespace, name: names.statefulSet });
      outcomes[`StatefulSet/${names.statefulSet}`] = "skipped";
      statefulSet = live!;
    } else {
      const desired = desiredStatefulSet(config, {
        namespace,
        podPatch: options.podPatch,
        owner: ownerReferenceTo({ apiVersion: "apps/v1", kind: "Deployment", metadata: deployment.metadata }),
      });
      const applied = await applyNamed(applier, desired as Sts);
      outcomes[`StatefulSet/${names.statefulSet}`] = applied.outcome;
      statefulSet = applied.object ?? desired;
      logOutcome(log, applied.outcome, "StatefulSet", namespace, names.statefulSet);
    }
    const owner = ownerReferenceTo({ apiVersion: "apps/v1", kind: "StatefulSet", metadata: statefulSet.metadata });
    for (const service of desiredServices(config, { namespace, owner })) {
      const applied = await applyNamed(applier, service as V1Service & KubeObject);
      outcomes[`Service/${service.metadata!.name}`] = applied.outcome;
      logOutcome(log, applied.outcome, "Service", namespace, service.metadata!.name!);
    }
    const generation = statefulSet.metadata?.generation ?? 1;
    const rolledOut = await pollUntil(() => {
      const current = cache.get<Sts>(STATEFULSET, namespace, names.statefulSet);
      return isRolledOut(current, generation) ? current : undefined;
    }, {
      deadline: options.rolloutTimeoutMs ?? DEFAULT_ROLLOUT_TIMEOUT_MS,
      interval: options.pollIntervalMs ?? 200,
      signal,
      what:
        `StatefulSet ${namespace}/${names.statefulSet} to roll out (kubectl describe statefulset ${names.statefulSet})`,
    });
    log.info("StatefulSet rolled out", { namespace, name: names.statefulSet });
    return { statefulSet: rolledOut, outcomes };
  } finally {
    signal.removeEventListener("abort", stop);
    watching.abort();
    await Promise.all(running);
  }
}

async function readOwner(client: KubeClient, namespace: string, name: string): Promise<V1Deployment> {
  let deployment: V1Deployment | undefined;
  try {
    deployment = await client.get<V1Deployment & KubeObject>({
      apiVersion: "apps/v1",
      kind: "Deployment",
      namespace,
      name,
    });
  } catch (e) {
    throw new Error(
      `Cannot read Deployment ${namespace}/${name} to own the StatefulSet: ${apiErrorMessage(e)}: ` +
        `grant the proxy runner get on apps/deployments`,
      { cause: e },
    );
  }
  if (!deployment?.metadata?.uid) {
    throw new Error(`Deployment ${namespace}/${name} of this proxy does not exist: run the proxy runner from it`);
  }
  return deployment;
}

async function applyNamed<T extends KubeObject>(applier: Applier, object: T) {
  try {
    return await applier.apply(object);
  } catch (e) {
    throw new Error(`Cannot apply ${object.kind} "${object.metadata?.name}": ${apiErrorMessage(e)}`, { cause: e });
  }
}

function logOutcome(log: Logger, outcome: string, kind: string, namespace: string, name: string): void {
  const verb = outcome === "created" ? "Created" : outcome === "updated" ? "Updated" : "Unchanged";
  log.info(`${verb} ${kind}`, { namespace, name });
}
