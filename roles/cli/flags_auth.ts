/**
 * The authentication flags of `thv run` and `thv proxy` (ToolHive's names): they become the RunConfig's
 * `oidc_config` (and `thv_ca_bundle`, `jwks_auth_token_file`), which lib/auth enforces (docs/auth.md). The
 * client secret never goes into the RunConfig: it travels as `TOOLHIVE_OIDC_CLIENT_SECRET` in the proxy's
 * environment, as in a pod.
 * @module
 */
import { type CommandUnknownOpts, Option } from "@commander-js/extra-typings";
import type { Logger } from "../../lib/log.ts";
import type { ProxyChain, ProxyState } from "../../lib/middleware/mod.ts";
import type { RunConfig } from "../../lib/run_config.ts";

/** The environment variable the proxy reads the OIDC client secret from (lib/auth). */
export const OIDC_CLIENT_SECRET_ENV = "TOOLHIVE_OIDC_CLIENT_SECRET";

/** What the authentication flags parse into. */
export interface AuthFlags {
  readonly oidcIssuer?: string;
  readonly oidcAudience?: string;
  readonly oidcJwksUrl?: string;
  readonly oidcIntrospectionUrl?: string;
  readonly oidcClientId?: string;
  readonly oidcClientSecret?: string;
  readonly oidcScopes?: string[];
  readonly oidcInsecureAllowHttp?: boolean;
  readonly resourceUrl?: string;
  readonly thvCaBundle?: string;
  readonly jwksAuthTokenFile?: string;
  readonly jwksAllowPrivateIp?: boolean;
}

const scopes = (value: string, previous: string[] = []) => [
  ...previous,
  ...value.split(",").map((s) => s.trim()).filter(Boolean),
];

/** Adds the authentication flags to `command`. */
export function withAuthFlags<T extends CommandUnknownOpts>(command: T): T {
  const options = [
    new Option("--oidc-issuer <url>", "authenticate clients: the OIDC issuer whose tokens they present"),
    new Option("--oidc-audience <aud>", "the audience tokens must carry for this server (required with --oidc-issuer)"),
    new Option("--oidc-jwks-url <url>", "the issuer's JWKS URL (default: from its discovery document)"),
    new Option("--oidc-introspection-url <url>", "RFC 7662 endpoint validating opaque tokens"),
    new Option("--oidc-client-id <id>", "the client id the proxy introspects tokens with"),
    new Option(
      "--oidc-client-secret <secret>",
      `its secret; kept out of the RunConfig: the proxy gets it as ${OIDC_CLIENT_SECRET_ENV}, which is read instead ` +
        "when this is not given (thv start needs it in the environment again)",
    ),
    new Option("--oidc-scopes <scopes>", "scopes advertised to clients, comma-separated (repeatable)").argParser(
      scopes,
    ),
    new Option("--oidc-insecure-allow-http", "allow an http issuer, JWKS or introspection URL beyond loopback"),
    new Option(
      "--resource-url <url>",
      "the URL clients use, advertised as the RFC 9728 resource (default: from requests)",
    ),
    new Option("--thv-ca-bundle <file>", "PEM file of CAs trusted for the identity provider's TLS"),
    new Option("--jwks-auth-token-file <file>", "file with a bearer token sent on discovery and JWKS fetches"),
    new Option("--jwks-allow-private-ip", "allow the identity provider on private addresses"),
  ];
  for (const option of options) command.addOption(option);
  return command;
}

