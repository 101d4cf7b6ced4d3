/**
 * `GET /api/doc` (with `thv serve --openapi`): Swagger UI over `/api/openapi.json`, served from the files of
 * the npm package swagger-ui-dist (installed with thv's other npm packages; deno compile embeds them with
 * `--include`, scripts/compile.sh), so the page loads nothing from elsewhere. Public, like the document: it
 * holds no data; "Try it out" needs the token (Authorize, or the cookie of the printed link).
 * @module
 */
import { z } from "zod";
import { type Route, route } from "../../../lib/api/mod.ts";

/** The folder of swagger-ui-dist's files (deno compile keeps the path under the binary's root). */
export const SWAGGER_UI_DIST = new URL("../../../node_modules/swagger-ui-dist/", import.meta.url);

/** The package's files the page loads, and their content types. */
export const SWAGGER_UI_FILES: Readonly<Record<string, string>> = {
  "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
  "swagger-ui.css": "text/css; charset=utf-8",
};

const INDEX = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>thv API</title>
<link rel="stylesheet" href="/api/doc/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/api/doc/swagger-ui-bundle.js"></script>
<script src="/api/doc/init.js"></script>
</body>
</html>
`;

// validatorUrl null: Swagger UI would otherwise send the document to an online validator.
const INIT = `window.ui = SwaggerUIBundle({ url: "/api/openapi.json", dom_id: "#swagger-ui", deepLinking: true,
  validatorUrl: null, persistAuthorization: false });
`;

/** Swagger UI sets inline styles and shows data: images; everything else is its own origin's. */
const CSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

function answer(body: string | Uint8Array<ArrayBuffer>, type: string): Response {
  const headers = new Headers({
    "content-type": type,
    "cache-control": "no-cache",
    "x-content-type-options": "nosniff",
  });
  if (type.startsWith("text/html")) headers.set("content-security-policy", CSP);
  return new Response(body, { headers });
}

/** The docs page's routes: the page, its start script, and the package's files (read once, on first use). */
export function apiDocRoutes(dist: URL = SWAGGER_UI_DIST): Route[] {
  const files = new Map<string, Promise<Uint8Array<ArrayBuffer>>>();
  const read = (name: string) => {
    let file = files.get(name);
    if (!file) {
      file = Deno.readFile(new URL(name, dist)).catch((e) => {
        files.delete(name);
        throw new Error(`Cannot read Swagger UI's ${name} in ${dist.pathname}: run deno install`, { cause: e });
      });
      files.set(name, file);
    }
    return file;
  };
  const names = Object.keys(SWAGGER_UI_FILES) as [string, ...string[]];
  return [
    route({
      method: "GET",
      path: "/api/doc",
      operationId: "getApiDoc",
      summary: "This API's docs page (Swagger UI over /api/openapi.json)",
      tag: "system",
      public: true,
      responses: { 200: { description: "The page", contentType: "text/html" } },
      handle: () => answer(INDEX, "text/html; charset=utf-8"),
    }),
    route({
      method: "GET",
      path: "/api/doc/{file}",
      operationId: "getApiDocFile",
      summary: "A file of the docs page",
      tag: "system",
      public: true,
      params: z.object({ file: z.enum(["init.js", ...names]).describe("The file's name") }),
      responses: {
        200: { description: "The file", contentType: "text/javascript" },
      },
      handle: async ({ params }) =>
        params.file === "init.js"
          ? answer(INIT, "text/javascript; charset=utf-8")
          : answer(await read(params.file), SWAGGER_UI_FILES[params.file]!),
    }),
  ];
}
