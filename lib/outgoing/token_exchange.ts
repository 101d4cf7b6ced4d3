/**
 * The RFC 8693 token exchange the proxy performs for each client: the client's validated token is the
 * `subject_token`, the token service answers with a token for the MCP server's audience. The proxy
 * authenticates to the token service with its own client id and secret (HTTP Basic, RFC 6749 §2.3.1).
 * @module
 */
import type { RunConfig } from "../run_config.ts";
import type { CachedToken } from "./exchange_cache.ts";

/** The grant type of RFC 8693. */
export const TOKEN_EXCHANGE_GRANT = "urn:ietf:params:oauth:grant-type:token-exchange";

/** The token type URN of an access token. */
export const ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";

/** The env var the operator fills with the client secret when `client_secret_env` names none. */
export const DEFAULT_CLIENT_SECRET_ENV = "TOOLHIVE_TOKEN_EXCHANGE_CLIENT_SECRET";

const SHORT_TYPES: Readonly<Record<string, string>> = {
  access_token: ACCESS_TOKEN_TYPE,
  id_token: "urn:ietf:params:oauth:token-type:id_token",
  jwt: "urn:ietf:params:oauth:token-type:jwt",
};

/** How long before its expiry an exchanged token stops being used. */
export const EXPIRY_MARGIN_MS = 30_000;

/** How long a token with no `expires_in` is used (RFC 6749 makes it optional). */
export const DEFAULT_LIFETIME_MS = 300_000;

/** How long the token service may take to answer. */
export const EXCHANGE_TIMEOUT_MS = 10_000;

/** `token_exchange_config` of a RunConfig. */
export type TokenExchangeConfig = NonNullable<RunConfig["token_exchange_config"]>;

/** The settings of one proxy's exchange, checked and with the client secret read. */
export interface TokenExchanger {
  /** The token endpoint. */
  readonly tokenUrl: URL;
  /** `audience` requested. */
  readonly audience: string;
  /** `scope` requested (space-separated), if any. */
  readonly scope?: string;
  /** `subject_token_type` (a URN). */
  readonly subjectTokenType: string;
  /** `client_id`, if any. */
  readonly clientId?: string;
  /** The client secret, if any; never logged. */
  readonly clientSecret?: string;
  /** The upstream header the exchanged token goes in, lower-cased. */
  readonly header: string;
  /** True when that header is `Authorization` (its value is then `Bearer <token>`). */
  readonly bearer: boolean;
}

/** Why an exchange failed: `refused` when the token service refused the client's token, else `unavailable`. */
export class TokenExchangeError extends Error {
  /** `refused` (the client should get a new token) or `unavailable` (the proxy or its token service is at fault). */
  readonly kind: "refused" | "unavailable";

  /** An error of `kind`. */
  constructor(kind: "refused" | "unavailable", message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "TokenExchangeError";
    this.kind = kind;
  }
}

/**
 * The checked settings of `config`, the client secret read from `env`. Throws a one-line TypeError naming the
 * field for a bad URL, an unknown token type, a `custom` strategy without a header, or an unset secret variable.
 */
export function tokenExchanger(
  config: TokenExchangeConfig,
  env: Readonly<Record<string, string | undefined>>,
): TokenExchanger {
  const where = "token_exchange_config";
  let tokenUrl: URL;
  try {
    tokenUrl = new URL(config.token_url);
  } catch {
    throw new TypeError(`${where}.token_url ${JSON.stringify(config.token_url)} is not a URL: give the token endpoint`);
  }
  if (tokenUrl.protocol !== "https:" && tokenUrl.protocol !== "http:") {
    throw new TypeError(`${where}.token_url must be http or https, not ${tokenUrl.protocol}`);
  }
  if (!config.audience) throw new TypeError(`${where}.audience is empty: name the MCP server's audience`);
  const type = config.subject_token_type || "access_token";
  const subjectTokenType = SHORT_TYPES[type] ?? (Object.values(SHORT_TYPES).includes(type) ? type : undefined);
  if (!subjectTokenType) {
    throw new TypeError(
      `${where}.subject_token_type ${JSON.stringify(type)} is not access_token, id_token, jwt or their URN`,
    );
  }
  let header = "authorization";
  if (config.header_strategy === "custom") {
    const name = config.external_token_header_name?.trim();
    if (!name) {
      throw new TypeError(`${where}.header_strategy custom needs external_token_header_name: name the header`);
    }
    header = name.toLowerCase();
  }
  const secretEnv = config.client_secret_env || DEFAULT_CLIENT_SECRET_ENV;
  const clientSecret = env[secretEnv] || undefined;
  if (config.client_secret_env && clientSecret === undefined) {
    throw new TypeError(
      `${where}.client_secret_env names ${config.client_secret_env}, which is not set: ` +
        "give the proxy that variable from the client's Secret",
    );
  }
  if (clientSecret !== undefined && !config.client_id) {
    throw new TypeError(`${where}: a client secret is set in ${secretEnv} but client_id is empty: set client_id`);
  }
  const scope = config.scopes?.filter((s) => s).join(" ");
  return {
    tokenUrl,
    audience: config.audience,
    ...(scope ? { scope } : {}),
    subjectTokenType,
    ...(config.client_id ? { clientId: config.client_id } : {}),
    ...(clientSecret !== undefined ? { clientSecret } : {}),
    header,
    bearer: header === "authorization",
  };
}

