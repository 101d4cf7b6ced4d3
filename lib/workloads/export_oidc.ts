/**
 * The authentication part of `thv export --format k8s`: a workload's `oidc_config` as an inline MCPOIDCConfig
 * and the MCPServer's `oidcConfigRef`, so that the server is not exported without the authentication it has
 * locally. Local file paths (a CA bundle, a JWKS token file) mean nothing in a cluster: they refuse the export.
 * The client secret becomes a reference to key `oidc-client-secret` of the Secret `<name>-secrets`. Pure.
 * @module
 */
import type { RunConfig } from "../run_config.ts";

/** The MCPOIDCConfig of `config` and the `oidcConfigRef` naming it; undefined without authentication. */
export function oidcManifests(
  config: RunConfig,
): { object: Record<string, unknown>; ref: Record<string, unknown> } | undefined {
  const o = config.oidc_config;
  if (!o?.Issuer) return undefined;
  const path = config.thv_ca_bundle || o.CACertPath || config.jwks_auth_token_file || o.AuthTokenFile;
  if (path) {
    throw new RangeError(
      `Workload ${config.name} authenticates with the local file ${path} (CA bundle or JWKS token): export it ` +
        "without, then give the MCPOIDCConfig a caBundleRef, or use type kubernetesServiceAccount",
    );
  }
  const name = `${config.name}-oidc`;
  return {
    object: {
      apiVersion: "toolhive.stacklok.dev/v1beta1",
      kind: "MCPOIDCConfig",
      metadata: { name },
      spec: {
        type: "inline",
        inline: {
          issuer: o.Issuer,
          ...(o.JWKSURL ? { jwksUrl: o.JWKSURL } : {}),
          ...(o.IntrospectionURL ? { introspectionUrl: o.IntrospectionURL } : {}),
          ...(o.ClientID ? { clientId: o.ClientID } : {}),
          ...(o.ClientID && o.IntrospectionURL
            ? { clientSecretRef: { name: `${config.name}-secrets`, key: "oidc-client-secret" } }
            : {}),
          ...(o.InsecureAllowHTTP ? { insecureAllowHTTP: true } : {}),
          ...(o.AllowPrivateIP ? { jwksAllowPrivateIP: true } : {}),
        },
      },
    },
    ref: {
      name,
      audience: o.Audience,
      ...(o.ResourceURL ? { resourceUrl: o.ResourceURL } : {}),
      ...(o.Scopes?.length ? { scopes: [...o.Scopes] } : {}),
    },
  };
}
