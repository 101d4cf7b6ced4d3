/**
 * A real OpenID provider for tests: `oidc-provider` from npm (certified, not ours) served in this process on a
 * loopback port. Clients get JWT access tokens by the client-credentials grant, one audience per resource
 * indicator (RFC 8707); tokens carry a `groups` claim from the client's spec; introspection (RFC 7662),
 * discovery, JWKS and dynamic registration are the provider's own. {@linkcode OidcProvider.rotateKeys} swaps
 * the signing key as a provider does in a key rotation (a new `kid` signs, the old one is dropped from the
 * JWKS). The RFC 8693 token-exchange grant is registered with the provider, so its token endpoint performs it
 * with its own client authentication and token signing.
 * @module
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import * as jose from "jose";
import Provider from "oidc-provider";

/** A client registered with the provider. */
export interface OidcTestClient {
  /** `client_id`. */
  readonly id: string;
  /** `client_secret` (client_secret_basic or client_secret_post). */
  readonly secret: string;
  /** Put in every token the client gets as the `groups` claim. */
  readonly groups?: readonly string[];
  /** Other claims put in its tokens. */
  readonly claims?: Readonly<Record<string, unknown>>;
  /** Redirect URIs (for the authorization-code grant); none by default. */
  readonly redirectUris?: readonly string[];
}

/** Options of {@linkcode startOidcProvider}. */
export interface OidcProviderOptions {
  /** The registered clients. */
  readonly clients: readonly OidcTestClient[];
  /** Address to listen on (default 127.0.0.1). */
  readonly hostname?: string;
  /** The host name in the issuer URL, when it differs from `hostname` (e.g. a name pods resolve). */
  readonly issuerHost?: string;
  /** Port (default: a free one). */
  readonly port?: number;
  /** Lifetime of access tokens in seconds (default 600). */
  readonly accessTokenTtl?: number;
  /** Resources whose access tokens are opaque (validated by introspection only) rather than JWTs. */
  readonly opaqueResources?: readonly string[];
}

/** What a token request gave. */
export interface TokenAnswer {
  /** The access token. */
  readonly access_token: string;
  /** Seconds it lives. */
  readonly expires_in: number;
  /** `Bearer`. */
  readonly token_type: string;
  /** For token exchange: the type of the issued token. */
  readonly issued_token_type?: string;
}

/** A running provider. */
export interface OidcProvider {
  /** The issuer URL (no trailing slash). */
  readonly issuer: string;
  /** Its token endpoint. */
  readonly tokenEndpoint: string;
  /** Its JWKS URI. */
  readonly jwksUri: string;
  /** Its introspection endpoint. */
  readonly introspectionEndpoint: string;
  /** A client-credentials access token for `resource` (its audience). */
  token(clientId: string, options: { readonly resource: string; readonly scope?: string }): Promise<string>;
  /** Replaces the signing key; resolves to the new key's `kid`. Tokens signed before no longer verify. */
  rotateKeys(): Promise<string>;
  /** The `kid` that signs now. */
  currentKid(): string;
  /** How many times the JWKS URI was fetched. */
  jwksFetches(): number;
  /** Stops the server. */
  close(): Promise<void>;
}

/** The grant type of RFC 8693. */
export const TOKEN_EXCHANGE_GRANT = "urn:ietf:params:oauth:grant-type:token-exchange";
const ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";

type SigningKey = { readonly jwk: jose.JWK; readonly kid: string };

async function newSigningKey(n: number): Promise<SigningKey> {
  const { privateKey } = await jose.generateKeyPair("RS256", { extractable: true });
  const kid = `key-${n}-${crypto.randomUUID().slice(0, 8)}`;
  return { kid, jwk: { ...(await jose.exportJWK(privateKey)), kid, alg: "RS256", use: "sig" } };
}

