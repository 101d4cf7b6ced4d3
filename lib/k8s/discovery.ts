/**
 * Which resource serves a kind: its plural and whether it is namespaced, asked once per group version of
 * the API server (what `kubectl` calls discovery) and remembered.
 * @module
 */
import type { ClusterConfig } from "./config.ts";
import { requestJson } from "./rest.ts";

/** How a kind is served. */
export interface ResourceInfo {
  /** Resource plural, e.g. `deployments`. */
  readonly plural: string;
  /** Whether its objects live in namespaces. */
  readonly namespaced: boolean;
}

/** The base path of a group version: `/api/v1` or `/apis/apps/v1`. */
export function groupVersionPath(apiVersion: string): string {
  return apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
}

/** Remembers, per group version, the resources the server serves. */
export class Discovery {
  readonly #config: ClusterConfig;
  readonly #groups = new Map<string, Promise<Map<string, ResourceInfo>>>();

  /** Discovery over `config`. */
  constructor(config: ClusterConfig) {
    this.#config = config;
  }

  /** The resource serving `kind` in `apiVersion`; a TypeError when the server does not serve it. */
  async resource(apiVersion: string, kind: string): Promise<ResourceInfo> {
    let group = this.#groups.get(apiVersion);
    if (!group) {
      group = this.#load(apiVersion);
      this.#groups.set(apiVersion, group);
      group.catch(() => this.#groups.delete(apiVersion)); // ask again next time
    }
    const info = (await group).get(kind);
    if (!info) throw new TypeError(`The API server does not serve ${kind} in ${apiVersion}: is its CRD installed?`);
    return info;
  }

  async #load(apiVersion: string): Promise<Map<string, ResourceInfo>> {
    const list = await requestJson<{ resources?: Array<{ name: string; kind: string; namespaced: boolean }> }>(
      this.#config,
      { path: groupVersionPath(apiVersion) },
    );
    const out = new Map<string, ResourceInfo>();
    for (const r of list.resources ?? []) {
      if (!r.name.includes("/")) out.set(r.kind, { plural: r.name, namespaced: r.namespaced });
    }
    return out;
  }
}
