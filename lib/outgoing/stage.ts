/**
 * The outgoing-authentication stage: what the proxy presents to the MCP server in place of the client's
 * credentials (decision 023: the client's `Authorization` never goes upstream when the chain authenticates).
 * Per request, the client's validated token is exchanged (RFC 8693, cached per token); on every request, the
 * headers from secrets are set. A failed exchange answers the client and the server is not called: the
 * client's own token is never sent instead.
 * @module
 */
import type { ChainDeps, Stage } from "../middleware/mod.ts";
import type { ProxyCall } from "../mcp_call/mod.ts";
import type { RunConfig } from "../run_config.ts";
import { ExchangeCache } from "./exchange_cache.ts";
import { staticHeaders } from "./static_headers.ts";
import { exchangeToken, TokenExchangeError, type TokenExchanger, tokenExchanger } from "./token_exchange.ts";

/** The RunConfig keys the stage enforces. */
export const OUTGOING_KEYS = ["token_exchange_config", "remote_auth_config", "header_forward"] as const;

/** Options of {@linkcode outgoingStage} besides the chain's deps. */
export interface OutgoingStageOptions {
  /** The clock (epoch ms); default `Date.now`. */
  readonly now?: () => number;
  /** Most exchanged tokens kept (default 1000). */
  readonly cacheSize?: number;
}

/** A one-line JSON-RPC error for `call`, with the id of its request when it is a single one. */
function refuse(call: ProxyCall, status: number, message: string, headers: Record<string, string> = {}): Response {
  const only = call.messages.length === 1 ? call.messages[0] : undefined;
  const id = typeof only?.id === "string" || typeof only?.id === "number" ? only.id : null;
  const code = status < 500 ? -32600 : -32000;
  return Response.json({ jsonrpc: "2.0", id, error: { code, message } }, { status, headers });
}

/** The stage `config` asks for, or undefined when it asks for no outgoing credentials. */
export async function outgoingStage(
  config: RunConfig,
  deps: ChainDeps,
  options: OutgoingStageOptions = {},
): Promise<Stage | undefined> {
  const headers = await staticHeaders(config, deps.env, deps.readTextFile ?? Deno.readTextFile);
  const exchange = config.token_exchange_config ? tokenExchanger(config.token_exchange_config, deps.env) : undefined;
  if (exchange && headers.has(exchange.header)) {
    throw new TypeError(
      `token_exchange_config puts the exchanged token in ${exchange.header}, which remote_auth_config or ` +
        "header_forward sets too: keep one",
    );
  }
  if (!exchange && headers.size === 0) return undefined;
  if (exchange && !config.oidc_config) {
    deps.log.warn("Token exchange is configured without client authentication: every request will be refused", {
      server: config.name,
    });
  }
  const fixed = [...headers];
  const middleware = exchange
    ? exchangingMiddleware(exchange, fixed, deps, options)
    : (next: (call: ProxyCall) => Promise<Response>) => (call: ProxyCall) => {
      for (const [k, v] of fixed) call.upstreamHeaders.set(k, v);
      return next(call);
    };
  return { middleware };
}

function exchangingMiddleware(
  exchanger: TokenExchanger,
  fixed: ReadonlyArray<[string, string]>,
  deps: ChainDeps,
  options: OutgoingStageOptions,
) {
  const now = options.now ?? Date.now;
  const cache = new ExchangeCache({ now, ...(options.cacheSize ? { maxEntries: options.cacheSize } : {}) });
  const doFetch = deps.fetch ?? fetch;
  return (next: (call: ProxyCall) => Promise<Response>) => async (call: ProxyCall): Promise<Response> => {
    const { identity } = call;
    if (identity.anonymous || !identity.token) {
      return refuse(
        call,
        401,
        "Token exchange needs an authenticated client, and this request has no validated token: " +
          "configure OIDC authentication of clients (oidc_config) and send a token",
      );
    }
    const exp = identity.claims.exp;
    const subjectExpiresAt = typeof exp === "number" ? exp * 1000 : undefined;
    let token: string;
    try {
      token = await cache.get(identity.token, () =>
        exchangeToken(exchanger, identity.token!, {
          fetch: doFetch,
          now,
          ...(subjectExpiresAt !== undefined ? { subjectExpiresAt } : {}),
        }));
    } catch (e) {
      if (!(e instanceof TokenExchangeError)) throw e;
      deps.log.warn("Token exchange failed", { subject: identity.subject, error: e.message });
      return e.kind === "refused"
        ? refuse(call, 401, `${e.message}: get a new token`, { "www-authenticate": 'Bearer error="invalid_token"' })
        : refuse(call, 502, e.message);
    }
    for (const [k, v] of fixed) call.upstreamHeaders.set(k, v);
    call.upstreamHeaders.set(exchanger.header, exchanger.bearer ? `Bearer ${token}` : token);
    return await next(call);
  };
}
