/**
 * Where an informer gets its objects: a list (paged, raw JSON, the resourceVersion to watch from) and a watch
 * from that version, of one kind in one namespace or across all, optionally by label selector. The
 * informer's unit tests put their own {@linkcode ListWatch} in its place.
 * @module
 */
import http from "node:http";
import https from "node:https";
import { type KubeConfig, Watch } from "@kubernetes/client-node";
import type { RequestCounts } from "./client.ts";
import { collectionPath, type Kind, type KubeObject } from "./object.ts";

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
}

/** An HTTP error from the API server, carrying its status code. */
function httpError(status: number, body: string, what: string): Error & { statusCode: number } {
  let message = `HTTP ${status}`;
  try {
    message = `${JSON.parse(body).message ?? message} (HTTP ${status})`;
  } catch { /* not JSON */ }
  return Object.assign(new Error(`Cannot list ${what}: ${message}`), { statusCode: status });
}

/** GETs `url` with the credentials of `config`, as parsed JSON (no model classes: the cache keeps raw JSON). */
async function getJson(config: KubeConfig, url: URL, signal: AbortSignal): Promise<unknown> {
  const init = await config.applyToFetchOptions({}) as unknown as {
    agent?: http.Agent;
    headers: { forEach(f: (value: string, key: string) => void): void };
  };
  const headers: Record<string, string> = { accept: "application/json" };
  init.headers.forEach((value, key) => (headers[key] = value));
  const request = url.protocol === "https:" ? https.request : http.request;
  return await new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: "GET", headers, ...(init.agent ? { agent: init.agent } : {}), signal },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", reject);
        res.on("end", () => {
          const body = Buffer.concat(chunks).toString("utf8");
          if (res.statusCode !== 200) return reject(httpError(res.statusCode ?? 0, body, url.pathname));
          try {
            resolve(JSON.parse(body));
          } catch (e) {
            reject(new Error(`Cannot list ${url.pathname}: the answer is not JSON`, { cause: e }));
          }
        });
      },
    );
    req.on("error", reject);
    req.end();
  });
}

/** A {@linkcode ListWatch} of `kind` on the API server of `config`. */
export function apiListWatch(config: KubeConfig, kind: Kind, options: ApiListWatchOptions = {}): ListWatch {
  const path = collectionPath(kind, options.namespace);
  const selector = options.labelSelector ? { labelSelector: options.labelSelector } : {};
  return {
    description: options.labelSelector ? `${path}?labelSelector=${options.labelSelector}` : path,
    ...(options.namespace ? { namespace: options.namespace } : {}),
    async list(signal) {
      const server = config.getCurrentCluster()?.server;
      if (!server) throw new Error("No Kubernetes cluster configured: pass --kubeconfig or set KUBECONFIG");
      const items: KubeObject[] = [];
      let token: string | undefined;
      let resourceVersion = "";
      do {
        const url = new URL(server.replace(/\/$/, "") + path);
        url.searchParams.set("limit", String(options.pageSize ?? 500));
        if (options.labelSelector) url.searchParams.set("labelSelector", options.labelSelector);
        if (token) url.searchParams.set("continue", token);
        if (options.counts) options.counts.reads++;
        const page = await getJson(config, url, signal) as {
          items?: KubeObject[];
          metadata?: { resourceVersion?: string; continue?: string };
        };
        // A list answer leaves out each item's apiVersion and kind.
        for (const item of page.items ?? []) items.push({ apiVersion: kind.apiVersion, kind: kind.kind, ...item });
        resourceVersion = page.metadata?.resourceVersion ?? resourceVersion;
        token = page.metadata?.continue || undefined;
      } while (token);
      return { items, resourceVersion };
    },
    async watch(resourceVersion, handlers, signal) {
      const ended = Promise.withResolvers<WatchEnd>();
      let gone = false;
      let endedEarly = false;
      const query = {
        allowWatchBookmarks: true,
        timeoutSeconds: options.timeoutSeconds ?? 300,
        resourceVersion,
        ...selector,
      };
      let controller: AbortController | undefined;
      try {
        controller = await new Watch(config).watch(path, query, (type: string, object: KubeObject) => {
          if (type === "ERROR") {
            if ((object as { code?: number }).code === 410) gone = true;
            return;
          }
          handlers.onEvent({ type: type as WatchEvent["type"], object });
        }, (err: (Error & { statusCode?: number }) | null) => {
          endedEarly = true;
          ended.resolve(err ? { error: err } : {});
        });
      } catch (e) {
        endedEarly = true;
        ended.resolve({ error: e as Error });
      }
      const onAbort = () => controller?.abort();
      // The signal may have aborted while watch() waited for the server's answer: a listener added now would
      // never fire, and the watch would run on until the server's timeout.
      if (signal.aborted) onAbort();
      else signal.addEventListener("abort", onAbort, { once: true });
      // client-node calls the done callback before watch() returns when the request is refused, so a watch
      // that has not ended by now was accepted.
      if (!endedEarly) handlers.onEstablished?.();
      const end = await ended.promise;
      signal.removeEventListener("abort", onAbort);
      if (gone || end.error?.statusCode === 410) return { gone: true };
      return end;
    },
  };
}
