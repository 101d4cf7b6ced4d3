/**
 * Outgoing authentication (issue 15 item 4): what the proxy presents to the MCP server. RFC 8693 token
 * exchange of the client's validated token ({@linkcode exchangeToken}, cached per token by
 * {@linkcode ExchangeCache}), a bearer token and injected headers from secrets ({@linkcode staticHeaders}).
 * {@linkcode factory} is the chain's `outgoing-auth` stage, after authentication.
 * @module
 */
import type { StageFactory } from "../middleware/mod.ts";
import { OUTGOING_KEYS, outgoingStage } from "./stage.ts";

export { type CachedToken, ExchangeCache, type ExchangeCacheOptions } from "./exchange_cache.ts";
export { REMOTE_AUTH_APPLIED, SECRET_ENV_PREFIX, staticHeaders } from "./static_headers.ts";
export {
  ACCESS_TOKEN_TYPE,
  DEFAULT_CLIENT_SECRET_ENV,
  exchangeToken,
  TOKEN_EXCHANGE_GRANT,
  TokenExchangeError,
  type TokenExchanger,
  tokenExchanger,
} from "./token_exchange.ts";
export { OUTGOING_KEYS, outgoingStage, type OutgoingStageOptions } from "./stage.ts";

/** The chain's outgoing-authentication stage. */
export const factory: StageFactory = {
  name: "outgoing-auth",
  keys: OUTGOING_KEYS,
  build: (config, deps) => outgoingStage(config, deps),
};
