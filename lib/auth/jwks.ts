/**
 * The issuer's signing keys: the JWKS URL from `<issuer>/.well-known/openid-configuration` unless given, and
 * jose's remote key set over it. Keys are cached (10 minutes); a token signed with a key the cache does not
 * hold refetches the set at once (key rotation works without waiting), but at most {@linkcode REFETCH_BURST}
 * times in a row and then once per {@linkcode REFETCH_INTERVAL_MS}, so tokens with made-up key ids cannot
 * turn the proxy into a flood of requests to the provider.
 * @module
 */
import * as jose from "jose";
import type { IdpFetch } from "./idp_fetch.ts";

/** Refetches for unknown keys allowed back to back. */
export const REFETCH_BURST = 5;
/** After the burst, one refetch per this many milliseconds. */
export const REFETCH_INTERVAL_MS = 6_000;

/** The JWKS URL of `issuer`, from its discovery document (whose `issuer` must be the same). */
export async function discoverJwksUrl(issuer: string, idp: IdpFetch): Promise<string> {
  const url = `${issuer}/.well-known/openid-configuration`;
  const res = await idp(url, { bearer: true, headers: { accept: "application/json" } });
  if (!res.ok) {
    await res.body?.cancel();
    throw new Error(`Cannot discover the issuer ${issuer}: ${url} answered ${res.status}`);
  }
  const doc = await res.json() as { issuer?: unknown; jwks_uri?: unknown };
  if (typeof doc.issuer !== "string" || doc.issuer.replace(/\/+$/, "") !== issuer) {
    throw new Error(`Cannot trust the discovery document of ${issuer}: it names the issuer ${String(doc.issuer)}`);
  }
  if (typeof doc.jwks_uri !== "string" || !URL.canParse(doc.jwks_uri)) {
    throw new Error(`The discovery document of ${issuer} has no jwks_uri: set oidc_config.JWKSURL`);
  }
  return doc.jwks_uri;
}

/** A key resolver for `jose.jwtVerify`. */
export type KeyResolver = ReturnType<typeof jose.createRemoteJWKSet>;

/** The remote key set at `jwksUrl`, fetched through `idp` with the refetch limit described above. */
export function remoteKeys(jwksUrl: string, idp: IdpFetch, now: () => number = Date.now): KeyResolver {
  let tokens = REFETCH_BURST;
  let refilled = now();
  let last: string | undefined;
  const limited: jose.FetchImplementation = async (url, init) => {
    const t = now();
    const earned = Math.floor((t - refilled) / REFETCH_INTERVAL_MS);
    if (earned > 0) {
      tokens = Math.min(REFETCH_BURST, tokens + earned);
      refilled += earned * REFETCH_INTERVAL_MS;
    }
    if (last !== undefined && tokens <= 0) {
      return new Response(last, { status: 200, headers: { "content-type": "application/json" } });
    }
    if (last !== undefined) tokens--;
    const res = await idp(url, { ...init, bearer: true });
    if (!res.ok) {
      await res.body?.cancel();
      throw new Error(`The JWKS URL ${url} answered ${res.status}`); // the provider's failure, not the token's
    }
    last = await res.text();
    return new Response(last, { status: 200, headers: { "content-type": "application/json" } });
  };
  return jose.createRemoteJWKSet(new URL(jwksUrl), {
    cooldownDuration: 0,
    cacheMaxAge: 10 * 60_000,
    timeoutDuration: 10_000,
    [jose.customFetch]: limited,
  });
}
