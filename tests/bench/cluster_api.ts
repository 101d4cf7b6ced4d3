/**
 * The cluster bench's own view of the API server: plain fetch with the admin certificate (no kubectl process per
 * look, so watching costs the 2-core machine little), GETs and watches whose events carry the host's clock.
 * @module
 */
import type { NodeCluster } from "../harness/mod.ts";

/** A watch event as the API server sends it, stamped with when it arrived here. */
export interface StampedEvent {
  /** ADDED, MODIFIED, DELETED, BOOKMARK or ERROR. */
  readonly type: string;
  /** The object. */
  // deno-lint-ignore no-explicit-any
  readonly object: any;
  /** `performance.now()` when the event's line was read. */
  readonly at: number;
}

/** GET and watch against the cluster as cluster-admin. */
export interface ClusterApi {
  /** The JSON at `path`, or undefined for 404. */
  // deno-lint-ignore no-explicit-any
  get(path: string): Promise<any>;
  /** Watches the collection at `path` (e.g. `/api/v1/namespaces/x/pods`) until `signal` aborts. */
  watch(path: string, onEvent: (e: StampedEvent) => void, signal: AbortSignal): Promise<void>;
  /** Closes the client's connections. */
  close(): void;
}

/** A {@linkcode ClusterApi} for `cluster`, with the admin certificate of its PKI folder. */
export async function clusterApi(cluster: NodeCluster): Promise<ClusterApi> {
  const pki = `${cluster.root}/pki`;
  const client = Deno.createHttpClient({
    caCerts: [await Deno.readTextFile(`${pki}/ca.crt`)],
    cert: await Deno.readTextFile(`${pki}/admin.crt`),
    key: await Deno.readTextFile(`${pki}/admin.key`),
  });
  return {
    async get(path) {
      const res = await fetch(`${cluster.server}${path}`, { client, signal: AbortSignal.timeout(10_000) });
      if (res.status === 404) {
        await res.body?.cancel();
        return undefined;
      }
      if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${(await res.text()).slice(0, 200)}`);
      return await res.json();
    },
    async watch(path, onEvent, signal) {
      const res = await fetch(`${cluster.server}${path}?watch=1&allowWatchBookmarks=false`, { client, signal });
      if (!res.ok || !res.body) throw new Error(`watch ${path}: ${res.status} ${await res.text()}`);
      let buffered = "";
      try {
        for await (const chunk of res.body.pipeThrough(new TextDecoderStream())) {
          buffered += chunk;
          let i: number;
          while ((i = buffered.indexOf("\n")) >= 0) {
            const line = buffered.slice(0, i);
            buffered = buffered.slice(i + 1);
            if (line.trim()) onEvent({ ...JSON.parse(line), at: performance.now() });
          }
        }
      } catch (e) {
        if (!signal.aborted) throw e;
      }
    },
    close: () => client.close(),
  };
}
