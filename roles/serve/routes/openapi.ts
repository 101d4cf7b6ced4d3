/**
 * `GET /api/openapi.json` (with `thv serve --openapi`): the OpenAPI 3.1 document, generated once from the
 * routes' own schemas, and the docs page of roles/serve/routes/api_doc.ts. They need no token: they hold no data.
 * @module
 */
import { z } from "zod";
import { openApiDocument, type Route, route } from "../../../lib/api/mod.ts";
import { apiDocRoutes } from "./api_doc.ts";

/** The route that serves the document of `routes` (itself and the docs page included), and the docs page. */
export function openApiRoutes(routes: readonly Route[], version: string): Route[] {
  let doc: unknown;
  const docs = apiDocRoutes();
  const self = route({
    method: "GET",
    path: "/api/openapi.json",
    operationId: "getOpenApi",
    summary: "This API's OpenAPI 3.1 document",
    tag: "system",
    public: true,
    responses: { 200: { description: "The document", schema: z.record(z.string(), z.unknown()) } },
    handle: () => {
      doc ??= openApiDocument([...routes, self, ...docs], {
        title: "thv API",
        version,
        description: "The REST API of thv serve: workloads, groups, MCP clients, registry and secrets.",
      });
      return { status: 200, body: doc };
    },
  });
  return [self, ...docs];
}