/** Starts a provider; close it with {@linkcode OidcProvider.close}. */
export async function startOidcProvider(options: OidcProviderOptions): Promise<OidcProvider> {
  const hostname = options.hostname ?? "127.0.0.1";
  let current: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  let fetches = 0;
  const server: Server = createServer((req, res) => {
    if (req.url?.startsWith("/jwks")) fetches++;
    if (current) current(req, res);
    else res.writeHead(503).end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, hostname, () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  const issuer = `http://${options.issuerHost ?? hostname}:${port}`;
  const byId = new Map(options.clients.map((c) => [c.id, c]));
  let generation = 0;
  let key = await newSigningKey(generation);
  let provider: Provider;

  const build = () => {
    const p = new Provider(issuer, {
      clients: options.clients.map((c) => ({
        client_id: c.id,
        client_secret: c.secret,
        grant_types: ["client_credentials", TOKEN_EXCHANGE_GRANT, ...(c.redirectUris ? ["authorization_code"] : [])],
        redirect_uris: [...(c.redirectUris ?? [])],
        response_types: c.redirectUris ? ["code"] : [],
        token_endpoint_auth_method: "client_secret_basic",
      })),
      jwks: { keys: [key.jwk] },
      ttl: { ClientCredentials: options.accessTokenTtl ?? 600, AccessToken: options.accessTokenTtl ?? 600 },
      scopes: ["openid", "mcp:tools"],
      features: {
        devInteractions: { enabled: false },
        clientCredentials: { enabled: true },
        introspection: { enabled: true },
        registration: { enabled: true },
        resourceIndicators: {
          enabled: true,
          defaultResource: () => undefined as unknown as string,
          getResourceServerInfo: (_ctx: unknown, resource: string) => ({
            scope: "openid mcp:tools",
            audience: resource,
            accessTokenFormat: options.opaqueResources?.includes(resource) ? "opaque" as const : "jwt" as const,
          }),
          useGrantedResource: () => true,
        },
      },
      extraTokenClaims: (_ctx: unknown, token: { clientId?: string; extra?: Record<string, unknown> }) => {
        const client = token.clientId ? byId.get(token.clientId) : undefined;
        return {
          ...(client?.groups ? { groups: [...client.groups] } : {}),
          ...(client?.claims ?? {}),
          ...(token.extra ?? {}),
        };
      },
    });
    p.proxy = false;
    registerTokenExchange(p, issuer, () => key);
    return p;
  };
  provider = build();
  current = provider.callback();

  const discovery = await (await fetch(`${issuer}/.well-known/openid-configuration`)).json();
  const tokenEndpoint = discovery.token_endpoint as string;
  return {
    issuer,
    tokenEndpoint,
    jwksUri: discovery.jwks_uri,
    introspectionEndpoint: discovery.introspection_endpoint,
    async token(clientId, o) {
      const client = byId.get(clientId);
      if (!client) throw new TypeError(`No client ${clientId} is registered with the test provider`);
      const res = await fetch(tokenEndpoint, {
        method: "POST",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          authorization: `Basic ${btoa(`${client.id}:${client.secret}`)}`,
        },
        body: new URLSearchParams({
          grant_type: "client_credentials",
          resource: o.resource,
          scope: o.scope ?? "openid",
        }),
      });
      const body = await res.json();
      if (!res.ok) throw new Error(`The test provider refused a token: ${JSON.stringify(body)}`);
      return (body as TokenAnswer).access_token;
    },
    async rotateKeys() {
      key = await newSigningKey(++generation);
      provider = build();
      current = provider.callback();
      return key.kid;
    },
    currentKid: () => key.kid,
    jwksFetches: () => fetches,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * Registers RFC 8693 with `provider`: the client authenticates as for any grant (the provider checks it), the
 * `subject_token` must be a JWT this provider signed, and the answer is a new JWT access token for the
 * requested `audience` (or `resource`), with the subject's `sub` under `act_sub` and `groups` kept.
 */
function registerTokenExchange(provider: Provider, issuer: string, signing: () => SigningKey): void {
  // deno-lint-ignore no-explicit-any
  const handler = async (ctx: any) => {
    const params = ctx.oidc.params as Record<string, string | undefined>;
    const audience = params.audience ?? params.resource;
    const fail = (error: string, description: string) => {
      ctx.status = 400;
      ctx.body = { error, error_description: description };
    };
    if (!params.subject_token) return fail("invalid_request", "subject_token is required");
    if (params.subject_token_type && params.subject_token_type !== ACCESS_TOKEN_TYPE) {
      return fail("invalid_request", "only access tokens are exchanged");
    }
    if (!audience) return fail("invalid_target", "audience or resource is required");
    let subject: jose.JWTPayload;
    try {
      const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicJwk } = signing().jwk;
      const key = await jose.importJWK(publicJwk, "RS256");
      ({ payload: subject } = await jose.jwtVerify(params.subject_token, key, { issuer }));
    } catch (e) {
      return fail("invalid_grant", `subject_token does not verify: ${(e as Error).message}`);
    }
    const token = new provider.ClientCredentials({
      client: ctx.oidc.client,
      scope: params.scope ?? "openid",
      extra: {
        act_sub: subject.sub,
        exchanged_from_jti: subject.jti,
        ...(subject.groups ? { groups: subject.groups } : {}),
      },
    });
    // deno-lint-ignore no-explicit-any
    (token as any).resourceServer = {
      audience,
      scope: "openid mcp:tools",
      accessTokenFormat: "jwt",
      identifier: () => audience,
    };
    const value = await token.save();
    ctx.body = {
      access_token: value,
      issued_token_type: ACCESS_TOKEN_TYPE,
      token_type: "Bearer",
      expires_in: token.expiration,
    };
  };
  provider.registerGrantType(TOKEN_EXCHANGE_GRANT, handler, [
    "subject_token",
    "subject_token_type",
    "audience",
    "resource",
    "scope",
    "requested_token_type",
  ]);
}
