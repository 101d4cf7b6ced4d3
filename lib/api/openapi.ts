/**
 * The OpenAPI 3.1 document of a set of routes, generated from the zod schemas the router validates with
 * (zod's own JSON Schema output, draft 2020-12, which OpenAPI 3.1 uses). Schemas with a `meta({ id })` become
 * components; every operation also lists the errors any route can give (400 for bad input, 401 without the
 * token, 403 from the Host and Origin guards, 500), all with the one error body.
 * @module
 */
import { z } from "zod";
import { ApiError } from "./errors.ts";
import type { Route } from "./route.ts";

/** What the document says of the API itself. */
export interface ApiInfo {
  /** Title. */
  readonly title: string;
  /** The API's version (thv's). */
  readonly version: string;
  /** A paragraph on it. */
  readonly description?: string;
}

type Json = Record<string, unknown>;

const COMMON_ERRORS: Readonly<Record<number, string>> = {
  400: "The request does not fit: the message names the field",
  401: "No valid bearer token (Authorization: Bearer <token>, printed by thv serve)",
  403: "Host or Origin not allowed",
  500: "thv failed; its log says why",
};

type Io = "input" | "output";
const MARK = "#/thv-io/";

/**
 * Collects the `$defs` of every schema, as input and as output, into `components`. A component whose input
 * and output JSON Schemas differ (a default, a transform) is given twice: `<id>` as output, `<id>Input` as
 * input. Which is known only once every schema is in, so references are marked while adding and resolved
 * by {@linkcode Components.resolve}.
 */
class Components {
  readonly #defs: Record<Io, Map<string, Json>> = { input: new Map(), output: new Map() };

  /** The JSON Schema of `schema` as `io` sees it, its named parts moved to the components. */
  add(schema: z.ZodType, io: Io): Json {
    const json = z.toJSONSchema(schema, { target: "draft-2020-12", io, unrepresentable: "any" }) as Json;
    const defs = (json.$defs ?? {}) as Record<string, Json>;
    delete json.$defs;
    delete json.$schema;
    const mark = (value: unknown): unknown => {
      if (Array.isArray(value)) return value.map(mark);
      if (!value || typeof value !== "object") return value;
      const out: Json = {};
      for (const [k, v] of Object.entries(value)) {
        out[k] = k === "$ref" && typeof v === "string" && v.startsWith("#/$defs/")
          ? `${MARK}${io}/${v.slice(8)}`
          : mark(v);
      }
      return out;
    };
    for (const [id, def] of Object.entries(defs)) {
      const marked = mark(def) as Json;
      const seen = this.#defs[io].get(id);
      if (seen && JSON.stringify(seen) !== JSON.stringify(marked)) {
        throw new Error(`Two different schemas have the OpenAPI id ${id}: give each its own meta({ id })`);
      }
      this.#defs[io].set(id, marked);
    }
    return mark(json) as Json;
  }

  #name(io: Io, id: string): string {
    if (io === "output") return id;
    const output = this.#defs.output.get(id);
    const input = this.#defs.input.get(id);
    return output && input && JSON.stringify(output) !== JSON.stringify(input) ? `${id}Input` : id;
  }

  /** `value` with its marked references pointing at the components. */
  resolve<T>(value: T): T {
    const walk = (v: unknown): unknown => {
      if (Array.isArray(v)) return v.map(walk);
      if (!v || typeof v !== "object") return v;
      const out: Json = {};
      for (const [k, x] of Object.entries(v)) {
        if (k === "$ref" && typeof x === "string" && x.startsWith(MARK)) {
          const [io, ...id] = x.slice(MARK.length).split("/");
          out[k] = `#/components/schemas/${this.#name(io as Io, id.join("/"))}`;
        } else out[k] = walk(x);
      }
      return out;
    };
    return walk(value) as T;
  }

  /** The components' schemas, references resolved. */
  schemas(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [id, def] of this.#defs.output) out[id] = this.resolve(def);
    for (const [id, def] of this.#defs.input) {
      const name = this.#name("input", id);
      if (!(name in out)) out[name] = this.resolve(def);
    }
    return out;
  }
}

function parameters(route: Route, components: Components): Json[] {
  const out: Json[] = [];
  for (const [where, schema] of [["path", route.params], ["query", route.query]] as const) {
    if (!schema) continue;
    const json = components.add(schema, "input");
    const props = (json.properties ?? {}) as Record<string, Json>;
    const required = new Set((json.required ?? []) as string[]);
    for (const [name, prop] of Object.entries(props)) {
      const { description, ...rest } = prop;
      out.push({
        name,
        in: where,
        required: where === "path" || required.has(name),
        ...(description ? { description } : {}),
        schema: rest,
      });
    }
  }
  return out;
}

function responses(route: Route, components: Components, errorRef: Json): Json {
  const out: Json = {};
  for (const [status, spec] of Object.entries(route.responses)) {
    const content = spec.schema
      ? { "application/json": { schema: Number(status) >= 400 ? errorRef : components.add(spec.schema, "output") } }
      : spec.contentType
      ? { [spec.contentType]: { schema: { type: "string" } } }
      : undefined;
    out[status] = { description: spec.description, ...(content ? { content } : {}) };
  }
  for (const [status, description] of Object.entries(COMMON_ERRORS)) {
    if (status === "401" && route.public) continue;
    out[status] ??= { description, content: { "application/json": { schema: errorRef } } };
  }
  return out;
}

/** The OpenAPI 3.1 document of `routes`. */
export function openApiDocument(routes: readonly Route[], info: ApiInfo): Json {
  const components = new Components();
  const errorRef = components.add(z.object({ e: ApiError }), "output").properties as Json;
  const errorSchema = errorRef.e as Json;
  const paths: Record<string, Json> = {};
  for (const route of routes) {
    const operation: Json = {
      operationId: route.operationId,
      summary: route.summary,
      tags: [route.tag],
      parameters: parameters(route, components),
      ...(route.body
        ? {
          requestBody: {
            required: true,
            content: { "application/json": { schema: components.add(route.body, "input") } },
          },
        }
        : {}),
      responses: responses(route, components, errorSchema),
      ...(route.public ? { security: [] } : {}),
    };
    (paths[route.path] ??= {})[route.method.toLowerCase()] = operation;
  }
  return components.resolve({
    openapi: "3.1.0",
    info: { title: info.title, version: info.version, ...(info.description ? { description: info.description } : {}) },
    paths,
    components: {
      schemas: components.schemas(),
      securitySchemes: { bearer: { type: "http", scheme: "bearer", description: "The token thv serve printed" } },
    },
    security: [{ bearer: [] }],
  });
}
