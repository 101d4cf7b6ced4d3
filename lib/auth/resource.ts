/**
 * How the proxy describes itself to OAuth clients: the RFC 9728 protected-resource metadata at
 * `/.well-known/oauth-protected-resource[/<path>]`, and the `401` whose `WWW-Authenticate: Bearer` challenge
 * points at it (RFC 6750 `error`, `scope`), with a JSON-RPC error body as MCP clients expect.
 * @module
 */
import { requestHost } from "../http/mod.ts";
import type { AuthSettings } from "./settings.ts";

/** The well-known path of RFC 9728 metadata. */
export const METADATA_PATH = "/.well-known/oauth-protected-resource";

/**
 * The origin the client used: its Host (the listener's URL may name a unix socket, serve.ts), or the
 * forwarded one behind a trusted ingress.
 */
export function clientOrigin(req: Request, trustProxyHeaders: boolean): string {
  const own = req.url.startsWith("https:") ? "https" : "http";
  if (!trustProxyHeaders) return `${own}://${requestHost(req)}`;
  const proto = req.headers.get("x-forwarded-proto")?.split(",")[0]?.trim();
  const host = req.headers.get("x-forwarded-host")?.split(",")[0]?.trim();
  return `${proto === "https" || proto === "http" ? proto : own}://${host || requestHost(req)}`;
}

/** The resource a client calls at `mcpPath`: the configured ResourceURL, else the origin it used and the path. */
export function resourceOf(settings: AuthSettings, req: Request, mcpPath: string): string {
  return settings.resourceUrl ?? `${clientOrigin(req, settings.trustProxyHeaders)}${mcpPath}`;
}

/** The URL of the metadata describing `resource`, on the origin the client used. */
export function metadataUrlOf(settings: AuthSettings, req: Request, resource: string): string {
  const path = new URL(resource).pathname.replace(/\/$/, "");
  return `${clientOrigin(req, settings.trustProxyHeaders)}${METADATA_PATH}${path}`;
}

/** The RFC 9728 document for `resource`. */
export function metadataDocument(settings: AuthSettings, resource: string): Record<string, unknown> {
  return {
    resource,
    authorization_servers: [settings.issuer],
    bearer_methods_supported: ["header"],
    scopes_supported: settings.scopes.length ? [...settings.scopes] : ["openid"],
  };
}

/** Answers a metadata request (`path` under {@linkcode METADATA_PATH}); undefined for any other path. */
export function metadataRoute(settings: AuthSettings, mcpPath: string) {
  return (path: string, req: Request): Response | undefined => {
    if (path !== METADATA_PATH && !path.startsWith(`${METADATA_PATH}/`)) return undefined;
    const cors = { "access-control-allow-origin": "*", "access-control-allow-headers": "mcp-protocol-version" };
    if (req.method === "OPTIONS") return new Response(null, { status: 204, headers: cors });
    if (req.method !== "GET" && req.method !== "HEAD") {
      return new Response(null, { status: 405, headers: { allow: "GET, HEAD, OPTIONS" } });
    }
    const suffix = path.slice(METADATA_PATH.length);
    const resource = settings.resourceUrl ??
      `${clientOrigin(req, settings.trustProxyHeaders)}${suffix || mcpPath}`;
    return Response.json(metadataDocument(settings, resource), {
      headers: { ...cors, "cache-control": "max-age=300" },
    });
  };
}

const quoted = (value: string) => `"${value.replace(/["\\]/g, "\\$&")}"`;

/** The 401 for a request without a valid token; `reason` (a token was given and refused) adds `invalid_token`. */
export function unauthorized(
  settings: AuthSettings,
  req: Request,
  options: { readonly mcpPath: string; readonly reason?: string; readonly id?: string | number | null },
): Response {
  const resource = resourceOf(settings, req, options.mcpPath);
  const params = [`resource_metadata=${quoted(metadataUrlOf(settings, req, resource))}`];
  if (options.reason) params.push(`error="invalid_token"`, `error_description=${quoted(options.reason)}`);
  if (settings.scopes.length) params.push(`scope=${quoted(settings.scopes.join(" "))}`);
  const message = options.reason ? `Unauthorized: ${options.reason}` : "Unauthorized: a bearer token is required";
  return Response.json({ jsonrpc: "2.0", id: options.id ?? null, error: { code: -32001, message } }, {
    status: 401,
    headers: { "www-authenticate": `Bearer ${params.join(", ")}` },
  });
}
