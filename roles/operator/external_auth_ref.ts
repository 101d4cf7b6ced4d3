/**
 * How an MCPServer consumes `spec.externalAuthConfigRef` and `spec.authServerRef` (toolhive-crds.md §6, §0.8):
 * ExternalAuthConfigValidated / AuthServerRefValidated with ToolHive's reasons, the copied hashes, and the
 * RunConfig keys of the §6 table (`token_exchange_config`, `remote_auth_config`, `embedded_auth_server_config`).
 * Secrets only by reference: the RunConfig names an env var or a file, and the proxy container gets the value
 * from a secretKeyRef or a Secret volume (`TOOLHIVE_SECRET_<name>`, `name` env-safe). The proxy's outgoing-auth
 * stage (lib/outgoing) enforces tokenExchange, bearerToken and headerInjection (as `header_forward`, which
 * ToolHive honours only in a VirtualMCPServer); unenforced.ts refuses the other types.
 * @module
 */
import type { McpExternalAuthConfigSpec } from "../../crds/mod.ts";
import { embeddedAuthServerRunConfig } from "./embedded_auth_server.ts";
import type { Lookup, RefContribution, RefWorkload, ServerRefHandler } from "./server_refs.ts";
import type { InformerCache } from "../../lib/k8s/mod.ts";
import { EXTERNAL_AUTH_CONFIG_KIND, lookupConfig } from "./shared_config/mod.ts";

const EXTERNAL = "ExternalAuthConfigValidated";
const AUTH_SERVER = "AuthServerRefValidated";

/** The env prefix under which the proxy finds a secret by name (ToolHive's environment secrets provider). */
export const SECRET_ENV_PREFIX = "TOOLHIVE_SECRET_";

/** `text` as part of an env var name: upper case, anything but letters and digits as `_`. */
function envSafe(text: string): string {
  return text.toUpperCase().replace(/[^A-Z0-9]/g, "_");
}

/** The env var the token-exchange client secret comes from. */
export const TOKEN_EXCHANGE_SECRET_ENV = "TOOLHIVE_TOKEN_EXCHANGE_CLIENT_SECRET";

const TOKEN_TYPES: Record<string, string> = {
  access_token: "urn:ietf:params:oauth:token-type:access_token",
  id_token: "urn:ietf:params:oauth:token-type:id_token",
  jwt: "urn:ietf:params:oauth:token-type:jwt",
};

function stop(type: string, reason: string, message: string, failureMessage = message): RefContribution {
  return {
    condition: { type, status: "False", reason, message },
    failure: { reason, message: failureMessage },
  };
}

/** A reference whose object is missing or invalid: listed in `ServerRefs.unresolved`, so it is not refused. */
function unresolved(type: string, reason: string, message: string, failureMessage = message): RefContribution {
  return { ...stop(type, reason, message, failureMessage), unresolved: true };
}

/**
 * What one valid MCPExternalAuthConfig of type other than embeddedAuthServer contributes; pure. `remote`: the
 * workload fronts a remote URL (an MCPRemoteProxy).
 */
export function externalAuthContribution(spec: McpExternalAuthConfigSpec, remote = false): RefContribution {
  switch (spec.type) {
    case "tokenExchange": {
      const te = spec.tokenExchange!;
      const secret = te.clientSecretRef;
      return {
        runConfig: {
          token_exchange_config: {
            token_url: te.tokenUrl,
            ...(te.clientId ? { client_id: te.clientId } : {}),
            client_secret: "",
            ...(secret ? { client_secret_env: TOKEN_EXCHANGE_SECRET_ENV } : {}),
            audience: te.audience,
            ...(te.scopes ? { scopes: [...te.scopes] } : {}),
            ...(te.subjectTokenType
              ? { subject_token_type: TOKEN_TYPES[te.subjectTokenType] ?? te.subjectTokenType }
              : {}),
            header_strategy: te.externalTokenHeaderName ? "custom" : "replace",
            ...(te.externalTokenHeaderName ? { external_token_header_name: te.externalTokenHeaderName } : {}),
          },
        },
        ...(secret
          ? {
            proxyPod: {
              env: [{
                name: TOKEN_EXCHANGE_SECRET_ENV,
                valueFrom: { secretKeyRef: { name: secret.name, key: secret.key } },
              }],
            },
          }
          : {}),
      };
    }
    case "bearerToken": {
      // The secret's name goes by an env-safe form: a Secret name may hold '-' and '.'.
      const ref = spec.bearerToken!.tokenSecretRef;
      const name = envSafe(ref.name);
      return {
        runConfig: { remote_auth_config: { bearer_token: `${name},target=bearer_token` } },
        proxyPod: {
          env: [{ name: `${SECRET_ENV_PREFIX}${name}`, valueFrom: { secretKeyRef: { name: ref.name, key: ref.key } } }],
        },
      };
    }
    case "headerInjection": {
      const { headerName, valueSecretRef: ref } = spec.headerInjection!;
      const name = `HEADER_INJECTION_${envSafe(headerName)}`;
      return {
        runConfig: { header_forward: { add_headers_from_secret: { [headerName]: name } } },
        proxyPod: {
          env: [{ name: `${SECRET_ENV_PREFIX}${name}`, valueFrom: { secretKeyRef: { name: ref.name, key: ref.key } } }],
        },
      };
    }
    case "awsSts": {
      // A remote proxy has the remote URL AWS STS signs for; unenforced.ts refuses the type, naming it.
      if (remote) return {};
      const message = "Failed to build configuration: AWS STS middleware requires a remote URL: " +
        "an MCPServer runs an image, not a remote server; use MCPRemoteProxy";
      return stop(EXTERNAL, "InvalidConfig", message);
    }
    // upstreamInject, obo and xaa are refused by unenforced.ts; unauthenticated adds nothing.
    default:
      return {};
  }
}

