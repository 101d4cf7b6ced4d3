/**
 * `spec.oidcConfigRef` → OIDCConfigRefValidated, `oidcConfigHash`, and RunConfig `oidc_config` (toolhive-crds.md
 * §3, §15). The client secret reaches the proxy only as an environment variable from the Secret
 * (`TOOLHIVE_OIDC_CLIENT_SECRET`), and a CA bundle as a ConfigMap volume.
 * @module
 */
import type { McpOidcConfigSpec } from "../../../crds/mod.ts";
import type { RunConfig } from "../../../lib/run_config.ts";
import { effectivePorts } from "../desired/mod.ts";
import type { ProxyPodAdditions, ServerRefHandler } from "../server_refs.ts";
import { OIDC_CONFIG_KIND } from "../shared_config/mod.ts";
import { refFailure } from "./fail.ts";

const SA_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

/** The environment variable that carries the OIDC client secret into the proxy. */
export const OIDC_CLIENT_SECRET_ENV = "TOOLHIVE_OIDC_CLIENT_SECRET";

type OidcConfig = NonNullable<RunConfig["oidc_config"]>;
type ProviderFields = Omit<OidcConfig, "Audience" | "ResourceURL" | "Scopes">;

/** The provider half of `oidc_config`, and what the proxy pod needs for it. */
export function oidcProvider(spec: McpOidcConfigSpec): { fields: ProviderFields; pod: ProxyPodAdditions } {
  const empty = {
    Issuer: "",
    JWKSURL: "",
    ClientID: "",
    ClientSecret: "" as const,
    CACertPath: "",
    AuthTokenFile: "",
    AllowPrivateIP: false,
    InsecureAllowHTTP: false,
    IntrospectionURL: "",
  };
  const sa = spec.kubernetesServiceAccount;
  if (spec.type === "kubernetesServiceAccount" && sa) {
    const cluster = sa.useClusterAuth ?? true;
    return {
      fields: {
        ...empty,
        Issuer: sa.issuer,
        JWKSURL: sa.jwksUrl ?? "",
        IntrospectionURL: sa.introspectionUrl ?? "",
        ...(cluster ? { CACertPath: `${SA_DIR}/ca.crt`, AuthTokenFile: `${SA_DIR}/token`, AllowPrivateIP: true } : {}),
      },
      pod: {},
    };
  }
  const inline = spec.inline!;
  const ca = inline.caBundleRef?.configMapRef;
  const caKey = ca?.key || "ca.crt";
  const pod: ProxyPodAdditions = {
    env: inline.clientSecretRef
      ? [{
        name: OIDC_CLIENT_SECRET_ENV,
        valueFrom: { secretKeyRef: { name: inline.clientSecretRef.name, key: inline.clientSecretRef.key } },
      }]
      : [],
    volumes: ca ? [{ name: `oidc-ca-bundle-${ca.name}`, configMap: { name: ca.name } }] : [],
    volumeMounts: ca
      ? [{ name: `oidc-ca-bundle-${ca.name}`, mountPath: `/config/certs/${ca.name}`, readOnly: true }]
      : [],
  };
  return {
    fields: {
      ...empty,
      Issuer: inline.issuer,
      JWKSURL: inline.jwksUrl ?? "",
      ClientID: inline.clientId ?? "",
      CACertPath: ca ? `/config/certs/${ca.name}/${caKey}` : "",
      AuthTokenFile: inline.jwksAuthTokenPath ?? "",
      AllowPrivateIP: inline.jwksAllowPrivateIP,
      InsecureAllowHTTP: inline.insecureAllowHTTP,
      IntrospectionURL: inline.introspectionUrl ?? "",
    },
    pod,
  };
}

/** `spec.oidcConfigRef`. */
export const OIDC_CONFIG_REF: ServerRefHandler = {
  conditionType: "OIDCConfigRefValidated",
  resolve(server, lookup) {
    const ref = server.spec.oidcConfigRef;
    if (!ref) return { hashes: { oidcConfigHash: undefined } };
    const type = this.conditionType;
    const found = lookup<McpOidcConfigSpec>(OIDC_CONFIG_KIND, ref.name);
    if (found.state === "missing") {
      return refFailure(type, "OIDCConfigRefNotFound", `MCPOIDCConfig ${ref.name} not found`);
    }
    if (found.state === "invalid") {
      return refFailure(type, "OIDCConfigRefNotValid", `MCPOIDCConfig ${ref.name} is not valid: ${found.message}`);
    }
    const { fields, pod } = oidcProvider(found.spec);
    const { metadata } = server;
    const resourceUrl = ref.resourceUrl ||
      `http://${metadata.name}.${metadata.namespace}.svc.cluster.local:${effectivePorts(server).proxyPort}`;
    const oidc: OidcConfig = {
      ...fields,
      Audience: ref.audience,
      ResourceURL: resourceUrl,
      Scopes: ref.scopes?.length ? [...ref.scopes] : null,
    };
    return {
      condition: {
        type,
        status: "True",
        reason: "OIDCConfigRefValid",
        message: `MCPOIDCConfig ${ref.name} is valid and ready`,
      },
      hashes: { oidcConfigHash: found.hash },
      runConfig: {
        oidc_config: oidc,
        ...(oidc.CACertPath ? { thv_ca_bundle: oidc.CACertPath } : {}),
        ...(oidc.AuthTokenFile ? { jwks_auth_token_file: oidc.AuthTokenFile } : {}),
      },
      proxyPod: pod,
    };
  },
};
