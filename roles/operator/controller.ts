/**
 * The MCPServer controller: watches MCPServers, the children it owns, their proxy pods and the Secrets and
 * ConfigMaps they reference; turns every event into a `namespace/name` key on one work queue; reconciles
 * keys one at a time with retry and backoff; resyncs every server periodically; and serves `/healthz`,
 * `/readyz` and `/metrics`. Everything stops through one AbortSignal.
 * @module
 */
import type { KubeConfig } from "@kubernetes/client-node";
import { GROUP, McpServerSpec } from "../../crds/mod.ts";
import {
  EventRecorder,
  type KubeClient,
  kubeClient,
  LeaderElector,
  type LeaseOptions,
  watchForever,
  type WatchForeverOptions,
} from "../../lib/k8s/mod.ts";
import type { Logger } from "../../lib/log.ts";
import { serveHttp } from "../../lib/listener/mod.ts";
import { referencedKeys } from "./desired/mod.ts";
import { OperatorMetrics } from "./metrics.ts";
import { WorkQueue } from "./queue.ts";
import { MCP_SERVER_API_VERSION, reconcileMcpServer } from "./reconcile.ts";

/** How the controller runs. */
export interface ControllerOptions {
  /** Cluster access. */
  readonly kubeConfig: KubeConfig;
  /** Namespaces to watch; empty for the whole cluster. */
  readonly namespaces: readonly string[];
  /** Image of the proxy runner. */
  readonly runnerImage: string;
  /** Period of the full resync. */
  readonly resyncMs: number;
  /** Port of /healthz, /readyz and /metrics; 0 picks a free one. */
  readonly healthPort: number;
  /** Address the health listener binds. */
  readonly healthHost: string;
  /** Logger. */
  readonly log: Logger;
  /** Stops everything. */
  readonly signal: AbortSignal;
  /** Called once the health listener is up, with its port. */
  readonly onListening?: (port: number) => void;
  /** How many keys are reconciled at once (default 4); one key is never reconciled twice at the same time. */
  readonly workers?: number;
  /** Run only while holding this Lease (`--leader-elect`); absent: always run. */
  readonly leaderElection?: LeaseOptions;
}

type Obj = Record<string, unknown> & {
  metadata?: {
    name?: string;
    namespace?: string;
    labels?: Record<string, string>;
    ownerReferences?: Array<{ kind?: string; name?: string; apiVersion?: string }>;
  };
};

/** The kinds whose changes map to their owning MCPServer. */
const OWNED: ReadonlyArray<{ group: string; version: string; plural: string; kind: string; labelSelector?: string }> = [
  { group: "apps", version: "v1", plural: "deployments", kind: "Deployment", labelSelector: "toolhive=true" },
  { group: "apps", version: "v1", plural: "statefulsets", kind: "StatefulSet", labelSelector: "toolhive=true" },
  { group: "", version: "v1", plural: "services", kind: "Service", labelSelector: "toolhive=true" },
  { group: "", version: "v1", plural: "serviceaccounts", kind: "ServiceAccount", labelSelector: "toolhive=true" },
  { group: "rbac.authorization.k8s.io", version: "v1", plural: "roles", kind: "Role", labelSelector: "toolhive=true" },
  {
    group: "rbac.authorization.k8s.io",
    version: "v1",
    plural: "rolebindings",
    kind: "RoleBinding",
    labelSelector: "toolhive=true",
  },
];

function collectionPath(group: string, version: string, plural: string, namespace?: string): string {
  const base = group === "" ? `/api/${version}` : `/apis/${group}/${version}`;
  return namespace ? `${base}/namespaces/${namespace}/${plural}` : `${base}/${plural}`;
}

