/**
 * Authentication of the proxy's clients (issue 15, docs/auth.md): OIDC JWTs against the issuer's JWKS,
 * RFC 7662 introspection, Kubernetes service-account tokens, RFC 9728 metadata and the `401` challenge that
 * points at it. {@linkcode authenticationStage} is the chain's stage; the rest is exported for tests and tools.
 * @module
 */
export {
  authenticationStage,
  authenticationStage as factory,
  type AuthenticationStageOptions,
  createAuthenticationStage,
} from "./stage.ts";
export { type AuthSettings, authSettingsOf, isLoopbackHost, OIDC_CLIENT_SECRET_ENV } from "./settings.ts";
export { CLOCK_SKEW_SECONDS, InvalidTokenError, type TokenValidator, tokenValidator } from "./validator.ts";
export { type IdpFetch, idpFetch, isPrivateAddress } from "./idp_fetch.ts";
export { METADATA_PATH, metadataDocument, unauthorized } from "./resource.ts";
export { TokenCache } from "./token_cache.ts";
