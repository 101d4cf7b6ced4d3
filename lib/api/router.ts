/**
 * The router of a JSON API: finds the route of a request by method and path template, parses its path
 * parameters, query and body with the route's zod schemas (a 400 naming the field when they do not fit),
 * asks `authorize` for routes that are not public, and turns the handler's reply into a response. Paths no
 * route has go to `fallback` (the web UI's files), unless they start as a route does (`/api/…`): those are a
 * JSON 404; a known path with another method is a 405.
 * @module
 */
import { z } from "zod";
import { type Handler, HttpError, pathAndQuery, readBody } from "../http/mod.ts";
import { issueLine } from "./errors.ts";
import type { Reply, Route } from "./route.ts";

/** Options of {@linkcode apiHandler}. */
export interface ApiHandlerOptions {
  /** Answers requests whose path no route has (default: a 404). */
  readonly fallback?: Handler;
  /** Throws (an HttpError 401) when a request to a route that is not public may not pass. */
  readonly authorize?: (req: Request) => void;
  /** Largest JSON body, in bytes (default 1 MiB). */
  readonly maxBodyBytes?: number;
  /** Checks every JSON reply against its documented schema, a 500 when it does not fit (tests turn it on). */
  readonly checkResponses?: boolean;
}

interface Compiled {
  readonly route: Route;
  readonly segments: readonly string[];
}

const DEFAULT_MAX_BODY = 1 << 20;

function compile(route: Route): Compiled {
  return { route, segments: route.path.split("/").slice(1) };
}

/** Orders templates so that, at the first segment where two differ, a fixed one comes before a parameter. */
function specificFirst(a: Compiled, b: Compiled): number {
  const n = Math.min(a.segments.length, b.segments.length);
  for (let i = 0; i < n; i++) {
    const pa = a.segments[i]!.startsWith("{");
    const pb = b.segments[i]!.startsWith("{");
    if (pa !== pb) return pa ? 1 : -1;
  }
  return 0;
}

/** The path parameters of `path` under `segments`, or undefined when it does not match. */
function match(segments: readonly string[], path: readonly string[]): Record<string, string> | undefined {
  if (segments.length !== path.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const want = segments[i]!;
    const got = path[i]!;
    if (want.startsWith("{")) {
      if (!got) return undefined;
      try {
        params[want.slice(1, -1)] = decodeURIComponent(got);
      } catch {
        return undefined;
      }
    } else if (want !== got) return undefined;
  }
  return params;
}

function parse<S extends z.ZodType | undefined>(schema: S, value: unknown, where: string): unknown {
  if (!schema) return undefined;
  const result = schema.safeParse(value);
  if (!result.success) throw new HttpError(400, issueLine(where, result.error));
  return result.data;
}

/** The handler's reply; a RangeError it throws (lib's word for bad input, style.md) is a 400 with its message. */
async function handle(route: Route, input: Parameters<Route["handle"]>[0]): Promise<Reply> {
  try {
    return await route.handle(input);
  } catch (error) {
    if (error instanceof RangeError) throw new HttpError(400, error.message, { cause: error });
    throw error;
  }
}

async function jsonBody(req: Request, maxBytes: number): Promise<unknown> {
  const text = new TextDecoder().decode(await readBody(req, { maxBytes }));
  if (!text.trim()) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, "body: not JSON: send a JSON object with content-type application/json");
  }
}

/** Statuses every route may answer besides its own (the document lists them for all). */
const COMMON_STATUSES = new Set([400, 401, 403, 500]);

function toResponse(route: Route, reply: Reply, check: boolean): Response {
  const spec = route.responses[reply.status];
  if (check && !spec && !COMMON_STATUSES.has(reply.status)) {
    throw new Error(`${route.operationId} answered ${reply.status}, which it does not document`);
  }
  if (reply instanceof Response) return reply;
  if (check && spec) {
    const fits = spec.schema ? spec.schema.safeParse(reply.body) : undefined;
    if (fits && !fits.success) {
      throw new Error(`${route.operationId} ${reply.status} breaks its schema: ${issueLine("response", fits.error)}`);
    }
  }
  const headers = new Headers(reply.headers);
  if (reply.body === undefined) return new Response(null, { status: reply.status, headers });
  headers.set("content-type", "application/json");
  return new Response(JSON.stringify(reply.body), { status: reply.status, headers });
}

/**
 * The handler of `routes`. A fixed segment wins over a parameter at the same place (`/workloads/stop` before
 * `/workloads/{name}`). A RangeError from a handler is a 400 with its message; with `checkResponses`, a reply
 * whose status the route does not document, or whose JSON body breaks its schema, is a 500.
 */
export function apiHandler(routes: readonly Route[], options: ApiHandlerOptions = {}): Handler {
  const compiled = routes.map(compile).sort(specificFirst);
  // The first segments of the routes (`api`, `health`): a path under one is the API's, never the fallback's.
  const own = new Set(compiled.map((c) => c.segments[0]).filter((s) => s && !s.startsWith("{")));
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
  return async (req) => {
    const target = pathAndQuery(req.url);
    const q = target.indexOf("?");
    const path = (q < 0 ? target : target.slice(0, q)).split("/").slice(1);
    const search = new URLSearchParams(q < 0 ? "" : target.slice(q + 1));
    const allowed: string[] = [];
    for (const { route, segments } of compiled) {
      const params = match(segments, path);
      if (!params) continue;
      if (route.method !== req.method && !(route.method === "GET" && req.method === "HEAD")) {
        allowed.push(route.method);
        continue;
      }
      if (!route.public) options.authorize?.(req);
      const query = Object.fromEntries(search);
      const input = {
        params: parse(route.params, params, "path"),
        query: parse(route.query, query, "query"),
        body: route.body ? parse(route.body, await jsonBody(req, maxBody), "body") : undefined,
        req,
        signal: req.signal,
      };
      return toResponse(route, await handle(route, input as Parameters<Route["handle"]>[0]), !!options.checkResponses);
    }
    if (allowed.length) {
      const methods = [...new Set(allowed)];
      if (methods.includes("GET")) methods.push("HEAD");
      throw new HttpError(405, `${req.method} is not allowed here: use ${methods.join(" or ")}`, {
        headers: { allow: methods.join(", ") },
      });
    }
    if (options.fallback && !own.has(path[0]!)) return await options.fallback(req);
    throw new HttpError(404, `No such route: ${path.length ? "/" + path.join("/") : "/"}`);
  };
}

/** A query flag: absent is false; `true`, `1` or empty are true; `false`, `0` false; anything else a 400. */
export const queryFlag = z.enum(["true", "false", "1", "0", ""]).optional()
  .transform((v) => v === "true" || v === "1" || v === "");