/** Runs the controller until `options.signal` aborts. */
export async function runController(options: ControllerOptions): Promise<void> {
  const { log, signal } = options;
  const client: KubeClient = kubeClient(options.kubeConfig);
  const events = new EventRecorder(client, "thv-operator", log);
  const applied = new Map<string, { hash: string; version: string }>();
  const liveVersions = new Map<string, string>();
  const trackLive = (kind: string) => (type: string, o: Obj) => {
    const key = `${kind}/${o.metadata?.namespace}/${o.metadata?.name}`;
    const version = (o.metadata as { resourceVersion?: string } | undefined)?.resourceVersion;
    if (type === "DELETED" || !version) liveVersions.delete(key);
    else liveVersions.set(key, version);
  };
  const queue = new WorkQueue();
  const metrics = new OperatorMetrics();
  const servers = new Set<string>();
  /** `namespace/Kind/name` of a referenced Secret or ConfigMap → the servers that use it. */
  const referencedBy = new Map<string, Set<string>>();
  const scopes = options.namespaces.length > 0 ? options.namespaces : [undefined];

  const keyOf = (o: Obj) => `${o.metadata?.namespace}/${o.metadata?.name}`;
  const indexReferences = (key: string, spec: unknown) => {
    for (const set of referencedBy.values()) set.delete(key);
    const parsed = McpServerSpec.safeParse(spec);
    if (!parsed.success) return;
    const [namespace] = key.split("/");
    const server = { spec: parsed.data } as Parameters<typeof referencedKeys>[0];
    for (const ref of referencedKeys(server)) {
      const refKey = `${namespace}/${ref.kind}/${ref.name}`;
      if (!referencedBy.has(refKey)) referencedBy.set(refKey, new Set());
      referencedBy.get(refKey)!.add(key);
    }
  };
  const enqueueOwner = (o: Obj) => {
    const owner = o.metadata?.ownerReferences?.find((r) => r.kind === "MCPServer");
    if (owner?.name) queue.add(`${o.metadata?.namespace}/${owner.name}`);
  };
  const enqueueReferrers = (kind: string) => (_: string, o: Obj) => {
    for (const key of referencedBy.get(`${o.metadata?.namespace}/${kind}/${o.metadata?.name}`) ?? []) queue.add(key);
  };

  type Spec = Omit<WatchForeverOptions, "signal" | "log" | "onEstablished">;
  const watches: Spec[] = [];
  for (const ns of scopes) {
    watches.push({
      path: collectionPath(GROUP, "v1beta1", "mcpservers", ns),
      onEvent: (type, o: Obj) => {
        const key = keyOf(o);
        if (type === "DELETED") {
          servers.delete(key);
          indexReferences(key, undefined);
          return;
        }
        servers.add(key);
        indexReferences(key, o.spec);
        queue.add(key);
      },
    });
    for (const kind of OWNED) {
      watches.push({
        path: collectionPath(kind.group, kind.version, kind.plural, ns),
        ...(kind.labelSelector ? { labelSelector: kind.labelSelector } : {}),
        onEvent: (type, o: Obj) => {
          trackLive(kind.kind)(type, o);
          enqueueOwner(o);
        },
      });
    }
    watches.push({
      path: collectionPath("", "v1", "pods", ns),
      labelSelector: "app=mcpserver",
      onEvent: (_, o: Obj) => {
        const name = o.metadata?.labels?.["toolhive-name"];
        if (name) queue.add(`${o.metadata?.namespace}/${name}`);
      },
    });
    watches.push({
      path: collectionPath("", "v1", "configmaps", ns),
      onEvent: (type, o: Obj) => {
        trackLive("ConfigMap")(type, o);
        enqueueOwner(o);
        enqueueReferrers("ConfigMap")(type, o);
      },
    });
    watches.push({ path: collectionPath("", "v1", "secrets", ns), onEvent: enqueueReferrers("Secret") });
  }

  let established = 0;
  let leading = !options.leaderElection;
  const seen = new Set<number>();
  const server = serveHttp({
    hostname: options.healthHost,
    port: options.healthPort,
    signal,
    onListen: ({ port }) => options.onListening?.(port),
  }, (req) => {
    const path = new URL(req.url).pathname;
    if (path === "/healthz") return new Response("ok\n");
    if (path === "/readyz") {
      if (!leading) return new Response("standby: not the leader\n");
      return established === watches.length
        ? new Response("ok\n")
        : new Response(`waiting for watches: ${established}/${watches.length}\n`, { status: 503 });
    }
    if (path === "/metrics") {
      return new Response(metrics.render(queue.length, client.counts, leading), {
        headers: { "content-type": "text/plain; version=0.0.4" },
      });
    }
    return new Response("not found\n", { status: 404 });
  });

  /** Watches, resync and the worker: the part that runs only while leading. */
  const work = async (active: AbortSignal) => {
    leading = true;
    const watchRuns = watches.map((w, i) =>
      watchForever(options.kubeConfig, {
        ...w,
        signal: active,
        log,
        onEstablished: () => {
          if (!seen.has(i)) {
            seen.add(i);
            established++;
          }
        },
      })
    );

    const resync = setInterval(() => {
      for (const key of servers) queue.add(key);
    }, options.resyncMs);
    active.addEventListener("abort", () => {
      clearInterval(resync);
      queue.close();
    }, { once: true });

    const worker = async () => {
      while (true) {
        const key = await queue.get();
        if (key === undefined) return;
        const [namespace, name] = key.split("/") as [string, string];
        const scoped = log.with({ kind: "MCPServer", namespace, name });
        const started = performance.now();
        let failed = false;
        try {
          const result = await reconcileMcpServer(
            {
              client,
              log: scoped,
              runnerImage: options.runnerImage,
              now: () => new Date(),
              events,
              applied,
              liveVersions,
            },
            namespace,
            name,
          );
          queue.forget(key);
          if (result.requeueAfterMs) queue.addAfter(key, result.requeueAfterMs);
        } catch (e) {
          failed = true;
          const delay = queue.retry(key);
          scoped.error("Reconcile failed", { error: (e as Error).message, retryInMs: delay });
        } finally {
          metrics.observe((performance.now() - started) / 1000, failed);
          queue.done(key);
        }
      }
    };

    await Promise.all([...Array.from({ length: options.workers ?? 4 }, worker), ...watchRuns]);
  };

  log.info("Started operator", {
    namespaces: options.namespaces.length ? options.namespaces.join(",") : "(all)",
    apiVersion: MCP_SERVER_API_VERSION,
  });
  try {
    if (options.leaderElection) {
      const elector = new LeaderElector(kubeClient(options.kubeConfig), log, options.leaderElection);
      const kept = await elector.run(signal, work);
      if (!kept) throw new Error("Lost the leader lease: exiting so that Kubernetes restarts this operator");
    } else {
      await work(signal);
    }
  } finally {
    leading = false;
    await server.shutdown().catch(() => {});
    log.info("Stopped operator");
  }
}
