/**
 * The proxy runner's run: RunConfig → StatefulSet and Services in the cluster → the MCP proxy from
 * lib/transport in front of them, served on `proxyPort` on all interfaces until the shutdown signal.
 * @module
 */
import type { V1PodTemplateSpec } from "@kubernetes/client-node";
import { serve } from "../../lib/http/mod.ts";
import { proxyChainOf, ProxyStateSlot } from "../../lib/middleware/mod.ts";
import { staticHeaders } from "../../lib/outgoing/mod.ts";
import { type ClusterConfig, type KubeClient, kubernetesStdioConnector } from "../../lib/k8s/mod.ts";
import type { Logger } from "../../lib/log.ts";
import type { RunConfig } from "../../lib/run_config.ts";
import { createProxy, proxyConfigOf, type StdioConnector } from "../../lib/transport/mod.ts";
import { deployWorkload } from "./deploy.ts";
import { MCP_CONTAINER, mcpPort, workloadNames } from "./desired.ts";
import { forwardedHeaders, remoteServiceHosts } from "./remote.ts";

/** The pod whose container `mcp` a stdio server's proxy attaches to. */
export interface StdioTarget {
  /** Namespace of the StatefulSet. */
  readonly namespace: string;
  /** The StatefulSet `<name>`; its pods carry `app=<name>`. */
  readonly statefulSet: string;
  /** The container to attach to (`mcp`). */
  readonly container: string;
}

/**
 * The seam the Kubernetes attach connector plugs into: given the StatefulSet, a {@linkcode StdioConnector}
 * that attaches to the stdio of its pod's container `mcp` (and re-attaches when the pod restarts).
 */
export interface StdioAttach {
  /** A connector to `target`'s stdio. */
  connector(target: StdioTarget, options: { readonly signal: AbortSignal; readonly log: Logger }): GivingUpConnector;
}

/** A {@linkcode StdioConnector} that may give up for good (no pod for too long): the run then fails with it. */
export interface GivingUpConnector extends StdioConnector {
  /** Resolves with the reason once the connector will never connect again. */
  readonly gaveUp?: Promise<Error>;
}

/** The attach connector of lib/k8s: waits for the StatefulSet's pod and gives up after `noPodTimeoutMs`. */
export function kubernetesStdioAttach(
  cluster: ClusterConfig,
  options: { readonly noPodTimeoutMs?: number } = {},
): StdioAttach {
  return {
    connector: (target, { signal, log }) =>
      kubernetesStdioConnector({
        config: cluster,
        namespace: target.namespace,
        statefulSet: target.statefulSet,
        container: target.container,
        signal,
        log,
        ...(options.noPodTimeoutMs !== undefined ? { noPodTimeoutMs: options.noPodTimeoutMs } : {}),
      }),
  };
}

