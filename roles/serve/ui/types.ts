/**
 * The API's shapes the UI reads (ToolHive's field names), as thv serve documents them at /api/openapi.json.
 * @module
 */

/** A workload as `GET /api/v1beta/workloads` lists it. */
export interface Workload {
  readonly name: string;
  readonly package: string;
  readonly url: string;
  readonly port: number;
  readonly status: string;
  readonly status_context: string;
  readonly transport_type: string;
  readonly proxy_mode: string;
  readonly group: string;
  readonly runtime: string;
}

/** An environment variable a registry server reads. */
export interface RegistryEnvVar {
  readonly name: string;
  readonly description: string;
  readonly required: boolean;
  readonly secret: boolean;
  readonly default?: string;
}

/** A server of the registry. */
export interface RegistryServer {
  readonly name: string;
  readonly short_name: string;
  readonly title?: string;
  readonly description: string;
  readonly transport: string;
  readonly package: string;
  readonly tags: readonly string[];
  readonly tools: readonly string[];
  readonly env_vars: readonly RegistryEnvVar[];
}

/** `POST /api/v1beta/workloads`, the fields the UI sends. */
export interface CreateWorkload {
  readonly name: string;
  readonly image: string;
  readonly env_vars: Record<string, string>;
  readonly secrets: { name: string; target: string }[];
  readonly permission_profile?: { name: string };
  readonly group: string;
}
