/**
 * CORS for configured origins only: a browser page from an origin in the list may call the API (its
 * preflight is answered, its responses carry `access-control-allow-origin`); from any other origin nothing
 * is added, and the Origin guard refuses it anyway.
 * @module
 */
import type { Middleware } from "./middleware.ts";

/** Options of {@linkcode cors}. */
export interface CorsOptions {
  /** Origins allowed, e.g. `https://studio.example.com`; empty: CORS is off. */
  readonly allowedOrigins: readonly string[];
  /** Methods a preflight allows (default GET, POST, PUT, DELETE). */
  readonly methods?: readonly string[];
  /** Request header fields a preflight allows (default authorization, content-type). */
  readonly headers?: readonly string[];
}

/** Middleware that answers preflights and marks responses for {@linkcode CorsOptions.allowedOrigins}. */
export function cors(options: CorsOptions): Middleware {
  const allowed = new Set(options.allowedOrigins);
  const methods = (options.methods ?? ["GET", "POST", "PUT", "DELETE"]).join(", ");
  const headers = (options.headers ?? ["authorization", "content-type"]).join(", ");
  return (next) => async (req) => {
    const origin = req.headers.get("origin");
    if (origin === null || !allowed.has(origin)) return await next(req);
    if (req.method === "OPTIONS" && req.headers.has("access-control-request-method")) {
      return new Response(null, {
        status: 204,
        headers: {
          "access-control-allow-origin": origin,
          "access-control-allow-methods": methods,
          "access-control-allow-headers": headers,
          "access-control-max-age": "600",
          vary: "origin",
        },
      });
    }
    const res = await next(req);
    const out = new Response(res.body, res);
    out.headers.set("access-control-allow-origin", origin);
    out.headers.append("vary", "origin");
    return out;
  };
}
