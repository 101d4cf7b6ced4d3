/**
 * The MCPServer controller, declared on lib/k8s's framework: the kinds informed about (kinds.ts), one
 * controller for MCPServers that owns their children, follows their StatefulSets and pods by label and the
 * Secrets and ConfigMaps they reference through an index, and a manager that runs it with health, metrics
 * and optional leader election under one AbortSignal. Reconciles read only the cache.
 * @module
 */
import {
  Applier,
  type ClusterConfig,
  controller,
  EventRecorder,
  type KubeClient,
  kubeClient,
  type LeaseOptions,
  Manager,
} from "../../lib/k8s/mod.ts";
import type { Logger } from "../../lib/log.ts";
import {
  CONFIG_MAP,
  DEPLOYMENT,
  INFORMED,
  MCP_EXTERNAL_AUTH_CONFIG,
  MCP_GROUP,
  MCP_REMOTE_PROXY,
  MCP_SERVER,
  MCP_SERVER_API_VERSION,
  MCP_SERVER_ENTRY,
  NETWORK_POLICY,
  POD,
  REFERENCES_INDEX,
  referenceValue,
  REFERRER_KINDS,
  ROLE,
  ROLE_BINDING,
  SECRET,
  SERVICE,
  SERVICE_ACCOUNT,
  STATEFUL_SET,
} from "./kinds.ts";
import { configReferences } from "./config_refs.ts";
import { reconcileGroup } from "./group/mod.ts";
import { OperatorMetrics } from "./metrics.ts";
import { FIELD_MANAGER, reconcileMcpServer } from "./reconcile.ts";
import { reconcileSharedConfig, SHARED_CONFIG_KINDS, type SharedConfigKind } from "./shared_config/mod.ts";
import { reconcileRemoteProxy } from "./remote_proxy/mod.ts";
import { reconcileServerEntry } from "./server_entry/reconcile.ts";

/** How the controller runs. */
export interface ControllerOptions {
  /** Cluster access. */
  readonly kubeConfig: ClusterConfig;
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
  /** How many keys are reconciled at once (default 16: a pass mostly waits on the API server); never one key twice. */
  readonly workers?: number;
  /** Run only while holding this Lease (`--leader-elect`); absent: always run. */
  readonly leaderElection?: LeaseOptions;
}

/** The MCPServer an object labelled `toolhive-name=<name>` belongs to. */
function byServerLabel(object: { metadata?: { namespace?: string; labels?: Record<string, string> } }): string[] {
  const name = object.metadata?.labels?.["toolhive-name"];
  return name ? [`${object.metadata?.namespace}/${name}`] : [];
}

/** The `namespace/name` keys of the `kind` objects a workload's spec names. */
function namedBy(kind: string) {
  return (o: { metadata?: { namespace?: string }; spec?: unknown }) =>
    configReferences(o.spec).filter((r) => r.kind === kind).map((r) => `${o.metadata?.namespace}/${r.name}`);
}

/** The controller of one shared-config kind: its objects, and every workload that names one of them. */
function sharedConfigController(
  def: SharedConfigKind,
  { client, manager, events, options }: {
    client: KubeClient;
    manager: Manager;
    events: EventRecorder;
    options: ControllerOptions;
  },
) {
  return controller({
    name: def.kind.kind.toLowerCase(),
    for: def.kind,
    watches: REFERRER_KINDS.map((r) => ({ kind: r.kind, map: namedBy(def.kind.kind) })),
    workers: 4,
    resyncMs: options.resyncMs,
  }, async (request) =>
    await reconcileSharedConfig(
      { client, cache: manager.cache, log: request.log, events, now: () => new Date() },
      def,
      request.namespace,
      request.name,
    ));
}