/** The RunConfig fields the flags ask for; none without `--oidc-issuer` (other flags alone are refused). */
export function authConfigOf(flags: AuthFlags): Partial<RunConfig> {
  if (!flags.oidcIssuer) {
    const stray = Object.entries(flags).find(([k, v]) =>
      v !== undefined && v !== false && k !== "oidcClientSecret" && AUTH_FLAG_NAMES.has(k)
    );
    if (stray) {
      const flag = `--${stray[0].replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
      throw new TypeError(`${flag} needs --oidc-issuer: give the issuer, or leave ${flag} out`);
    }
    return {};
  }
  return {
    oidc_config: {
      Issuer: flags.oidcIssuer,
      Audience: flags.oidcAudience ?? "",
      JWKSURL: flags.oidcJwksUrl ?? "",
      ClientID: flags.oidcClientId ?? "",
      ClientSecret: "",
      CACertPath: flags.thvCaBundle ?? "",
      AuthTokenFile: flags.jwksAuthTokenFile ?? "",
      AllowPrivateIP: flags.jwksAllowPrivateIp ?? false,
      InsecureAllowHTTP: flags.oidcInsecureAllowHttp ?? false,
      IntrospectionURL: flags.oidcIntrospectionUrl ?? "",
      ResourceURL: flags.resourceUrl ?? "",
      Scopes: flags.oidcScopes?.length ? flags.oidcScopes : null,
    },
    ...(flags.thvCaBundle ? { thv_ca_bundle: flags.thvCaBundle } : {}),
    ...(flags.jwksAuthTokenFile ? { jwks_auth_token_file: flags.jwksAuthTokenFile } : {}),
  };
}

const AUTH_FLAG_NAMES = new Set([
  "oidcAudience",
  "oidcJwksUrl",
  "oidcIntrospectionUrl",
  "oidcClientId",
  "oidcScopes",
  "oidcInsecureAllowHttp",
  "resourceUrl",
  "thvCaBundle",
  "jwksAuthTokenFile",
  "jwksAllowPrivateIp",
]);

/** `env` with the client secret of `--oidc-client-secret` added (it wins over the environment's). */
export function envWithClientSecret<E extends Readonly<Record<string, string | undefined>>>(
  env: E,
  flags: AuthFlags,
): E {
  return flags.oidcClientSecret ? { ...env, [OIDC_CLIENT_SECRET_ENV]: flags.oidcClientSecret } : env;
}

/** `ctx` with the client secret of `--oidc-client-secret` in its environment (for the proxy it starts). */
export function withClientSecret<C extends { readonly env: Readonly<Record<string, string | undefined>> }>(
  ctx: C,
  flags: AuthFlags,
): C {
  return flags.oidcClientSecret ? { ...ctx, env: envWithClientSecret(ctx.env, flags) } : ctx;
}

/**
 * The middleware chain `thv proxy` runs with: the flags' RunConfig fields (and `options.fields`) in a RunConfig
 * of the proxy's transport named `proxy`, built as every proxy builds it (lib/middleware); undefined when no
 * flag asks for it.
 */
export async function proxyChainOfFlags(
  flags: AuthFlags,
  options: {
    readonly transport: "stdio" | "sse" | "streamable-http";
    readonly trustProxyHeaders?: boolean;
    readonly log: Logger;
    readonly env: Readonly<Record<string, string | undefined>>;
    /** Other RunConfig fields of the command's flags (e.g. `authz_config` of `--authz-config`). */
    readonly fields?: Readonly<Record<string, unknown>>;
    /** The proxy's listen address (telemetry's Prometheus listener binds there too). */
    readonly host?: string;
    /** The proxy, once built (telemetry reads its sessions and health). */
    readonly proxy?: ProxyState;
  },
): Promise<ProxyChain | undefined> {
  const fields = { ...authConfigOf(flags), ...options.fields };
  if (Object.keys(fields).length === 0) return undefined;
  const { parseRunConfig, RUN_CONFIG_SCHEMA_VERSION } = await import("../../lib/run_config.ts");
  const { proxyChainOf } = await import("../../lib/middleware/mod.ts");
  const config = parseRunConfig(
    JSON.stringify({
      schema_version: RUN_CONFIG_SCHEMA_VERSION,
      name: "proxy",
      image: "proxy",
      transport: options.transport,
      port: 8080, // not used: the proxy listens where --port says
      trust_proxy_headers: options.trustProxyHeaders ?? false,
      ...(options.host ? { host: options.host } : {}),
      ...fields,
    }),
    "the command line",
  );
  const deps = { log: options.log, env: envWithClientSecret(options.env, flags) };
  return await proxyChainOf(config, { ...deps, ...(options.proxy ? { proxy: options.proxy } : {}) });
}

/** Refuses, before anything is saved or started, authentication settings the proxy would refuse (lib/auth). */
export async function checkAuthConfig(
  config: RunConfig,
  env: Readonly<Record<string, string | undefined>>,
): Promise<void> {
  if (!config.oidc_config && !config.jwks_auth_token_file) return;
  const { lazyImport } = await import("../../lib/lazy_import.ts");
  const { authSettingsOf } = await lazyImport<typeof import("../../lib/auth/mod.ts")>(
    new URL("../../lib/auth/mod.ts", import.meta.url),
  );
  authSettingsOf(config, env);
}

/** The flags given before `thv proxy stdio` and after it; those after it win. */
export function mergedAuthFlags(parent: AuthFlags, own: AuthFlags): AuthFlags {
  const given = Object.fromEntries(Object.entries(own).filter(([, v]) => v !== undefined));
  return { ...parent, ...given };
}
