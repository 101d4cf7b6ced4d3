/**
 * The `authentication` stage of the proxy's chain (decision 023): a client presents a bearer token in the
 * `Authorization` header (never in the query), the stage validates it ({@linkcode tokenValidator}) and sets
 * the call's identity; without a valid one the client gets a 401 that points at the RFC 9728 metadata, which
 * the stage serves itself. Built only when the RunConfig configures OIDC: otherwise clients stay anonymous.
 * @module
 */
import { clientPath, type RunConfig } from "../run_config.ts";
import type { ChainDeps, Stage, StageFactory } from "../middleware/mod.ts";
import { authSettingsOf } from "./settings.ts";
import { idpFetch } from "./idp_fetch.ts";
import { metadataRoute, unauthorized } from "./resource.ts";
import { InvalidTokenError, tokenValidator } from "./validator.ts";

const BEARER = /^Bearer[ \t]+([A-Za-z0-9\-._~+/]+=*)[ \t]*$/i;

/** Reads a file a setting names, or says which setting names a file that cannot be read. */
async function readNamed(read: (path: string) => Promise<string>, field: string, path: string): Promise<string> {
  try {
    return await read(path);
  } catch (e) {
    throw new TypeError(`${field} ${path} cannot be read: ${(e as Error).message}`, { cause: e });
  }
}

/** The MCP endpoint a request is for: the legacy SSE one for `/sse` and `/messages`, `/mcp`, else the default. */
function endpointOf(path: string, fallback: string): string {
  if (path === "/sse" || path === "/messages") return "/sse";
  return path === "/mcp" ? "/mcp" : fallback;
}

/** Options of {@linkcode createAuthenticationStage}. */
export interface AuthenticationStageOptions {
  /** The clock in milliseconds (default `Date.now`): tests move it past a token's expiry. */
  readonly now?: () => number;
}

/** An authentication stage factory: RunConfig keys `oidc_config` and `jwks_auth_token_file`. */
export function createAuthenticationStage(options: AuthenticationStageOptions = {}): StageFactory {
  return {
    name: "authentication",
    keys: ["oidc_config", "jwks_auth_token_file"],
    build: (config, deps) => build(config, deps, options),
  };
}

/** The authentication stage factory of the chain. */
export const authenticationStage: StageFactory = createAuthenticationStage();

async function build(
  config: RunConfig,
  deps: ChainDeps,
  options: AuthenticationStageOptions,
): Promise<Stage | undefined> {
  const settings = authSettingsOf(config, deps.env);
  if (!settings) return undefined;
  const read = deps.readTextFile ?? Deno.readTextFile;
  const caField = config.thv_ca_bundle ? "thv_ca_bundle" : "oidc_config.CACertPath";
  const tokenField = config.jwks_auth_token_file ? "jwks_auth_token_file" : "oidc_config.AuthTokenFile";
  const caPem = settings.caCertPath ? await readNamed(read, caField, settings.caCertPath) : undefined;
  const tokenFile = settings.authTokenFile;
  if (tokenFile) await readNamed(read, tokenField, tokenFile);
  const idp = idpFetch({
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
    ...(caPem ? { caPem } : {}),
    ...(tokenFile ? { bearerToken: () => readNamed(read, tokenField, tokenFile) } : {}),
    allowPrivateIp: settings.allowPrivateIp,
  });
  const validator = tokenValidator(settings, idp.fetch, options.now ? { now: options.now } : {});
  const mcpPath = clientPath(config.transport, config.proxy_mode ? { proxyMode: config.proxy_mode } : {});
  const log = deps.log.with({ stage: "authentication" });
  return {
    authenticates: true,
    routes: metadataRoute(settings, mcpPath),
    close: () => Promise.resolve(idp.close()),
    middleware: (next) => async (call) => {
      const id = call.messages.length === 1 ? call.messages[0]!.id ?? null : null;
      const header = call.request.headers.get("authorization");
      const token = header ? BEARER.exec(header)?.[1] : undefined;
      const endpoint = endpointOf(call.path, mcpPath);
      if (!token) return unauthorized(settings, call.request, { mcpPath: endpoint, id });
      try {
        call.identity = await validator.validate(token);
      } catch (e) {
        if (!(e instanceof InvalidTokenError)) {
          log.warn("Cannot validate a token", { error: (e as Error).message });
          return Response.json({
            jsonrpc: "2.0",
            id,
            error: { code: -32603, message: "Cannot validate the token: the identity provider did not answer" },
          }, { status: 503 });
        }
        log.debug("Refused a token", { reason: e.message });
        return unauthorized(settings, call.request, { mcpPath: endpoint, id, reason: e.message });
      }
      return await next(call);
    },
  };
}