/** The embedded server of `spec` for `server`, under condition `type` with its reasons. */
function embedded(
  server: RefWorkload,
  spec: McpExternalAuthConfigSpec,
  type: string,
  invalidReason: string,
): RefContribution {
  const build = embeddedAuthServerRunConfig(server, spec.embeddedAuthServer!);
  if (!build.ok) {
    if (build.multiUpstream) return stop(type, "MultiUpstreamNotSupported", build.message);
    return stop(type, invalidReason, `Failed to build configuration: ${build.message}`);
  }
  return { runConfig: { embedded_auth_server_config: build.config }, proxyPod: build.proxyPod };
}

function lookupExternal(lookup: Lookup, name: string) {
  return lookup<McpExternalAuthConfigSpec>(EXTERNAL_AUTH_CONFIG_KIND, name);
}

/** The type of the MCPExternalAuthConfig `server` references, when it resolves valid (for unenforced.ts). */
export function referencedExternalAuthType(cache: InformerCache, server: RefWorkload): string | undefined {
  const ref = server.spec.externalAuthConfigRef;
  if (!ref) return undefined;
  const found = lookupConfig<McpExternalAuthConfigSpec>(
    cache,
    EXTERNAL_AUTH_CONFIG_KIND,
    server.metadata.namespace,
    ref.name,
  );
  return found.state === "valid" ? found.spec.type : undefined;
}

/** `spec.externalAuthConfigRef` → ExternalAuthConfigValidated, `externalAuthConfigHash`, its RunConfig keys. */
export const EXTERNAL_AUTH_CONFIG_REF: ServerRefHandler = {
  conditionType: EXTERNAL,
  resolve(server, lookup) {
    const ref = server.spec.externalAuthConfigRef;
    if (!ref) return { hashes: { externalAuthConfigHash: undefined } };
    const ns = server.metadata.namespace;
    const found = lookupExternal(lookup, ref.name);
    if (found.state === "missing") {
      return unresolved(
        EXTERNAL,
        "ExternalAuthConfigNotFound",
        `MCPExternalAuthConfig '${ref.name}' not found in namespace '${ns}'`,
      );
    }
    if (found.state === "invalid") {
      const reason = found.reason ?? "InvalidExternalAuthConfig";
      return unresolved(
        EXTERNAL,
        reason,
        found.message,
        `MCPExternalAuthConfig ${ns}/${ref.name}: invalid (${reason}): ${found.message}`,
      );
    }
    const contribution = found.spec.type === "embeddedAuthServer"
      ? embedded(server, found.spec, EXTERNAL, "InvalidConfig")
      : externalAuthContribution(found.spec, server.spec.remoteUrl !== undefined);
    return {
      condition: {
        type: EXTERNAL,
        status: "True",
        reason: "ExternalAuthConfigValid",
        message: `MCPExternalAuthConfig '${ref.name}' is valid`,
      },
      ...contribution,
      hashes: { externalAuthConfigHash: found.hash },
    };
  },
};

/** `spec.authServerRef` → AuthServerRefValidated, `authServerConfigHash`, `embedded_auth_server_config`. */
export const AUTH_SERVER_REF: ServerRefHandler = {
  conditionType: AUTH_SERVER,
  resolve(server, lookup) {
    const ref = server.spec.authServerRef;
    if (!ref) return { hashes: { authServerConfigHash: undefined } };
    const ns = server.metadata.namespace;
    if (ref.kind !== "MCPExternalAuthConfig") {
      return unresolved(
        AUTH_SERVER,
        "AuthServerRefInvalidKind",
        `unsupported authServerRef kind "${ref.kind}": only MCPExternalAuthConfig is supported`,
      );
    }
    const found = lookupExternal(lookup, ref.name);
    if (found.state === "missing") {
      return unresolved(
        AUTH_SERVER,
        "AuthServerRefNotFound",
        `MCPExternalAuthConfig '${ref.name}' not found in namespace '${ns}'`,
      );
    }
    if (found.state === "invalid") {
      return unresolved(
        AUTH_SERVER,
        "AuthServerRefInvalidConfig",
        `MCPExternalAuthConfig '${ref.name}' is not valid: ${found.message}`,
      );
    }
    if (found.spec.type !== "embeddedAuthServer") {
      return unresolved(
        AUTH_SERVER,
        "AuthServerRefInvalidType",
        `authServerRef '${ref.name}' has type "${found.spec.type}", but only embeddedAuthServer is supported`,
      );
    }
    return {
      condition: {
        type: AUTH_SERVER,
        status: "True",
        reason: "AuthServerRefValid",
        message: `AuthServerRef '${ref.name}' is valid`,
      },
      ...embedded(server, found.spec, AUTH_SERVER, "AuthServerRefInvalidConfig"),
      hashes: { authServerConfigHash: found.hash },
    };
  },
};