/** What {@linkcode runProxyRunner} needs from outside. */
export interface ProxyRunnerDeps {
  /** The API server. */
  readonly cluster: ClusterConfig;
  /** The client writes go through. */
  readonly client: KubeClient;
  /** Where progress is logged. */
  readonly log: Logger;
  /** Ends the run: the listener stops, then the proxy. */
  readonly signal: AbortSignal;
  /** How a stdio server is reached; absent: stdio is refused. */
  readonly stdio?: StdioAttach;
  /** Addresses of this pod, allowed as Host (the kubelet's probes use the pod IP). */
  readonly podAddresses?: readonly string[];
  /** Port to listen on instead of the RunConfig's `port` (tests: 0). */
  readonly listenPort?: number;
  /** Longest wait for the StatefulSet to roll out. */
  readonly rolloutTimeoutMs?: number;
  /** Called once the proxy listens. */
  readonly onListen?: (addr: Deno.NetAddr) => void;
  /** The environment snapshot: a remote proxy's secret header values (`TOOLHIVE_SECRET_<name>`). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** Host names clients inside the cluster use for the proxy Service `mcp-<name>-proxy`, and this pod's addresses. */
export function allowedHostsOf(
  name: string,
  options: { readonly namespace: string; readonly podAddresses?: readonly string[] },
): string[] {
  const service = `mcp-${name}-proxy`;
  const { namespace } = options;
  return [
    service,
    `${service}.${namespace}`,
    `${service}.${namespace}.svc`,
    `${service}.${namespace}.svc.cluster.local`,
    ...(options.podAddresses ?? []).map((a) => a.toLowerCase()),
  ];
}

/**
 * Throws (one line) for what the runner cannot do yet: a stdio server without an attach connector. Called
 * before anything is written, so no MCP pod is started that no proxy can reach.
 */
export function refuseUnsupported(config: RunConfig, options: { readonly stdio?: StdioAttach }): void {
  if (config.transport === "stdio" && !options.stdio) {
    throw new Error(
      `RunConfig ${config.name}: transport stdio needs a way to attach to the MCP pod: give the runner its StdioAttach`,
    );
  }
}

/** The URL the proxy forwards to for an HTTP transport: the backend Service `mcp-<name>`. */
export function backendHost(name: string, namespace: string): string {
  return `${workloadNames(name).backend}.${namespace}.svc`;
}

/**
 * Runs the proxy runner for `input` until `deps.signal` aborts; rejects (one line, saying what to do) when
 * the namespace is unknown, stdio has no attach connector, or the workload cannot be applied or roll out.
 */
export async function runProxyRunner(
  input: { readonly config: RunConfig; readonly podPatch: V1PodTemplateSpec },
  deps: ProxyRunnerDeps,
): Promise<void> {
  const { config } = input;
  const { log, signal } = deps;
  refuseUnsupported(config, deps);
  const namespace = deps.cluster.namespace;
  if (!namespace) {
    throw new Error("The namespace is unknown: run the proxy runner in a pod with a service account token mounted");
  }
  if (config.remote_url) return await runRemoteProxy(config, namespace, deps);
  if (config.transport !== "stdio") mcpPort(config); // a missing target_port is named before anything is written
  // The chain is built before the workload: a RunConfig it refuses creates nothing.
  const state = new ProxyStateSlot(); // the proxy's sessions and health, for telemetry
  const chain = await proxyChainOf(config, { log, env: deps.env ?? {}, proxy: state });
  await deployWorkload(config, {
    cluster: deps.cluster,
    client: deps.client,
    namespace,
    podPatch: input.podPatch,
    log,
    signal,
    ...(deps.rolloutTimeoutMs !== undefined ? { rolloutTimeoutMs: deps.rolloutTimeoutMs } : {}),
  });
  const names = workloadNames(config.name);
  // The listener stops on shutdown or when the stdio connector gives up; the latter fails the run.
  const stopping = new AbortController();
  const stop = () => stopping.abort(signal.reason);
  signal.addEventListener("abort", stop, { once: true });
  const connector = config.transport === "stdio"
    ? deps.stdio!.connector(
      { namespace, statefulSet: names.statefulSet, container: MCP_CONTAINER },
      { signal: stopping.signal, log },
    )
    : undefined;
  let gaveUp: Error | undefined;
  connector?.gaveUp?.then((e) => {
    gaveUp = e;
    log.error("Giving up on the MCP server's pod", { error: e.message });
    stopping.abort(e);
  });
  const sources = connector
    ? { stdio: connector }
    : { upstream: { host: backendHost(config.name, namespace), port: mcpPort(config) } };
  const proxy = state.bind(createProxy(
    {
      ...proxyConfigOf(config, sources),
      ...(chain ? { middleware: chain.middleware } : {}),
      allowedHosts: allowedHostsOf(config.name, {
        namespace,
        ...(deps.podAddresses ? { podAddresses: deps.podAddresses } : {}),
      }),
    },
    { log },
  ));
  try {
    const listener = serve({
      hostname: "0.0.0.0",
      port: deps.listenPort ?? config.port,
      signal: stopping.signal,
      log,
      onListen: (addr) => {
        log.info("Proxy listening", { name: config.name, namespace, port: addr.port, path: proxy.path });
        deps.onListen?.(addr);
      },
    }, proxy.handler);
    await listener.finished;
  } finally {
    signal.removeEventListener("abort", stop);
    await proxy.close();
    await chain?.close();
  }
  if (gaveUp) throw gaveUp;
}

/** A remote proxy: no workload; the HTTP proxy fronts `remote_url` with the forwarded headers. */
async function runRemoteProxy(config: RunConfig, namespace: string, deps: ProxyRunnerDeps): Promise<void> {
  const { log, signal } = deps;
  if (config.transport === "stdio") {
    throw new Error(
      `RunConfig ${config.name}: a remote_url is reached over HTTP: set transport sse or streamable-http`,
    );
  }
  const addHeaders = forwardedHeaders(config, deps.env ?? {});
  const state = new ProxyStateSlot(); // the proxy's sessions and health, for telemetry
  const chain = await proxyChainOf(config, { log, env: deps.env ?? {}, proxy: state });
  // `/health` pings the remote with the static credentials (forwarded headers, bearer token), never a client's.
  const bearer = await staticHeaders(config, deps.env ?? {}, Deno.readTextFile);
  const proxy = state.bind(createProxy({
    healthHeaders: { ...addHeaders, ...Object.fromEntries(bearer) },
    ...(chain ? { middleware: chain.middleware } : {}),
    transport: config.transport,
    targetUrl: config.remote_url!,
    trustProxyHeaders: config.trust_proxy_headers,
    ...(config.endpoint_prefix ? { endpointPrefix: config.endpoint_prefix } : {}),
    addHeaders,
    allowedHosts: [
      ...remoteServiceHosts(config.name, namespace),
      ...(deps.podAddresses ?? []).map((a) => a.toLowerCase()),
    ],
  }, { log }));
  try {
    const listener = serve({
      hostname: "0.0.0.0",
      port: deps.listenPort ?? config.port,
      signal,
      log,
      onListen: (addr) => {
        // The header names only: their values may be secrets.
        log.info("Remote proxy listening", {
          name: config.name,
          port: addr.port,
          path: proxy.path,
          headers: Object.keys(addHeaders).join(","),
        });
        deps.onListen?.(addr);
      },
    }, proxy.handler);
    await listener.finished;
  } finally {
    await proxy.close();
    await chain?.close();
  }
}
