/**
 * A JSON API declared as routes with zod schemas ({@linkcode route}): one router that validates requests
 * with them ({@linkcode apiHandler}) and one OpenAPI 3.1 document generated from them
 * ({@linkcode openApiDocument}). `thv serve` is built on it.
 * @module
 */
export { type ApiMethod, type Reply, type ResponseSpec, type Route, route, type RouteInput } from "./route.ts";
export { apiHandler, type ApiHandlerOptions, queryFlag } from "./router.ts";
export { type ApiInfo, openApiDocument } from "./openapi.ts";
export { ApiError, errorResponse, issueLine } from "./errors.ts";
