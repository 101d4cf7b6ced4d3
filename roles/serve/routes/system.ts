/**
 * The routes about the server itself: `/health` (no token needed) and `/api/v1beta/version`.
 * @module
 */
import { z } from "zod";
import { type Route, route } from "../../../lib/api/mod.ts";
import type { ServeDeps } from "../deps.ts";

/** thv's version, as `GET /api/v1beta/version` answers it. */
export const VersionInfo = z.object({ version: z.string().describe("thv's version") }).meta({ id: "VersionInfo" });

/** `/health` and `/api/v1beta/version`. */
export function systemRoutes(deps: Pick<ServeDeps, "version">): Route[] {
  return [
    route({
      method: "GET",
      path: "/health",
      operationId: "getHealth",
      summary: "Whether the API serves",
      tag: "system",
      public: true,
      responses: { 204: { description: "It serves" } },
      handle: () => ({ status: 204 }),
    }),
    route({
      method: "GET",
      path: "/api/v1beta/version",
      operationId: "getVersion",
      summary: "thv's version",
      tag: "system",
      responses: { 200: { description: "The version", schema: VersionInfo } },
      handle: () => ({ status: 200, body: { version: deps.version } }),
    }),
  ];
}
