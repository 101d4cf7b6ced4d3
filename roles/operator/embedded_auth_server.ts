/**
 * RunConfig `embedded_auth_server_config` of an MCPServer whose MCPExternalAuthConfig is an embedded OAuth
 * authorization server (toolhive-crds.md §6): ToolHive's preconditions and messages, and the proxy wiring.
 * Secrets travel only as file paths (Secret volumes) and env var names (secretKeyRef), never as values. Pure.
 * @module
 */
import type { V1EnvVar, V1Volume } from "@kubernetes/client-node";
import type { EmbeddedAuthServerConfig } from "../../crds/mod.ts";
import type { ProxyPodAdditions, RefWorkload } from "./server_refs.ts";

const ROOT = "/etc/toolhive/authserver";

/** The env suffix of an upstream: its name upper-cased, `-` as `_`. */
function suffix(name: string): string {
  return name.toUpperCase().replaceAll("-", "_");
}

const fromSecret = (name: string, ref: { name: string; key: string }): V1EnvVar => ({
  name,
  valueFrom: { secretKeyRef: { name: ref.name, key: ref.key } },
});

/** What the embedded server contributes, or why it cannot be built. */
export type EmbeddedBuild =
  | { readonly ok: true; readonly config: Record<string, unknown>; readonly proxyPod: ProxyPodAdditions }
  | { readonly ok: false; readonly multiUpstream?: true; readonly message: string };

