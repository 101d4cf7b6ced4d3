/**
 * Every route of `thv serve`, by area; each area's module declares its routes over {@linkcode ServeDeps}.
 * @module
 */
import type { Route } from "../../../lib/api/mod.ts";
import type { ServeDeps } from "../deps.ts";
import { clientRoutes } from "./clients.ts";
import { groupRoutes } from "./groups.ts";
import { registryRoutes } from "./registry.ts";
import { secretRoutes } from "./secrets.ts";
import { systemRoutes } from "./system.ts";
import { workloadRoutes } from "./workloads.ts";

export { openApiRoutes } from "./openapi.ts";

/** The API's routes. */
export function apiRoutes(deps: ServeDeps): Route[] {
  return [
    ...systemRoutes(deps),
    ...workloadRoutes(deps),
    ...groupRoutes(deps),
    ...clientRoutes(deps),
    ...registryRoutes(),
    ...secretRoutes(deps),
  ];
}
