/**
 * A watch that keeps going: it resumes from the last resourceVersion it saw, starts over (a full replay of
 * current objects as ADDED events) when the server answers 410 Gone, and backs off on 429 and other errors.
 * A watch started without a resourceVersion replays the current objects first, so no separate list is
 * needed.
 * @module
 */
import { type KubeConfig, Watch } from "@kubernetes/client-node";
import type { Logger } from "../log.ts";

/** A watch event type. */
export type WatchEventType = "ADDED" | "MODIFIED" | "DELETED";

/** Options of {@linkcode watchForever}. */
export interface WatchForeverOptions {
  /** Collection path, e.g. `/apis/apps/v1/deployments` or `/api/v1/namespaces/ns/services`. */
  readonly path: string;
  /** Label selector to narrow the watch. */
  readonly labelSelector?: string;
  /** Called for every object event. */
  readonly onEvent: (type: WatchEventType, object: Record<string, unknown>) => void;
  /** Called each time the server accepts the watch. */
  readonly onEstablished?: () => void;
  /** Stops the watch. */
  readonly signal: AbortSignal;
  /** Where restarts and errors are logged. */
  readonly log: Logger;
  /** Seconds after which the server ends each watch request (it is resumed at once); default 300. */
  readonly timeoutSeconds?: number;
}

const MIN_BACKOFF_MS = 200;
const MAX_BACKOFF_MS = 10_000;

/** Runs the watch until `signal` aborts. */
export async function watchForever(config: KubeConfig, options: WatchForeverOptions): Promise<void> {
  const { signal, log } = options;
  let resourceVersion: string | undefined;
  let backoff = MIN_BACKOFF_MS;
  while (!signal.aborted) {
    const ended = Promise.withResolvers<{ error?: (Error & { statusCode?: number }) | undefined }>();
    let gone = false;
    let endedEarly = false;
    const query: Record<string, string | number | boolean> = {
      allowWatchBookmarks: true,
      timeoutSeconds: options.timeoutSeconds ?? 300,
      ...(options.labelSelector ? { labelSelector: options.labelSelector } : {}),
      ...(resourceVersion ? { resourceVersion } : {}),
    };
    let controller: AbortController | undefined;
    try {
      controller = await new Watch(config).watch(options.path, query, (type, object) => {
        const meta = (object as { metadata?: { resourceVersion?: string } }).metadata;
        if (type === "ERROR") {
          const code = (object as { code?: number }).code;
          if (code === 410) gone = true;
          return;
        }
        if (meta?.resourceVersion) resourceVersion = meta.resourceVersion;
        if (type === "BOOKMARK") return;
        options.onEvent(type as WatchEventType, object as Record<string, unknown>);
      }, (err) => {
        endedEarly = true;
        ended.resolve({ error: err ?? undefined });
      });
    } catch (e) {
      endedEarly = true;
      ended.resolve({ error: e as Error });
    }
    const onAbort = () => controller?.abort();
    // The signal may have aborted while watch() waited for the server's answer: a listener added now would
    // never fire, and the watch would run on until the server's timeout (minutes).
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
    // client-node calls the done callback before watch() returns when the request is refused, so a watch
    // that has not ended by now was accepted.
    if (!endedEarly) options.onEstablished?.();
    const { error } = await ended.promise;
    signal.removeEventListener("abort", onAbort);
    if (signal.aborted) return;
    const status = error?.statusCode;
    if (gone || status === 410) {
      log.debug("Watch expired, replaying", { path: options.path });
      resourceVersion = undefined;
      continue;
    }
    if (!error) {
      backoff = MIN_BACKOFF_MS; // a clean end (the server's timeout): resume at once
      continue;
    }
    // 429 is expected while a new resource's watch cache initializes; anything else is worth a warning.
    (status === 429 ? log.debug : log.warn)("Watch failed, retrying", {
      path: options.path,
      error: error.message,
      retryInMs: backoff,
    });
    await new Promise((r) => setTimeout(r, backoff));
    backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
  }
}
