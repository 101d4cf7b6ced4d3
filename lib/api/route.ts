/**
 * A route of a JSON API, declared once: method, path template, the zod schemas of its path parameters,
 * query and body, its responses, and the handler. The router ({@linkcode apiHandler}) validates requests
 * with the schemas and the OpenAPI document ({@linkcode openApiDocument}) is generated from the same ones,
 * so the two cannot disagree.
 * @module
 */
import type { z } from "zod";

/** The HTTP methods an API route may answer. */
export type ApiMethod = "GET" | "POST" | "PUT" | "DELETE";

/** A response a route documents: its description and, for JSON, the schema of its body. */
export interface ResponseSpec {
  /** What it means. */
  readonly description: string;
  /** The JSON body's schema; absent for an empty body or a non-JSON one (then give `contentType`). */
  readonly schema?: z.ZodType;
  /** The content type of a non-JSON body (`text/plain`, `text/event-stream`). */
  readonly contentType?: string;
}

/** What a handler answers: a `Response` as it is, or a JSON body with its status (and header fields). */
export type Reply = Response | { readonly status: number; readonly body?: unknown; readonly headers?: HeadersInit };

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

/** What a handler receives: the parsed path parameters, query and body, the request and its signal. */
export interface RouteInput<P, Q, B> {
  /** Path parameters, parsed. */
  readonly params: Out<P>;
  /** Query parameters, parsed. */
  readonly query: Out<Q>;
  /** The JSON body, parsed. */
  readonly body: Out<B>;
  /** The request. */
  readonly req: Request;
  /** Aborts when the client goes away. */
  readonly signal: AbortSignal;
}

/** A route as declared, with its schemas' types flowing into the handler. */
export interface RouteSpec<
  P extends z.ZodType | undefined,
  Q extends z.ZodType | undefined,
  B extends z.ZodType | undefined,
> {
  /** Method. */
  readonly method: ApiMethod;
  /** Path template, `{name}` for a parameter (one segment). */
  readonly path: string;
  /** The OpenAPI operation id. */
  readonly operationId: string;
  /** One line on what it does. */
  readonly summary: string;
  /** The group it is listed under. */
  readonly tag: string;
  /** Path parameters (an object of string schemas). */
  readonly params?: P;
  /** Query parameters (an object of optional string schemas). */
  readonly query?: Q;
  /** The JSON body. */
  readonly body?: B;
  /** The responses it gives on success, and the errors (404, 409) it gives besides the common ones. */
  readonly responses: Readonly<Record<number, ResponseSpec>>;
  /** Served without the bearer token (health, the document itself). */
  readonly public?: boolean;
  /** Answers the request. */
  readonly handle: (input: RouteInput<P, Q, B>) => Reply | Promise<Reply>;
}

/** A route with its types erased, as the router and the document generator take it. */
export type Route = RouteSpec<z.ZodType | undefined, z.ZodType | undefined, z.ZodType | undefined>;

/**
 * Declares a route; the handler's input is typed from the schemas.
 * @example
 * ```ts
 * const get = route({ method: "GET", path: "/api/v1beta/groups/{name}", operationId: "getGroup", summary: "A group",
 *   tag: "groups", params: z.object({ name: z.string() }), responses: { 200: { description: "The group", schema: Group } },
 *   handle: async ({ params }) => ({ status: 200, body: await groups.get(params.name) }) });
 * ```
 */
export function route<
  P extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
>(spec: RouteSpec<P, Q, B>): Route {
  return spec as unknown as Route;
}
