/**
 * `thv serve`'s bearer token: a random one per start, printed and written 0600 for local tools. A request
 * passes with `Authorization: Bearer <token>`, or with the cookie the web UI gets when the browser opens the
 * printed link (`/?token=<token>`), which is then taken out of the address bar by a redirect.
 * @module
 */
import { HttpError, type Middleware, pathAndQuery } from "../../lib/http/mod.ts";

/** The cookie that carries the token for the web UI. */
export const TOKEN_COOKIE = "thv_serve_token";

/** A new token: 32 random bytes, base64url. */
export function newToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/** Compares in time that depends only on the length (the token's length is no secret). */
function same(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

function cookieToken(req: Request): string | undefined {
  for (const part of (req.headers.get("cookie") ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === TOKEN_COOKIE) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** Whether `req` carries `token`, in its Authorization field or its cookie. */
export function hasToken(req: Request, token: string): boolean {
  const header = req.headers.get("authorization");
  if (header !== null) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    return m !== null && same(m[1]!, token);
  }
  const cookie = cookieToken(req);
  return cookie !== undefined && same(cookie, token);
}

/** The router's `authorize`: a 401 for a request without `token`. */
export function tokenAuthorizer(token: string): (req: Request) => void {
  return (req) => {
    if (hasToken(req, token)) return;
    throw new HttpError(
      401,
      "Missing or wrong bearer token: send Authorization: Bearer <token> (thv serve printed it and wrote it to its token file)",
      { headers: { "www-authenticate": 'Bearer realm="thv"' } },
    );
  };
}

/**
 * Middleware for the printed link: a GET with `?token=<token>` gets the cookie and a redirect to the same
 * path without the token; a wrong token is a 401. Other requests pass.
 */
export function tokenLogin(token: string): Middleware {
  return (next) => (req) => {
    if (req.method !== "GET") return next(req);
    const target = pathAndQuery(req.url);
    const q = target.indexOf("?");
    if (q < 0) return next(req);
    const query = new URLSearchParams(target.slice(q + 1));
    const given = query.get("token");
    if (given === null) return next(req);
    if (!same(given, token)) {
      throw new HttpError(401, "Wrong token in the link: open the link thv serve printed at its start");
    }
    query.delete("token");
    const rest = query.toString();
    return new Response(null, {
      status: 303,
      headers: {
        location: target.slice(0, q) + (rest ? `?${rest}` : ""),
        "set-cookie": `${TOKEN_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict`,
        "cache-control": "no-store",
      },
    });
  };
}
