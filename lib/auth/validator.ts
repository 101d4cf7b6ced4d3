/**
 * Token validation: a JWT against the issuer's keys (signature, `iss`, `aud`, `exp`, `nbf`, with a clock
 * skew tolerance), or an opaque token by RFC 7662 introspection when an introspection endpoint is set. A
 * validated token is cached until it expires, introspection answers for at most a short while.
 * @module
 */
import * as jose from "jose";
import type { Identity } from "../mcp_call/mod.ts";
import type { AuthSettings } from "./settings.ts";
import type { IdpFetch } from "./idp_fetch.ts";
import { discoverJwksUrl, type KeyResolver, remoteKeys } from "./jwks.ts";
import { TokenCache } from "./token_cache.ts";

/** Seconds of clock difference tolerated on `exp` and `nbf`. */
export const CLOCK_SKEW_SECONDS = 30;
/** Longest time an introspection answer is trusted without asking again. */
export const INTROSPECTION_CACHE_MS = 30_000;
/** Most tokens kept validated. */
export const TOKEN_CACHE_SIZE = 10_000;

/** Why a token was refused: said to the client in the challenge's `error_description`. */
export class InvalidTokenError extends Error {
  /** A refusal with a reason safe to tell the client. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "InvalidTokenError";
  }
}

/** Validates bearer tokens into identities. */
export interface TokenValidator {
  /** The identity `token` proves; throws {@linkcode InvalidTokenError} when it proves none. */
  validate(token: string): Promise<Identity>;
}

const JWS = /^[\w-]+\.[\w-]+\.[\w-]+$/;

/** The identity of validated claims: `sub`, or for a client's own token without one (RFC 7662 allows it) `client_id`. */
function identityOf(token: string, claims: Record<string, unknown>): Identity {
  const named = (v: unknown) => typeof v === "string" && v ? v : undefined;
  const subject = named(claims.sub) ?? named(claims.client_id);
  if (!subject) throw new InvalidTokenError("the token has no subject");
  return Object.freeze({ subject, claims: Object.freeze({ ...claims }), token, anonymous: false });
}

function reasonOf(e: unknown): string {
  if (e instanceof jose.errors.JWTExpired) return "the token has expired";
  if (e instanceof jose.errors.JWTClaimValidationFailed) {
    if (e.claim === "aud") return "the token is for another audience";
    if (e.claim === "iss") return "the token is from another issuer";
    if (e.claim === "nbf") return "the token is not valid yet";
    return `the token's ${e.claim} claim is not accepted`;
  }
  if (e instanceof jose.errors.JWKSNoMatchingKey) return "the token is signed with an unknown key";
  if (e instanceof jose.errors.JWSSignatureVerificationFailed) return "the token's signature does not verify";
  return "the token is not valid";
}

/** Checks the claims of an introspection answer as jwtVerify checks a JWT's. */
function checkIntrospected(body: Record<string, unknown>, settings: AuthSettings, nowSeconds: number): void {
  if (body.active !== true) throw new InvalidTokenError("the token is not active");
  if (typeof body.exp === "number" && body.exp + CLOCK_SKEW_SECONDS <= nowSeconds) {
    throw new InvalidTokenError("the token has expired");
  }
  if (typeof body.nbf === "number" && body.nbf - CLOCK_SKEW_SECONDS > nowSeconds) {
    throw new InvalidTokenError("the token is not valid yet");
  }
  if (body.iss !== undefined && String(body.iss).replace(/\/+$/, "") !== settings.issuer) {
    throw new InvalidTokenError("the token is from another issuer");
  }
  const aud = Array.isArray(body.aud) ? body.aud : body.aud === undefined ? [] : [body.aud];
  if (!aud.includes(settings.audience)) throw new InvalidTokenError("the token is for another audience");
}

/** A validator for `settings`, reaching the provider through `idp`. */
export function tokenValidator(
  settings: AuthSettings,
  idp: IdpFetch,
  options: { readonly now?: () => number } = {},
): TokenValidator {
  const now = options.now ?? Date.now;
  const cache = new TokenCache<Identity>(TOKEN_CACHE_SIZE, now);
  let keys: Promise<KeyResolver> | undefined;
  const keysOf = () => {
    keys ??= (settings.jwksUrl ? Promise.resolve(settings.jwksUrl) : discoverJwksUrl(settings.issuer, idp))
      .then((url) => remoteKeys(url, idp, now));
    keys.catch(() => (keys = undefined)); // a provider that was down is asked again on the next token
    return keys;
  };
  const useJwks = !!settings.jwksUrl || !settings.introspectionUrl;

  const verifyJwt = async (token: string): Promise<Identity> => {
    let payload: jose.JWTPayload;
    try {
      ({ payload } = await jose.jwtVerify(token, await keysOf(), {
        issuer: settings.issuer,
        audience: settings.audience,
        clockTolerance: CLOCK_SKEW_SECONDS,
        currentDate: new Date(now()),
        requiredClaims: ["exp"],
      }));
    } catch (e) {
      const provider = e instanceof jose.errors.JWKSTimeout || e instanceof jose.errors.JWKSInvalid;
      if (e instanceof jose.errors.JOSEError && !provider) throw new InvalidTokenError(reasonOf(e), { cause: e });
      throw e; // the provider cannot be reached or answers nonsense: not the token's fault
    }
    const identity = identityOf(token, payload as Record<string, unknown>);
    cache.set(token, identity, (payload.exp! + CLOCK_SKEW_SECONDS) * 1000);
    return identity;
  };

  const introspect = async (token: string): Promise<Identity> => {
    const headers = new Headers({ "content-type": "application/x-www-form-urlencoded", accept: "application/json" });
    if (settings.clientId) {
      const basic = `${encodeURIComponent(settings.clientId)}:${encodeURIComponent(settings.clientSecret ?? "")}`;
      headers.set("authorization", `Basic ${btoa(basic)}`);
    }
    const res = await idp(settings.introspectionUrl!, {
      method: "POST",
      headers,
      body: new URLSearchParams({ token, token_type_hint: "access_token" }),
      bearer: !settings.clientId,
    });
    if (!res.ok) {
      await res.body?.cancel();
      throw new Error(`The introspection endpoint ${settings.introspectionUrl} answered ${res.status}`);
    }
    const body = await res.json() as Record<string, unknown>;
    checkIntrospected(body, settings, now() / 1000);
    const identity = identityOf(token, body);
    const exp = typeof body.exp === "number" ? body.exp * 1000 : Infinity;
    cache.set(token, identity, Math.min(exp, now() + INTROSPECTION_CACHE_MS));
    return identity;
  };

  return {
    validate(token) {
      const hit = cache.get(token);
      if (hit) return Promise.resolve(hit);
      if (useJwks && (JWS.test(token) || !settings.introspectionUrl)) return verifyJwt(token);
      return introspect(token);
    },
  };
}