/** `application/x-www-form-urlencoded` encoding of a Basic credential part (RFC 6749 §2.3.1). */
function formEncode(text: string): string {
  return encodeURIComponent(text).replace(/%20/g, "+");
}

/**
 * Exchanges `subjectToken` at the token service. The result expires {@linkcode EXPIRY_MARGIN_MS} before the
 * token does, and never after `subjectExpiresAt` (the client's token must not outlive itself through the
 * exchange). Throws a {@linkcode TokenExchangeError} whose message never contains a token or the secret.
 */
export async function exchangeToken(
  exchanger: TokenExchanger,
  subjectToken: string,
  options: { readonly fetch: typeof fetch; readonly now: () => number; readonly subjectExpiresAt?: number },
): Promise<CachedToken> {
  const form = new URLSearchParams({
    grant_type: TOKEN_EXCHANGE_GRANT,
    subject_token: subjectToken,
    subject_token_type: exchanger.subjectTokenType,
    requested_token_type: ACCESS_TOKEN_TYPE,
    audience: exchanger.audience,
  });
  if (exchanger.scope) form.set("scope", exchanger.scope);
  const headers: Record<string, string> = {
    "content-type": "application/x-www-form-urlencoded",
    accept: "application/json",
  };
  if (exchanger.clientId && exchanger.clientSecret !== undefined) {
    headers.authorization = `Basic ${btoa(`${formEncode(exchanger.clientId)}:${formEncode(exchanger.clientSecret)}`)}`;
  } else if (exchanger.clientId) {
    form.set("client_id", exchanger.clientId);
  }
  const where = `Token exchange at ${exchanger.tokenUrl.origin}${exchanger.tokenUrl.pathname}`;
  let res: Response;
  try {
    res = await options.fetch(exchanger.tokenUrl, {
      method: "POST",
      headers,
      body: form,
      signal: AbortSignal.timeout(EXCHANGE_TIMEOUT_MS),
    });
  } catch (e) {
    throw new TokenExchangeError("unavailable", `${where} failed: ${(e as Error).message}`, { cause: e });
  }
  let body: Record<string, unknown> = {};
  try {
    const parsed = await res.json();
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) body = parsed;
  } catch { /* not JSON: reported below by status */ }
  if (!res.ok) {
    const error = typeof body.error === "string" ? body.error : `HTTP ${res.status}`;
    const description = typeof body.error_description === "string" ? `: ${body.error_description}` : "";
    // invalid_grant: the service refused the subject token itself; anything else is the proxy's or its fault.
    const kind = error === "invalid_grant" ? "refused" : "unavailable";
    throw new TokenExchangeError(kind, `${where} was refused (${error})${description.slice(0, 200)}`);
  }
  const token = body.access_token;
  if (typeof token !== "string" || token === "") {
    throw new TokenExchangeError("unavailable", `${where} answered without an access_token`);
  }
  const tokenType = typeof body.token_type === "string" ? body.token_type.toLowerCase() : "bearer";
  if (exchanger.bearer && tokenType !== "bearer" && tokenType !== "n_a") {
    throw new TokenExchangeError("unavailable", `${where} issued a ${body.token_type} token, not a bearer token`);
  }
  const now = options.now();
  const lifetime = typeof body.expires_in === "number" && body.expires_in > 0
    ? body.expires_in * 1000
    : DEFAULT_LIFETIME_MS;
  let expiresAt = now + lifetime - Math.min(EXPIRY_MARGIN_MS, lifetime / 2);
  if (options.subjectExpiresAt !== undefined) expiresAt = Math.min(expiresAt, options.subjectExpiresAt);
  return { token, expiresAt };
}
