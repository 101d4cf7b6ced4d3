/**
 * EmbeddedAuthServerConfig: the OAuth authorization server a proxy can embed, shared by MCPExternalAuthConfig
 * (`spec.embeddedAuthServer`) and VirtualMCPServer (`spec.authServerConfig`). Fields, defaults and CEL rules
 * follow ToolHive's (toolhive-crds.md §0.4).
 * @module
 */
import { z } from "zod";
import { int32, listMap, stringMap, withRules } from "./k8s_schema.ts";
import { SecretKeyRef } from "./shared.ts";

const GO_DURATION = /^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$/;
const ISSUER_URL = /^https?:\/\/[^\s?#]+[^/\s?#]$/;
const DNS_LABEL = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
const HTTP_URL = /^https?:\/\/.*$/;

/** A duration as Go writes it, e.g. 1h30m. */
function goDuration() {
  return z.string().regex(GO_DURATION);
}

/** How identity is fetched from an upstream's userinfo endpoint. */
export const UserInfoConfig = z.object({
  endpointUrl: z.string().regex(HTTP_URL).describe("Userinfo endpoint URL."),
  httpMethod: z.enum(["GET", "POST"]).optional().describe("HTTP method (default GET)."),
  additionalHeaders: stringMap().optional().describe("Extra request headers."),
  fieldMapping: z.object({
    subjectFields: z.array(z.string()).optional().describe("Candidates for the user id (default sub)."),
    nameFields: z.array(z.string()).optional().describe("Candidates for the display name (default name)."),
    emailFields: z.array(z.string()).optional().describe("Candidates for the email (default email)."),
  }).optional().describe("Claim names for providers with non-standard userinfo."),
});

/** TLS to Redis. */
export const RedisTlsConfig = z.object({
  caCertSecretRef: SecretKeyRef.optional().describe("Secret key with a PEM CA; system roots when absent."),
  insecureSkipVerify: z.boolean().optional().describe("Skip server certificate verification."),
});

const redisStorage = withRules(
  z.object({
    addr: z.string().optional().describe("Single endpoint host:port; exclusive with sentinelConfig."),
    clusterMode: z.boolean().optional().describe("Use the Redis Cluster protocol (needs addr)."),
    sentinelConfig: z.object({
      masterName: z.string().describe("Monitored master name."),
      sentinelAddrs: z.array(z.string()).optional().describe("Sentinel addresses; exclusive with sentinelService."),
      sentinelService: z.object({
        name: z.string().describe("Service name."),
        namespace: z.string().optional().describe("Service namespace (default: the same)."),
        port: int32().default(26379).describe("Sentinel port."),
      }).optional().describe("Discover sentinels from a Service."),
      db: int32().default(0).describe("Database index."),
    }).optional().describe("Redis Sentinel settings."),
    aclUserConfig: z.object({
      usernameSecretRef: SecretKeyRef.optional().describe("ACL username; omit for password-only AUTH."),
      passwordSecretRef: SecretKeyRef.describe("ACL password."),
    }).describe("ACL credentials."),
    dialTimeout: goDuration().default("5s").describe("Connect timeout."),
    readTimeout: goDuration().default("3s").describe("Read timeout."),
    writeTimeout: goDuration().default("3s").describe("Write timeout."),
    tls: RedisTlsConfig.optional().describe("TLS to the master or cluster (present: enabled)."),
    sentinelTls: RedisTlsConfig.optional().describe("TLS to the sentinels (present: enabled)."),
  }),
  [
    {
      rule: "(has(self.addr) && self.addr != '') != has(self.sentinelConfig)",
      message: "exactly one of addr or sentinelConfig must be set",
    },
    {
      rule: "!has(self.clusterMode) || !self.clusterMode || (has(self.addr) && self.addr != '')",
      message: "clusterMode requires addr to be set",
    },
  ],
);

const additionalAuthorizationParams = stringMap().meta({ maxProperties: 16 })
  .describe("Extra query parameters of the authorize request.");

const oauth2Config = withRules(
  z.object({
    authorizationEndpoint: z.string().regex(HTTP_URL).describe("Authorize URL."),
    tokenEndpoint: z.string().regex(HTTP_URL).describe("Token URL."),
    clientId: z.string().optional().describe("Static client id; exclusive with dcrConfig."),
    clientSecretRef: SecretKeyRef.optional().describe("Client secret; not with dcrConfig."),
    dcrConfig: withRules(
      z.object({
        discoveryUrl: z.string().regex(/^https:\/\/[^\s?#]+[^/\s?#]$/).max(2048).optional()
          .describe("Metadata document URL; exclusive with registrationEndpoint."),
        registrationEndpoint: z.string().regex(/^https:\/\/[^\s?#]+[^/\s?#]$/).max(2048).optional()
          .describe("Registration URL used directly."),
        initialAccessTokenRef: SecretKeyRef.optional().describe("Secret key with an RFC 7591 initial access token."),
        softwareId: z.string().max(255).optional().describe("software_id metadata."),
        softwareStatement: z.string().max(16384).optional().describe("software_statement JWT."),
      }),
      [{
        rule: "has(self.discoveryUrl) != has(self.registrationEndpoint)",
        message: "exactly one of discoveryUrl or registrationEndpoint must be set",
      }],
    ).optional().describe("Obtain client credentials by RFC 7591 dynamic client registration."),
    redirectUri: z.string().optional().describe("Callback; default {resourceUrl}/oauth/callback."),
    scopes: z.array(z.string()).optional().describe("Requested scopes."),
    userInfo: UserInfoConfig.optional().describe("How to fetch identity after login."),
    identityFromToken: z.object({
      subjectPath: z.string().min(1).max(256).describe("Path to the user id."),
      namePath: z.string().min(1).max(256).optional().describe("Path to the display name."),
      emailPath: z.string().min(1).max(256).optional().describe("Path to the email."),
    }).optional().describe("Read identity from the token response instead."),
    tokenResponseMapping: z.object({
      accessTokenPath: z.string().min(1).describe("Path to the access token."),
      scopePath: z.string().optional().describe("Path to scope (default scope)."),
      refreshTokenPath: z.string().optional().describe("Path to the refresh token (default refresh_token)."),
      expiresInPath: z.string().optional().describe("Path to expires_in (default expires_in)."),
    }).optional().describe("Paths for non-standard token responses."),
    additionalAuthorizationParams: additionalAuthorizationParams.optional(),
    allowPrivateIPs: z.boolean().optional().describe("Let the upstream client reach private ranges."),
    insecureAllowHTTP: z.boolean().optional().describe("Allow http authorize and token URLs."),
  }),
  [
    {
      rule: "(has(self.clientId) && self.clientId != '') != has(self.dcrConfig)",
      message: "exactly one of clientId or dcrConfig must be set",
    },
    {
      rule: "!(has(self.dcrConfig) && has(self.clientSecretRef))",
      message: "clientSecretRef must not be set when dcrConfig is set; " +
        "the client_secret is obtained at runtime via Dynamic Client Registration",
    },
  ],
);

const oidcConfig = z.object({
  issuerUrl: z.string().regex(/^https:\/\/.*$/).describe("Upstream issuer (https)."),
  clientId: z.string().describe("Client id at the upstream."),
  clientSecretRef: SecretKeyRef.optional().describe("Client secret (optional for PKCE public clients)."),
  redirectUri: z.string().optional().describe("Callback; default {resourceUrl}/oauth/callback."),
  scopes: z.array(z.string()).optional().describe("Requested scopes; default openid, offline_access."),
  subjectClaim: z.string().regex(/^([a-zA-Z_][a-zA-Z0-9_]*)?$/).max(128).optional()
    .describe("ID-token claim used as subject (default sub)."),
  userInfoOverride: UserInfoConfig.optional().describe("Custom userinfo call instead of the discovered one."),
  additionalAuthorizationParams: additionalAuthorizationParams.optional(),
});

/** One upstream identity provider the embedded authorization server federates to. */
export const UpstreamProvider = withRules(
  z.object({
    name: z.string().regex(DNS_LABEL).min(1).max(63).describe("DNS-label id of the upstream."),
    type: z.enum(["oidc", "oauth2"]).describe("Provider flavour."),
    oidcConfig: oidcConfig.optional().describe("OIDC upstream; required iff type is oidc."),
    oauth2Config: oauth2Config.optional().describe("Plain OAuth 2.0 upstream; required iff type is oauth2."),
  }),
  [{
    rule: "self.type == 'oidc' ? (has(self.oidcConfig) && !has(self.oauth2Config)) : " +
      "(self.type == 'oauth2' ? (has(self.oauth2Config) && !has(self.oidcConfig)) : false)",
    message: "type must be 'oidc' or 'oauth2'; oidcConfig must be set when type is 'oidc' and oauth2Config " +
      "must be set when type is 'oauth2' (and the other must not be set)",
  }],
);

const resourceUrl = z.string().regex(/^https?:\/\/[^\s]+$/).min(1).max(2048);
const actorClaims = "['sub', 'iss', 'aud', 'exp', 'iat', 'nbf', 'jti', 'name', 'email', 'scope', 'scp', 'may_act']";
const hasActorSettings = "(has(self.actorClaim) || has(self.actorMatcher) || " +
  "(has(self.allowMayAct) && self.allowMayAct))";

/** An external issuer whose tokens the embedded server accepts for RFC 8693 and RFC 7523 grants. */
export const TrustedIssuer = withRules(
  z.object({
    issuerUrl: z.string().min(1).max(2048).describe("Exact iss."),
    jwksUrl: z.string().max(2048).optional().describe("JWKS URL (default: via discovery)."),
    expectedAudience: z.string().min(1).max(2048).optional().describe("Required aud of RFC 8693 subject tokens."),
    allowedDelegateClients: z.array(z.string().min(1).max(256)).min(1).max(50).optional()
      .describe("Client ids allowed to exchange; * alone means any."),
    actorClaim: z.string().max(64).optional().describe("Claim naming the requesting client (default client_id)."),
    actorMatcher: z.string().max(4096).optional().describe("CEL expression over claims authorizing the actor."),
    allowMayAct: z.boolean().default(false).describe("Honour the issuer's may_act claim."),
    allowedActors: z.array(z.string().min(1).max(256)).max(50).optional()
      .describe("Actors allowed without may_act."),
    allowPrivateIPs: z.boolean().optional().describe("Allow private-IP discovery and JWKS (needs jwksUrl)."),
    insecureAllowHTTP: z.boolean().optional().describe("Allow http discovery and JWKS for this issuer."),
    jwtBearerGrant: withRules(
      z.object({
        maxAssertionAge: z.string().describe("Largest exp minus iat accepted."),
        acceptedAudiences: z.array(resourceUrl).max(50).optional()
          .describe("Accepted assertion audiences (default: the token endpoint)."),
        subjectBindings: z.array(z.object({
          subject: z.string().regex(/^[^*]+$/).min(1).max(256).describe("Exact sub, no wildcard."),
          allowedResources: z.array(resourceUrl).min(1).max(50).describe("Resources the subject may request."),
        })).min(1).max(50).describe("Subjects and the resources each may request."),
      }),
      [
        {
          rule: "duration(self.maxAssertionAge) > duration('0s')",
          message: "maxAssertionAge must be greater than zero",
        },
        {
          rule: "self.subjectBindings.all(b, self.subjectBindings.exists_one(o, o.subject == b.subject))",
          message: "subjectBindings must not contain duplicate subjects",
        },
      ],
    ).optional().describe("Enable the RFC 7523 JWT-bearer grant."),
  }),
  [
    {
      rule: "!has(self.allowedDelegateClients) || !('*' in self.allowedDelegateClients) || " +
        "size(self.allowedDelegateClients) == 1",
      message: 'allowedDelegateClients must not combine the wildcard "*" with specific client IDs',
    },
    {
      rule: "!(has(self.allowMayAct) && self.allowMayAct && has(self.allowedDelegateClients) && " +
        "'*' in self.allowedDelegateClients)",
      message: 'allowMayAct must not be enabled when allowedDelegateClients contains the wildcard "*"',
    },
    {
      rule: `!has(self.actorClaim) || !(self.actorClaim in ${actorClaims})`,
      message:
        "actorClaim must name a readable claim; use client_id or a non-reserved claim such as azp, appid, or cid",
    },
    {
      rule: "!(has(self.allowPrivateIPs) && self.allowPrivateIPs) || (has(self.jwksUrl) && self.jwksUrl != '')",
      message: "allowPrivateIPs requires jwksUrl to be set explicitly",
    },
    {
      rule: "(has(self.expectedAudience) && self.expectedAudience != '') || (has(self.jwtBearerGrant) && " +
        `!${hasActorSettings} && !has(self.allowedActors))`,
      message: "expectedAudience is required unless jwtBearerGrant is configured without actorClaim, " +
        "actorMatcher, allowMayAct, or allowedActors",
    },
    {
      rule: `!(has(self.expectedAudience) || ${hasActorSettings}) || ` +
        "(has(self.allowedDelegateClients) && size(self.allowedDelegateClients) > 0)",
      message:
        "allowedDelegateClients is required when expectedAudience, actorClaim, actorMatcher, or allowMayAct is set",
    },
  ],
);

/** A pre-provisioned confidential client for RFC 8693 exchange. */
export const DelegateClient = withRules(
  z.object({
    clientId: z.string().min(1).max(256).describe("client_id at the token endpoint."),
    clientSecretRef: SecretKeyRef.describe("Secret key with the client secret."),
    scopes: z.array(z.string().min(1).max(256)).min(1).max(10).describe("Scopes the client may request."),
    audiences: z.array(z.string().min(1).max(2048)).min(1).max(10).describe("Resources the client may request."),
  }),
  [{
    rule: "has(self.clientSecretRef) && self.clientSecretRef.name != '' && self.clientSecretRef.key != ''",
    message: "clientSecretRef.name and clientSecretRef.key are required and must be non-empty",
  }],
);

/** The embedded OAuth authorization server. */
export const EmbeddedAuthServerConfig = withRules(
  z.object({
    issuer: z.string().regex(ISSUER_URL).describe("Issuer identifier (iss); https, no trailing slash."),
    authorizationEndpointBaseUrl: z.string().regex(ISSUER_URL).optional()
      .describe("Base of authorization_endpoint in discovery."),
    signingKeySecretRefs: z.array(SecretKeyRef).max(5).optional()
      .describe("JWT signing keys, first active; empty: an ephemeral key."),
    hmacSecretRefs: z.array(SecretKeyRef).optional()
      .describe("Secrets for opaque codes and refresh tokens, first current; empty: ephemeral."),
    tokenLifespans: z.object({
      accessTokenLifespan: goDuration().optional().describe("Access-token lifetime (default 1h)."),
      refreshTokenLifespan: goDuration().optional().describe("Refresh-token lifetime (default 168h)."),
      authCodeLifespan: goDuration().optional().describe("Authorization-code lifetime (default 10m)."),
    }).optional().describe("Token lifetimes."),
    upstreamProviders: listMap(UpstreamProvider, ["name"]).min(1)
      .describe("Upstream identity providers; MCPServer and MCPRemoteProxy accept exactly one."),
    storage: z.object({
      type: z.enum(["memory", "redis"]).default("memory").describe("Backend."),
      redis: redisStorage.optional().describe("Redis settings; required for type redis."),
    }).optional().describe("Where the server keeps its state."),
    primaryUpstreamProvider: z.string().regex(DNS_LABEL).min(1).max(63).optional()
      .describe("Upstream whose access-token claims Cedar evaluates; default the first."),
    baselineClientScopes: z.array(z.string().regex(/^[\x21\x23-\x5B\x5D-\x7E]+$/).min(1)).max(10).optional()
      .describe("Scopes added to every client registration."),
    disableUpstreamTokenInjection: z.boolean().default(false)
      .describe("Do not swap the client token for the upstream token on backend calls."),
    cimd: z.object({
      enabled: z.boolean().default(false).describe("Accept URL-form client_ids."),
      cacheMaxSize: z.int().min(1).optional().describe("LRU size (default 256)."),
      cacheFallbackTtl: goDuration().optional().describe("Fixed TTL of cached documents."),
    }).optional().describe("Client ID Metadata Document support."),
    insecureAllowHTTP: z.boolean().default(false).describe("Permit an http issuer for non-localhost hosts."),
    allowConfidentialClientRegistration: z.boolean().default(false)
      .describe("Let dynamic registration create confidential clients."),
    forceConfidentialRedirectUris: z.array(z.string().regex(/^https:\/\/[^\s?#]+$/)).max(10).optional()
      .describe("Redirect URIs always registered as confidential."),
    insecureAllowConfidentialOverLoopbackHTTP: z.boolean().default(false)
      .describe("Allow confidential clients on a plain-http loopback issuer."),
    trustedIssuers: z.array(TrustedIssuer).max(20).optional()
      .describe("External issuers whose tokens are accepted for token exchange."),
    delegateClients: z.array(DelegateClient).max(10).optional()
      .describe("Pre-provisioned confidential clients for token exchange."),
  }),
  [
    {
      rule: "!(self.allowConfidentialClientRegistration == true && self.insecureAllowHTTP == true)",
      message: "allowConfidentialClientRegistration cannot be combined with insecureAllowHTTP; " +
        "client secrets would be issued in cleartext over an unauthenticated endpoint",
    },
    {
      rule: "!has(self.delegateClients) || size(self.delegateClients) == 0 || !self.issuer.startsWith('http://')",
      message:
        "delegateClients require an https:// issuer; delegate client secrets must not be sent over plaintext HTTP",
    },
    {
      rule: "!has(self.forceConfidentialRedirectUris) || size(self.forceConfidentialRedirectUris) == 0 || " +
        "self.allowConfidentialClientRegistration == true",
      message: "forceConfidentialRedirectUris requires allowConfidentialClientRegistration to be true",
    },
  ],
);

/** An embedded authorization server's config after defaults. */
export type EmbeddedAuthServerConfig = z.output<typeof EmbeddedAuthServerConfig>;
