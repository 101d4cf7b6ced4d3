/**
 * A stdio MCP server in a StatefulSet's pod, as a {@linkcode StdioConnector}: each connection waits for the
 * set's one pod (`<name>-0`) to be Ready and not terminating, and attaches to its container. The connection
 * ends when the stream does (the pod restarted, was deleted, or the socket dropped), so the stdio backend's
 * reconnect loop attaches again, to the replacement. Without a Ready pod for `noPodTimeoutMs` every connect
 * fails with a {@linkcode NoPodError} and {@linkcode KubernetesStdioConnector.gaveUp} resolves: the proxy
 * runner exits non-zero on it, and Kubernetes restarts the runner.
 * @module
 */
import { backoff, delay } from "../async/mod.ts";
import type { Logger } from "../log.ts";
import type { StdioConnection, StdioConnector } from "../transport/mod.ts";
import { attach } from "./attach.ts";
import type { ClusterConfig } from "./config.ts";
import { ApiError, requestJson } from "./rest.ts";

/** Where the server runs and how long to wait for it. */
export interface KubernetesStdioOptions {
  /** Credentials and HTTP client of the role. */
  readonly config: ClusterConfig;
  /** Namespace of the StatefulSet. */
  readonly namespace: string;
  /** StatefulSet name; its pod `<name>-0` is attached. */
  readonly statefulSet: string;
  /** Container to attach to (default `mcp`). */
  readonly container?: string;
  /** How long there may be no Ready pod before giving up (default {@linkcode DEFAULT_NO_POD_TIMEOUT_MS}). */
  readonly noPodTimeoutMs?: number;
  /** Stops waiting for a pod and detaches (shutdown). */
  readonly signal?: AbortSignal;
  /** Logger for waits and attaches. */
  readonly log?: Logger;
}

/** A {@linkcode StdioConnector} that can give up. */
export interface KubernetesStdioConnector extends StdioConnector {
  /** Resolves with the {@linkcode NoPodError} once no Ready pod was found in time; never rejects. */
  readonly gaveUp: Promise<NoPodError>;
}

/** No Ready pod of the StatefulSet for the allowed time. */
export class NoPodError extends Error {
  override name = "NoPodError";
}

/** Default longest time without a Ready pod: 5 minutes. */
export const DEFAULT_NO_POD_TIMEOUT_MS = 5 * 60_000;

// deno-lint-ignore no-explicit-any
type Pod = any;

/** Whether `pod` is Ready and not being deleted (a terminating pod's stream is about to end). */
export function isAttachable(pod: Pod): boolean {
  if (pod?.metadata?.deletionTimestamp) return false;
  if (pod?.status?.phase !== "Running") return false;
  return (pod?.status?.conditions ?? []).some((c: Pod) => c?.type === "Ready" && c?.status === "True");
}

/** Connects to the container `container` (default `mcp`) of StatefulSet `statefulSet`'s pod. */
export function kubernetesStdioConnector(options: KubernetesStdioOptions): KubernetesStdioConnector {
  const { config, namespace, statefulSet, signal, log } = options;
  const container = options.container ?? "mcp";
  const timeoutMs = options.noPodTimeoutMs ?? DEFAULT_NO_POD_TIMEOUT_MS;
  const podName = `${statefulSet}-0`;
  const path = `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(podName)}`;
  const describe = `pod ${namespace}/${podName} container ${container}`;
  let missingSince: number | undefined;
  let failed: NoPodError | undefined;
  let resolveGaveUp!: (e: NoPodError) => void;
  const gaveUp = new Promise<NoPodError>((resolve) => resolveGaveUp = resolve);

  /** The pod once it is attachable; throws a NoPodError past the deadline. */
  async function readyPod(): Promise<Pod> {
    missingSince ??= Date.now();
    const retry = backoff({ min: 200, max: 2000, jitter: 0.2 });
    let last = "it does not exist";
    while (true) {
      signal?.throwIfAborted();
      try {
        const pod = await requestJson<Pod>(config, { path, ...(signal ? { signal } : {}) });
        if (isAttachable(pod)) return pod;
        last = pod?.metadata?.deletionTimestamp ? "it is terminating" : `it is not Ready (${pod?.status?.phase})`;
      } catch (e) {
        if (signal?.aborted) throw e;
        if (!(e instanceof ApiError && e.code === 404)) last = `it cannot be read: ${(e as Error).message}`;
        else last = "it does not exist";
      }
      const left = missingSince + timeoutMs - Date.now();
      if (left <= 0) {
        failed = new NoPodError(
          `No Ready pod ${namespace}/${podName} of StatefulSet ${statefulSet} for ${timeoutMs} ms (${last}): ` +
            `check the StatefulSet's events; exiting so Kubernetes restarts the proxy`,
        );
        resolveGaveUp(failed);
        throw failed;
      }
      await delay(Math.min(retry.next(), left), signal ? { signal } : {});
    }
  }

  return {
    describe,
    gaveUp,
    async connect(): Promise<StdioConnection> {
      if (failed) throw failed;
      const pod = await readyPod();
      const session = await attach(config, { namespace, pod: podName, container, ...(signal ? { signal } : {}) });
      missingSince = undefined;
      log?.info("Attached to the MCP server's pod", {
        namespace,
        pod: podName,
        uid: pod?.metadata?.uid,
        container,
        protocol: session.protocol,
      });
      return {
        stdout: session.stdout,
        stderr: session.stderr,
        stdin: session.stdin,
        ended: session.ended.then((reason) => `${describe}: ${reason}`),
        stop: () => session.close(),
      };
    },
  };
}