/** Runs the controller until `options.signal` aborts. */
export async function runController(options: ControllerOptions): Promise<void> {
  const { log } = options;
  const client: KubeClient = kubeClient(options.kubeConfig);
  const metrics = new OperatorMetrics();
  const manager = new Manager({
    kubeConfig: options.kubeConfig,
    client,
    namespaces: options.namespaces,
    log,
    healthPort: options.healthPort,
    healthHost: options.healthHost,
    ...(options.onListening ? { onListening: options.onListening } : {}),
    renderMetrics: ({ leader, queueDepth }) => metrics.render(queueDepth, client.counts, leader),
    onReconciled: (seconds, outcome) => metrics.observe(seconds, outcome !== "success"),
    ...(options.leaderElection
      ? { leaderElection: options.leaderElection, leaseClient: kubeClient(options.kubeConfig) }
      : {}),
  });
  for (const [kind, inform] of INFORMED) manager.inform(kind, inform);

  const events = new EventRecorder(client, "thv-operator", log);
  const applier = new Applier(client, { fieldManager: FIELD_MANAGER, cache: manager.cache });
  const referrers = (kind: string) => (o: { metadata?: { namespace?: string; name?: string } }) =>
    manager.cache.informer(MCP_SERVER).store
      .byIndex(REFERENCES_INDEX, referenceValue(o.metadata?.namespace, kind, o.metadata?.name))
      .map((s) => `${s.metadata?.namespace}/${s.metadata?.name}`);
  manager.add(controller({
    name: "mcpserver",
    for: MCP_SERVER,
    owns: [DEPLOYMENT, SERVICE, SERVICE_ACCOUNT, ROLE, ROLE_BINDING, CONFIG_MAP, NETWORK_POLICY],
    watches: [
      { kind: SECRET, map: referrers("Secret") },
      { kind: CONFIG_MAP, map: referrers("ConfigMap") },
      ...SHARED_CONFIG_KINDS.map((def) => ({ kind: def.kind, map: referrers(def.kind.kind) })),
      { kind: MCP_GROUP, map: referrers(MCP_GROUP.kind) },
      // The StatefulSet belongs to the proxy Deployment, proxy pods to a ReplicaSet, MCP pods to the
      // StatefulSet: none to the MCPServer, so they are found by label, as ToolHive does.
      { kind: STATEFUL_SET, map: byServerLabel },
      { kind: POD, map: byServerLabel },
    ],
    workers: options.workers ?? 16,
    resyncMs: options.resyncMs,
  }, async (request) =>
    await reconcileMcpServer(
      {
        client,
        cache: manager.cache,
        applier,
        log: request.log,
        runnerImage: options.runnerImage,
        now: () => new Date(),
        events,
      },
      request.namespace,
      request.name,
    )));

  // The remote kinds find what they reference through the same index as MCPServers.
  const remoteReferrers =
    (of: typeof MCP_REMOTE_PROXY, kind: string) => (o: { metadata?: { namespace?: string; name?: string } }) =>
      manager.cache.informer(of).store
        .byIndex(REFERENCES_INDEX, referenceValue(o.metadata?.namespace, kind, o.metadata?.name))
        .map((s) => `${s.metadata?.namespace}/${s.metadata?.name}`);
  manager.add(controller({
    name: "mcpremoteproxy",
    for: MCP_REMOTE_PROXY,
    owns: [DEPLOYMENT, SERVICE, SERVICE_ACCOUNT, ROLE, ROLE_BINDING, CONFIG_MAP],
    watches: [
      { kind: SECRET, map: remoteReferrers(MCP_REMOTE_PROXY, "Secret") },
      { kind: CONFIG_MAP, map: remoteReferrers(MCP_REMOTE_PROXY, "ConfigMap") },
      ...SHARED_CONFIG_KINDS.map((def) => ({ kind: def.kind, map: remoteReferrers(MCP_REMOTE_PROXY, def.kind.kind) })),
      { kind: MCP_GROUP, map: remoteReferrers(MCP_REMOTE_PROXY, MCP_GROUP.kind) },
      { kind: POD, map: byServerLabel },
    ],
    workers: 4,
    resyncMs: options.resyncMs,
  }, async (request) =>
    await reconcileRemoteProxy(
      {
        client,
        cache: manager.cache,
        applier,
        log: request.log,
        runnerImage: options.runnerImage,
        now: () => new Date(),
        events,
      },
      request.namespace,
      request.name,
    )));
  manager.add(controller({
    name: "mcpserverentry",
    for: MCP_SERVER_ENTRY,
    watches: [
      { kind: SECRET, map: remoteReferrers(MCP_SERVER_ENTRY, "Secret") },
      { kind: CONFIG_MAP, map: remoteReferrers(MCP_SERVER_ENTRY, "ConfigMap") },
      { kind: MCP_GROUP, map: remoteReferrers(MCP_SERVER_ENTRY, MCP_GROUP.kind) },
      { kind: MCP_EXTERNAL_AUTH_CONFIG, map: remoteReferrers(MCP_SERVER_ENTRY, MCP_EXTERNAL_AUTH_CONFIG.kind) },
    ],
    workers: 2,
    resyncMs: options.resyncMs,
  }, async (request) =>
    await reconcileServerEntry(
      { client, cache: manager.cache, log: request.log, now: () => new Date(), events },
      request.namespace,
      request.name,
    )));

  for (const def of SHARED_CONFIG_KINDS) manager.add(sharedConfigController(def, { client, manager, events, options }));
  manager.add(controller({
    name: "mcpgroup",
    for: MCP_GROUP,
    watches: REFERRER_KINDS.map((r) => ({ kind: r.kind, map: namedBy(MCP_GROUP.kind) })),
    workers: 4,
    resyncMs: options.resyncMs,
  }, async (request) =>
    await reconcileGroup(
      { client, cache: manager.cache, log: request.log, now: () => new Date() },
      request.namespace,
      request.name,
    )));

  log.info("Started operator", {
    namespaces: options.namespaces.length ? options.namespaces.join(",") : "(all)",
    apiVersion: MCP_SERVER_API_VERSION,
  });
  try {
    await manager.run(options.signal);
  } finally {
    log.info("Stopped operator");
  }
}
