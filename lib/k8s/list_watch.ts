/**
 * Where an informer gets its objects: a list (paged, raw JSON, the resourceVersion to watch from) and a watch
 * from that version, of one kind in one namespace or across all, optionally by label selector. The
 * informer's unit tests put their own {@linkcode ListWatch} in its place.
 * @module
 */
import type { RequestCounts } from "./client.ts";
import type { ClusterConfig } from "./config.ts";
import { collectionPath, type Kind, type KubeObject } from "./object.ts";
import { ApiError, requestJson, streamLines } from "./rest.ts";

/** One list: the objects and the version of the collection they were read at. */
export interface ListResult {
  /** The objects. */
  readonly items: KubeObject[];
  /** The collection's resourceVersion, where a watch resumes. */
  readonly resourceVersion: string;
}

/** One watch event. */
export interface WatchEvent {
  /** Event type; BOOKMARK only moves the resourceVersion on. */
  readonly type: "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK";
  /** The object (for a BOOKMARK only its metadata.resourceVersion). */
  readonly object: KubeObject;
}

/** How a watch ended: cleanly (the server's timeout), with 410 Gone (relist), or with an error. */
export interface WatchEnd {
  /** The server no longer has the version watched from: list again. */
  readonly gone?: boolean;
  /** Why the watch failed, with the HTTP status when there was one. */
  readonly error?: Error & { statusCode?: number };
}

/** A list-and-watch source of one kind. */
export interface ListWatch {
  /** What is listed, for logs: e.g. `/apis/apps/v1/namespaces/a/deployments`. */
  readonly description: string;
  /** The one namespace listed; absent when the whole cluster is. */
  readonly namespace?: string;
  /** Lists every object. */
  list(signal: AbortSignal): Promise<ListResult>;
  /** Watches from `resourceVersion` until the watch ends or `signal` aborts; `onEstablished` once accepted. */
  watch(
    resourceVersion: string,
    handlers: { readonly onEvent: (event: WatchEvent) => void; readonly onEstablished?: () => void },
    signal: AbortSignal,
  ): Promise<WatchEnd>;
}

/** Options of {@linkcode apiListWatch}. */
export interface ApiListWatchOptions {
  /** One namespace; absent: the whole cluster. */
  readonly namespace?: string;
  /** Label selector, e.g. `toolhive=true`. */
  readonly labelSelector?: string;
  /** Where list requests are counted (as reads); watches are not requests in this sense. */
  readonly counts?: RequestCounts;
  /** Objects per list page (default 500). */
  readonly pageSize?: number;
  /** Seconds after which the server ends a watch, to be resumed (default 300). */
  readonly timeoutSeconds?: number;
  /** List and watch metadata only (for kinds whose cache keeps nothing else). */
  readonly metadataOnly?: boolean;
}

/** A {@linkcode ListWatch} of `kind` on the API server of `config`. */
export function apiListWatch(config: ClusterConfig, kind: Kind, options: ApiListWatchOptions = {}): ListWatch {
  const path = collectionPath(kind, options.namespace);
  return {
    description: options.labelSelector ? `${path}?labelSelector=${options.labelSelector}` : path,
    ...(options.namespace ? { namespace: options.namespace } : {}),
    async list(signal) {
      const items: KubeObject[] = [];
      let token: string | undefined;
      let resourceVersion = "";
      do {
        if (options.counts) options.counts.reads++;
        const page = await requestJson<{
          items?: KubeObject[];
          metadata?: { resourceVersion?: string; continue?: string };
        }>(config, {
          path,
          query: { limit: options.pageSize ?? 500, labelSelector: options.labelSelector, continue: token },
          signal,
          ...(options.metadataOnly ? { metadataOnly: "list" as const } : {}),
        });
        // A list answer leaves out each item's apiVersion and kind (a metadata-only one names its own).
        for (const item of page.items ?? []) items.push({ ...item, apiVersion: kind.apiVersion, kind: kind.kind });
        resourceVersion = page.metadata?.resourceVersion ?? resourceVersion;
        token = page.metadata?.continue || undefined;
      } while (token);
      return { items, resourceVersion };
    },
    async watch(resourceVersion, handlers, signal) {
      let gone = false;
      try {
        await streamLines(config, {
          path,
          query: {
            watch: true,
            allowWatchBookmarks: true,
            timeoutSeconds: options.timeoutSeconds ?? 300,
            resourceVersion,
            labelSelector: options.labelSelector,
          },
          signal,
          ...(options.metadataOnly ? { metadataOnly: "object" as const } : {}),
        }, {
          ...(handlers.onEstablished ? { onOpen: handlers.onEstablished } : {}),
          onLine: (line) => {
            const { type, object } = line as { type: string; object: KubeObject & { code?: number } };
            if (type === "ERROR") {
              if (object.code === 410) gone = true;
              return;
            }
            // A metadata-only answer names its own kind (PartialObjectMetadata): put the real one back.
            handlers.onEvent({
              type: type as WatchEvent["type"],
              object: options.metadataOnly ? { ...object, apiVersion: kind.apiVersion, kind: kind.kind } : object,
            });
          },
        });
      } catch (e) {
        if (signal.aborted) return {};
        if (e instanceof ApiError && e.code === 410) return { gone: true };
        return { error: Object.assign(e as Error, e instanceof ApiError ? { statusCode: e.code } : {}) };
      }
      return gone ? { gone: true } : {};
    },
  };
}
