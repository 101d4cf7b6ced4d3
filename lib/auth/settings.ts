/**
 * The authentication settings of one proxy, read once from its RunConfig (`oidc_config`, `jwks_auth_token_file`,
 * `thv_ca_bundle`) and its environment (`TOOLHIVE_OIDC_CLIENT_SECRET`), checked so that a setting that cannot be
 * enforced refuses the RunConfig with a one-line TypeError naming the field. Pure.
 * @module
 */
import type { RunConfig } from "../run_config.ts";

/** The environment variable the OIDC client secret (for introspection) arrives in, in a pod and locally. */
export const OIDC_CLIENT_SECRET_ENV = "TOOLHIVE_OIDC_CLIENT_SECRET";

/** What the authentication stage enforces, normalized. */
export interface AuthSettings {
  /** The expected `iss`, without a trailing slash. */
  readonly issuer: string;
  /** The expected `aud`: tokens for another server are refused. */
  readonly audience: string;
  /** The JWKS URL; undefined: from the issuer's discovery document. */
  readonly jwksUrl?: string;
  /** The RFC 7662 endpoint; undefined: JWTs only. */
  readonly introspectionUrl?: string;
  /** The client id that authenticates introspection calls. */
  readonly clientId?: string;
  /** Its secret (from the environment, never from the RunConfig). */
  readonly clientSecret?: string;
  /** A PEM file of CAs trusted for the identity provider's TLS. */
  readonly caCertPath?: string;
  /** A file with the bearer token sent on discovery and JWKS fetches (Kubernetes service-account tokens). */
  readonly authTokenFile?: string;
  /** Whether discovery, JWKS and introspection may be on private addresses. */
  readonly allowPrivateIp: boolean;
  /** The resource URL advertised in RFC 9728 metadata; undefined: from each request's origin and path. */
  readonly resourceUrl?: string;
  /** Scopes advertised (and put in the challenge). */
  readonly scopes: readonly string[];
  /** Whether `X-Forwarded-Proto`/`X-Forwarded-Host` may say what the client used (trusted ingress). */
  readonly trustProxyHeaders: boolean;
}

type Oidc = NonNullable<RunConfig["oidc_config"]>;

/** Whether `host` (a URL's hostname) is a loopback name or address. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  return h === "localhost" || h.endsWith(".localhost") || h === "::1" || /^127\.\d+\.\d+\.\d+$/.test(h);
}

/** Checks one URL field: http(s), and http only for a loopback host or with InsecureAllowHTTP. */
function checkedUrl(field: string, value: string, insecureAllowHttp: boolean): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TypeError(`oidc_config.${field} ${value} is not a URL: give an https URL`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new TypeError(`oidc_config.${field} ${value} has unsupported scheme ${url.protocol}: use https`);
  }
  if (url.search || url.hash) {
    throw new TypeError(`oidc_config.${field} ${value} has a query or fragment: give the URL without them`);
  }
  if (url.protocol === "http:" && !insecureAllowHttp && !isLoopbackHost(url.hostname)) {
    throw new TypeError(
      `oidc_config.${field} ${value} uses HTTP, which is insecure: use HTTPS, or set InsecureAllowHTTP ` +
        `(--oidc-insecure-allow-http) for development only`,
    );
  }
  return value;
}

/** Whether `oidc` holds any value at all: an all-empty block (ToolHive writes one) asks for nothing. */
function anyValue(oidc: Oidc | undefined): boolean {
  if (!oidc) return false;
  return Object.values(oidc).some((v) =>
    v !== "" && v !== false && v !== null && v !== undefined && !(Array.isArray(v) && v.length === 0)
  );
}

/**
 * The settings `config` asks for; undefined when it configures no authentication (clients are then
 * anonymous). Throws a one-line TypeError naming the field that cannot be enforced.
 */
export function authSettingsOf(
  config: RunConfig,
  env: Readonly<Record<string, string | undefined>>,
): AuthSettings | undefined {
  const oidc = config.oidc_config;
  if (!anyValue(oidc)) {
    if (config.jwks_auth_token_file) {
      throw new TypeError(
        "jwks_auth_token_file is set without oidc_config: give oidc_config (issuer and audience), or remove it",
      );
    }
    return undefined;
  }
  const o = oidc!;
  const insecure = o.InsecureAllowHTTP;
  if (!o.Issuer) {
    throw new TypeError("oidc_config.Issuer is empty: give the issuer whose tokens clients present (--oidc-issuer)");
  }
  const issuer = checkedUrl("Issuer", o.Issuer, insecure).replace(/\/+$/, "");
  if (!o.Audience) {
    throw new TypeError(
      "oidc_config.Audience is empty: give the audience tokens for this server carry (--oidc-audience), " +
        "so that a token meant for another server is refused",
    );
  }
  const jwksUrl = o.JWKSURL ? checkedUrl("JWKSURL", o.JWKSURL, insecure) : undefined;
  const introspectionUrl = o.IntrospectionURL
    ? checkedUrl("IntrospectionURL", o.IntrospectionURL, insecure)
    : undefined;
  let resourceUrl: string | undefined;
  if (o.ResourceURL) {
    try {
      resourceUrl = new URL(o.ResourceURL).href.replace(/\/$/, "");
    } catch {
      throw new TypeError(`oidc_config.ResourceURL ${o.ResourceURL} is not a URL: give the URL clients use`);
    }
  }
  const clientSecret = env[OIDC_CLIENT_SECRET_ENV] || undefined;
  if (introspectionUrl && o.ClientID && !clientSecret) {
    throw new TypeError(
      `oidc_config.ClientID ${o.ClientID} authenticates introspection, but ${OIDC_CLIENT_SECRET_ENV} is empty: ` +
        `set it in the proxy's environment (--oidc-client-secret locally)`,
    );
  }
  const caCertPath = config.thv_ca_bundle || o.CACertPath || undefined;
  const authTokenFile = config.jwks_auth_token_file || o.AuthTokenFile || undefined;
  return Object.freeze({
    issuer,
    audience: o.Audience,
    ...(jwksUrl ? { jwksUrl } : {}),
    ...(introspectionUrl ? { introspectionUrl } : {}),
    ...(o.ClientID ? { clientId: o.ClientID } : {}),
    ...(clientSecret ? { clientSecret } : {}),
    ...(caCertPath ? { caCertPath } : {}),
    ...(authTokenFile ? { authTokenFile } : {}),
    allowPrivateIp: o.AllowPrivateIP,
    ...(resourceUrl ? { resourceUrl } : {}),
    scopes: Object.freeze([...(o.Scopes ?? [])]),
    trustProxyHeaders: config.trust_proxy_headers ?? false,
  });
}
