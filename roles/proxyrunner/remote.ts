/**
 * A remote proxy's run (MCPRemoteProxy): no workload is created; lib/transport's HTTP proxy fronts the
 * RunConfig's `remote_url`, adding its forwarded headers to every upstream request. Secret header values come
 * from the environment snapshot (`TOOLHIVE_SECRET_<name>`, filled by secretKeyRef) and are never logged.
 * @module
 */
import type { RunConfig } from "../../lib/run_config.ts";

/** The env prefix under which secret header values are found (ToolHive's environment secrets provider). */
export const SECRET_ENV_PREFIX = "TOOLHIVE_SECRET_";

/**
 * The headers a remote proxy adds toward the remote: the plaintext ones and the secret ones read from `env`.
 * Throws (one line, naming the header and variable, never a value) when a secret header's variable is unset.
 */
export function forwardedHeaders(
  config: RunConfig,
  env: Readonly<Record<string, string | undefined>>,
): Record<string, string> {
  const forward = config.header_forward;
  const headers: Record<string, string> = { ...forward?.add_plaintext_headers };
  for (const [header, name] of Object.entries(forward?.add_headers_from_secret ?? {})) {
    const value = env[`${SECRET_ENV_PREFIX}${name}`];
    if (value === undefined) {
      throw new Error(
        `RunConfig ${config.name}: header ${header} needs env ${SECRET_ENV_PREFIX}${name}: ` +
          "give the proxy container that variable from its Secret",
      );
    }
    headers[header] = value;
  }
  return headers;
}

/** Host names clients in the cluster use for Service `mcp-<name>-remote-proxy`. */
export function remoteServiceHosts(name: string, namespace: string): string[] {
  const service = `mcp-${name}-remote-proxy`;
  return [
    service,
    `${service}.${namespace}`,
    `${service}.${namespace}.svc`,
    `${service}.${namespace}.svc.cluster.local`,
  ];
}
