/**
 * The manager: declares the informers (one per kind, across the watched namespaces), runs them and the
 * controllers under one AbortSignal, optionally only while holding a Lease, and serves `/healthz`, `/readyz`
 * (ready once every cache is synced; a standby is ready too) and `/metrics` (rendered by the role).
 * @module
 */
import { serve } from "../http/mod.ts";
import type { Logger } from "../log.ts";
import { InformerCache } from "./cache.ts";
import type { KubeClient } from "./client.ts";
import type { ClusterConfig } from "./config.ts";
import type { Controller, ReconcileOutcome } from "./controller.ts";
import { Informer } from "./informer.ts";
import { LeaderElector, type LeaseOptions } from "./lease.ts";
import { apiListWatch } from "./list_watch.ts";
import type { Kind, KubeObject } from "./object.ts";
import type { IndexFunction } from "./store.ts";

/** How a kind is informed about. */
export interface InformOptions<T extends KubeObject> {
  /** Only objects with these labels, e.g. `toolhive=true`. */
  readonly labelSelector?: string;
  /** What to keep of each object (see {@linkcode stripForCache}). */
  readonly transform?: (object: KubeObject) => T;
  /** Indexes by name. */
  readonly indexes?: Readonly<Record<string, IndexFunction<T>>>;
  /** List and watch metadata only, when the transform keeps nothing else (smaller answers to parse). */
  readonly metadataOnly?: boolean;
}

/** What `/metrics` is rendered from. */
export interface ManagerState {
  /** Whether this replica leads (always, without leader election). */
  readonly leader: boolean;
  /** Keys waiting across the controllers. */
  readonly queueDepth: number;
}

/** Options of a {@linkcode Manager}. */
export interface ManagerOptions {
  /** Cluster access for lists and watches. */
  readonly kubeConfig: ClusterConfig;
  /** Where lists are counted (as reads). */
  readonly client: KubeClient;
  /** Namespaces to inform about; empty: the whole cluster. */
  readonly namespaces: readonly string[];
  /** Logger. */
  readonly log: Logger;
  /** Port of the health listener; 0 picks one. */
  readonly healthPort: number;
  /** Address the health listener binds. */
  readonly healthHost: string;
  /** Called once the health listener is up. */
  readonly onListening?: (port: number) => void;
  /** The text of `/metrics`. */
  readonly renderMetrics: (state: ManagerState) => string;
  /** Called after every reconcile pass of every controller. */
  readonly onReconciled?: (seconds: number, outcome: ReconcileOutcome) => void;
  /** Run informers and controllers only while holding this Lease; absent: always. */
  readonly leaderElection?: LeaseOptions;
  /** Client of the Lease (default `client`; a separate one keeps lease traffic out of the counts). */
  readonly leaseClient?: KubeClient;
}

/** Runs informers and controllers. */
export class Manager {
  /** Every informed kind, for reconcilers to read. */
  readonly cache: InformerCache = new InformerCache();
  readonly #o: ManagerOptions;
  readonly #controllers: Controller[] = [];

  /** A manager; nothing runs until {@linkcode Manager.run}. */
  constructor(options: ManagerOptions) {
    this.#o = options;
  }

  /** Declares the informer of `kind`. */
  inform<T extends KubeObject>(kind: Kind, options: InformOptions<T> = {}): Informer<T> {
    const scopes = this.#o.namespaces.length > 0 ? this.#o.namespaces : [undefined];
    const informer = new Informer<T>({
      kind,
      sources: scopes.map((namespace) =>
        apiListWatch(this.#o.kubeConfig, kind, {
          ...(namespace ? { namespace } : {}),
          ...(options.labelSelector ? { labelSelector: options.labelSelector } : {}),
          ...(options.metadataOnly ? { metadataOnly: true } : {}),
          counts: this.#o.client.counts,
        })
      ),
      ...(options.transform ? { transform: options.transform } : {}),
      log: this.#o.log,
    });
    for (const [name, index] of Object.entries(options.indexes ?? {})) informer.store.addIndex(name, index);
    this.cache.add(informer as unknown as Informer<KubeObject>);
    return informer;
  }

  /** Adds a controller. */
  add(controller: Controller): void {
    this.#controllers.push(controller);
  }

  /** Runs until `signal` aborts; rejects when leadership is lost (so the process restarts as a standby). */
  async run(signal: AbortSignal): Promise<void> {
    const { log } = this.#o;
    let leading = !this.#o.leaderElection;
    const informers = this.cache.informers();
    const server = serve({
      hostname: this.#o.healthHost,
      port: this.#o.healthPort,
      signal,
      onListen: ({ port }) => this.#o.onListening?.(port),
    }, (req) => {
      const path = new URL(req.url).pathname;
      if (path === "/healthz") return new Response("ok\n");
      if (path === "/readyz") {
        if (!leading) return new Response("standby: not the leader\n");
        const synced = informers.filter((i) => i.synced).length;
        return synced === informers.length
          ? new Response("ok\n")
          : new Response(`waiting for caches: ${synced}/${informers.length}\n`, { status: 503 });
      }
      if (path === "/metrics") {
        const queueDepth = this.#controllers.reduce((n, c) => n + c.queueDepth, 0);
        return new Response(this.#o.renderMetrics({ leader: leading, queueDepth }), {
          headers: { "content-type": "text/plain; version=0.0.4" },
        });
      }
      return new Response("not found\n", { status: 404 });
    });

    const work = async (active: AbortSignal) => {
      leading = true;
      // Controllers first: they subscribe to the informers before the first list comes in.
      const controllers = this.#controllers.map((c) =>
        c.run(active, {
          cache: this.cache,
          log,
          ...(this.#o.onReconciled ? { onReconciled: this.#o.onReconciled } : {}),
        })
      );
      await Promise.all([...controllers, ...informers.map((i) => i.run(active))]);
    };
    try {
      if (this.#o.leaderElection) {
        const elector = new LeaderElector(this.#o.leaseClient ?? this.#o.client, log, this.#o.leaderElection);
        const kept = await elector.run(signal, work);
        if (!kept) throw new Error("Lost the leader lease: exiting so that Kubernetes restarts this operator");
      } else {
        await work(signal);
      }
    } finally {
      leading = false;
      await server.shutdown().catch(() => {});
    }
  }
}