/** Builds the embedded server's RunConfig and proxy wiring for `server`. */
export function embeddedAuthServerRunConfig(server: RefWorkload, as: EmbeddedAuthServerConfig): EmbeddedBuild {
  const oidc = server.spec.oidcConfigRef;
  if (!oidc) {
    return {
      ok: false,
      message: `OIDC config is required for embedded auth server: OIDCConfigRef must be set on the ${server.kind}`,
    };
  }
  const resourceUrl = oidc.resourceUrl;
  if (!resourceUrl) {
    return {
      ok: false,
      message: "OIDC config resourceUrl is required for embedded auth server: set resourceUrl in OIDCConfigRef",
    };
  }
  if (oidc.audience !== resourceUrl) {
    return {
      ok: false,
      message: `oidcConfigRef.audience "${oidc.audience}" must match resourceUrl "${resourceUrl}" when an ` +
        `embedded auth server is active; set audience to "${resourceUrl}"`,
    };
  }
  const upstreams = as.upstreamProviders;
  if (upstreams.length > 1) {
    return {
      ok: false,
      multiUpstream: true,
      message: `${server.kind} supports only one upstream provider (found ${upstreams.length}); ` +
        "use VirtualMCPServer for multi-upstream",
    };
  }
  const env: V1EnvVar[] = [];
  const volumes: V1Volume[] = [];
  const volumeMounts: { name: string; mountPath: string; readOnly: boolean }[] = [];
  const callback = `${resourceUrl.replace(/\/$/, "")}/oauth/callback`;
  const upstreamConfigs = upstreams.map((u) => {
    if (u.oidcConfig) {
      const o = u.oidcConfig;
      const secretEnv = `TOOLHIVE_UPSTREAM_CLIENT_SECRET_${suffix(u.name)}`;
      if (o.clientSecretRef) env.push(fromSecret(secretEnv, o.clientSecretRef));
      return {
        name: u.name,
        type: "oidc",
        oidc_config: {
          issuer_url: o.issuerUrl,
          client_id: o.clientId,
          ...(o.clientSecretRef ? { client_secret_env_var: secretEnv } : {}),
          redirect_uri: o.redirectUri || callback,
          scopes: o.scopes ?? ["openid", "offline_access"],
          ...(o.subjectClaim ? { subject_claim: o.subjectClaim } : {}),
        },
      };
    }
    const o = u.oauth2Config!;
    const secretEnv = `TOOLHIVE_UPSTREAM_CLIENT_SECRET_${suffix(u.name)}`;
    const tokenEnv = `TOOLHIVE_UPSTREAM_DCR_INITIAL_ACCESS_TOKEN_${suffix(u.name)}`;
    if (o.clientSecretRef) env.push(fromSecret(secretEnv, o.clientSecretRef));
    if (o.dcrConfig?.initialAccessTokenRef) env.push(fromSecret(tokenEnv, o.dcrConfig.initialAccessTokenRef));
    return {
      name: u.name,
      type: "oauth2",
      oauth2_config: {
        authorization_endpoint: o.authorizationEndpoint,
        token_endpoint: o.tokenEndpoint,
        ...(o.clientId ? { client_id: o.clientId } : {}),
        ...(o.clientSecretRef ? { client_secret_env_var: secretEnv } : {}),
        redirect_uri: o.redirectUri || callback,
        ...(o.scopes ? { scopes: o.scopes } : {}),
        ...(o.dcrConfig
          ? {
            dcr_config: {
              ...(o.dcrConfig.discoveryUrl ? { discovery_url: o.dcrConfig.discoveryUrl } : {}),
              ...(o.dcrConfig.registrationEndpoint ? { registration_endpoint: o.dcrConfig.registrationEndpoint } : {}),
              ...(o.dcrConfig.initialAccessTokenRef ? { initial_access_token_env_var: tokenEnv } : {}),
            },
          }
          : {}),
      },
    };
  });
  const keyFiles = (as.signingKeySecretRefs ?? []).map((_, i) => `key-${i}.pem`);
  if (keyFiles.length) {
    volumes.push({
      name: "authserver-signing-keys",
      projected: {
        sources: as.signingKeySecretRefs!.map((r, i) => ({
          secret: { name: r.name, items: [{ key: r.key, path: keyFiles[i]! }] },
        })),
      },
    });
    volumeMounts.push({ name: "authserver-signing-keys", mountPath: `${ROOT}/keys`, readOnly: true });
  }
  const hmacFiles = (as.hmacSecretRefs ?? []).map((_, i) => `${ROOT}/hmac/hmac-${i}`);
  if (hmacFiles.length) {
    volumes.push({
      name: "authserver-hmac-secrets",
      projected: {
        sources: as.hmacSecretRefs!.map((r, i) => ({
          secret: { name: r.name, items: [{ key: r.key, path: `hmac-${i}` }] },
        })),
      },
    });
    volumeMounts.push({ name: "authserver-hmac-secrets", mountPath: `${ROOT}/hmac`, readOnly: true });
  }
  const redis = as.storage?.redis;
  if (redis?.aclUserConfig.usernameSecretRef) {
    env.push(fromSecret("TOOLHIVE_AUTH_SERVER_REDIS_USERNAME", redis.aclUserConfig.usernameSecretRef));
  }
  if (redis) env.push(fromSecret("TOOLHIVE_AUTH_SERVER_REDIS_PASSWORD", redis.aclUserConfig.passwordSecretRef));
  const delegates = (as.delegateClients ?? []).map((d, i) => {
    const name = `TOOLHIVE_DELEGATE_CLIENT_SECRET_${i}`;
    env.push(fromSecret(name, d.clientSecretRef));
    return { client_id: d.clientId, client_secret_env_var: name, scopes: d.scopes, audiences: d.audiences };
  });
  const lifespans = as.tokenLifespans;
  const config: Record<string, unknown> = {
    schema_version: "v0.1.0",
    issuer: as.issuer,
    ...(as.authorizationEndpointBaseUrl ? { authorization_endpoint_base_url: as.authorizationEndpointBaseUrl } : {}),
    ...(keyFiles.length
      ? {
        signing_key_config: {
          key_dir: `${ROOT}/keys`,
          signing_key_file: keyFiles[0],
          ...(keyFiles.length > 1 ? { fallback_key_files: keyFiles.slice(1) } : {}),
        },
      }
      : {}),
    ...(hmacFiles.length ? { hmac_secret_files: hmacFiles } : {}),
    ...(lifespans
      ? {
        token_lifespans: {
          ...(lifespans.accessTokenLifespan ? { access_token_lifespan: lifespans.accessTokenLifespan } : {}),
          ...(lifespans.refreshTokenLifespan ? { refresh_token_lifespan: lifespans.refreshTokenLifespan } : {}),
          ...(lifespans.authCodeLifespan ? { auth_code_lifespan: lifespans.authCodeLifespan } : {}),
        },
      }
      : {}),
    upstreams: upstreamConfigs,
    scopes_supported: oidc.scopes ?? ["openid"],
    ...(as.baselineClientScopes ? { baseline_client_scopes: as.baselineClientScopes } : {}),
    allowed_audiences: [resourceUrl],
    storage: {
      type: as.storage?.type ?? "memory",
      ...(redis
        ? {
          redis: {
            ...(redis.addr ? { addr: redis.addr } : {}),
            ...(redis.clusterMode ? { cluster_mode: true } : {}),
            ...(redis.aclUserConfig.usernameSecretRef
              ? { username_env_var: "TOOLHIVE_AUTH_SERVER_REDIS_USERNAME" }
              : {}),
            password_env_var: "TOOLHIVE_AUTH_SERVER_REDIS_PASSWORD",
            dial_timeout: redis.dialTimeout,
            read_timeout: redis.readTimeout,
            write_timeout: redis.writeTimeout,
          },
        }
        : {}),
    },
    disable_upstream_token_injection: as.disableUpstreamTokenInjection,
    ...(as.cimd?.enabled
      ? {
        cimd: {
          enabled: true,
          ...(as.cimd.cacheMaxSize ? { cache_max_size: as.cimd.cacheMaxSize } : {}),
          ...(as.cimd.cacheFallbackTtl ? { cache_fallback_ttl: as.cimd.cacheFallbackTtl } : {}),
        },
      }
      : {}),
    insecure_allow_http: as.insecureAllowHTTP,
    allow_confidential_client_registration: as.allowConfidentialClientRegistration,
    ...(as.forceConfidentialRedirectUris ? { force_confidential_redirect_uris: as.forceConfidentialRedirectUris } : {}),
    insecure_allow_confidential_over_loopback_http: as.insecureAllowConfidentialOverLoopbackHTTP,
    ...(delegates.length ? { delegate_clients: delegates } : {}),
  };
  return { ok: true, config, proxyPod: { env, volumes, volumeMounts } };
}
