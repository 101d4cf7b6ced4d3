/**
 * The proxy's `/health`: a probe of the server, cached while it is healthy, and the JSON answer (200 while
 * the server answers, 503 otherwise); and its `/livez`: 200 while the proxy serves HTTP at all, whatever the
 * server does, for a liveness probe that must not restart the proxy when only the server is down.
 * @module
 */
import { pathOf } from "../http/mod.ts";

/** Path of the liveness answer (docs/proxy.md). */
export const LIVENESS_PATH = "/livez";

/** True for `GET /livez` (any query): answered by {@linkcode livenessResponse} without touching the server. */
export function isLivenessRequest(req: Request): boolean {
  return req.method === "GET" && pathOf(req.url) === LIVENESS_PATH;
}

/** The `/livez` answer: the proxy process serves. */
export function livenessResponse(transport: string): Response {
  return Response.json({ status: "alive", timestamp: new Date().toISOString(), transport });
}

interface Result {
  readonly at: number;
  readonly ok: boolean;
  readonly ms?: number;
  readonly error?: string;
}

/** Probes the server; resolves with the round trip in ms (or undefined), rejects when it is down. */
export type HealthProbe = () => Promise<number | undefined>;

/** Runs the probe for `/health` requests. */
export class HealthCheck {
  readonly #probe: HealthProbe;
  readonly #transport: string;
  #last: Result | undefined;

  /** A health check of a server speaking `transport`. */
  constructor(probe: HealthProbe, transport: string) {
    this.#probe = probe;
    this.#transport = transport;
  }

  /** Forgets the cached result: the server went away, a cached "healthy" must not outlive that. */
  invalidate(): void {
    this.#last = undefined;
  }

  /** The `/health` answer; `extra` fields (sessions, processes, ...) are added to the body. */
  async response(extra: Record<string, unknown> = {}): Promise<Response> {
    // A healthy answer is reused for a second (probes from several kubelets or clients); an unhealthy one is
    // checked again every time, so recovery shows at once.
    let last = this.#last;
    if (!last || !last.ok || Date.now() - last.at > 1000) {
      try {
        const ms = await this.#probe();
        last = { at: Date.now(), ok: true, ...(ms !== undefined ? { ms } : {}) };
      } catch (e) {
        last = { at: Date.now(), ok: false, error: (e as Error).message };
      }
      this.#last = last;
    }
    return Response.json({
      status: last.ok ? "healthy" : "unhealthy",
      timestamp: new Date().toISOString(),
      transport: this.#transport,
      ...extra,
      mcp: {
        available: last.ok,
        ...(last.ms !== undefined ? { response_time_ms: Math.round(last.ms * 100) / 100 } : {}),
        ...(last.error ? { error: last.error } : {}),
        last_checked: new Date(last.at).toISOString(),
      },
    }, { status: last.ok ? 200 : 503 });
  }
}
