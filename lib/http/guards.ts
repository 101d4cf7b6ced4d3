/**
 * Host and Origin allow-lists against DNS rebinding, for every listener that serves browsers' neighbours:
 * the checks ({@linkcode checkHost}, {@linkcode checkOrigin}) and their middleware ({@linkcode hostGuard},
 * {@linkcode originGuard}). A refusal is an {@linkcode HttpError} 403, as the MCP spec asks for a bad Origin.
 * @module
 */
import { HttpError } from "./error.ts";
import type { Middleware } from "./middleware.ts";

/** Loopback names, always allowed. */
const LOCAL = ["localhost", "127.0.0.1", "[::1]"];

function hostname(hostHeader: string): string {
  return hostHeader.startsWith("[") ? hostHeader.slice(0, hostHeader.indexOf("]") + 1) : hostHeader.split(":")[0]!;
}

/**
 * The authority a request was sent to: its Host field, or, when it has none, the authority of its URL.
 * HTTP/2 carries the authority in the `:authority` pseudo-header, which Deno puts in the URL and not in a
 * Host field. An HTTP/1 request without Host counts as sent to `localhost` (Deno puts that in its URL); such
 * a client is no browser (browsers always send Host), so it is no DNS-rebinding vector, and it could as well
 * have sent `Host: localhost`.
 */
export function requestHost(req: Request): string {
  const host = req.headers.get("host");
  if (host !== null) return host;
  // Behind the listener relay (serve.ts), Deno names the unix socket in place of the authority.
  if (req.url.startsWith("http+unix:")) return "localhost";
  const start = req.url.indexOf("//") + 2;
  const end = req.url.indexOf("/", start);
  return req.url.slice(start, end < 0 ? undefined : end);
}

/** Options of {@linkcode checkHost} and {@linkcode hostGuard}. */
export interface HostGuardOptions {
  /** Host names clients may use besides the loopback names, lower-case, without port. */
  readonly allowedHosts: readonly string[];
}

/** Options of {@linkcode checkOrigin} and {@linkcode originGuard}. */
export interface OriginGuardOptions {
  /** Origins browsers may call from besides loopback ones, e.g. `https://app.example.com`. */
  readonly allowedOrigins: readonly string[];
}

/**
 * The refusal of a request whose Host (HTTP/1) or `:authority` (HTTP/2) is neither a loopback name nor in
 * `allowedHosts`; undefined when it may pass.
 */
export function checkHost(req: Request, options: HostGuardOptions): HttpError | undefined {
  const host = requestHost(req);
  const name = host ? hostname(host).toLowerCase() : "";
  if (host && (LOCAL.includes(name) || options.allowedHosts.includes(name))) return undefined;
  return new HttpError(403, `Forbidden: Host ${host || "(none)"} is not allowed`);
}

/**
 * The refusal of a request whose Origin, when present, is neither in `allowedOrigins` nor a loopback
 * origin; undefined when it may pass (requests without Origin come from no browser page).
 */
export function checkOrigin(req: Request, options: OriginGuardOptions): HttpError | undefined {
  const origin = req.headers.get("origin");
  if (origin === null) return undefined;
  let originHost = "";
  try {
    originHost = new URL(origin).host;
  } catch { /* not a URL: refused below */ }
  if (options.allowedOrigins.includes(origin) || LOCAL.includes(hostname(originHost).toLowerCase())) return undefined;
  return new HttpError(403, `Forbidden: Origin ${origin} is not allowed`);
}

/** Middleware that refuses, with {@linkcode checkHost}, a request sent to a Host not allowed. */
export function hostGuard(options: HostGuardOptions): Middleware {
  return (next) => (req) => {
    const refused = checkHost(req, options);
    if (refused) throw refused;
    return next(req);
  };
}

/** Middleware that refuses, with {@linkcode checkOrigin}, a request from a browser Origin not allowed. */
export function originGuard(options: OriginGuardOptions): Middleware {
  return (next) => (req) => {
    const refused = checkOrigin(req, options);
    if (refused) throw refused;
    return next(req);
  };
}
