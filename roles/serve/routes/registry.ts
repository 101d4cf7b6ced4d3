/**
 * The registry routes: ToolHive's `/api/v1beta/registry` read side over the registries thv has (one: the
 * built-in catalog, named `default`), and the upstream MCP registry's read API under
 * `/registry/{registryName}/v0.1`. thv has no write side (adding, changing, refreshing registries, registry
 * login), so those routes are absent.
 * @module
 */
import type { z } from "zod";
import { type Route, route } from "../../../lib/api/mod.ts";
import { NotFoundError } from "../../../lib/errors.ts";
import {
  builtinRegistry,
  type Registry,
  requireServer,
  upstreamLatest,
  upstreamServers,
} from "../../../lib/registry/mod.ts";
import {
  RegistryDetail,
  type RegistryInfo,
  RegistryList,
  RegistryParams,
  RegistryServerDetail,
  RegistryServerList,
  RegistryServerParams,
  UpstreamParams,
  UpstreamQuery,
  UpstreamServerList,
  UpstreamServerParams,
  UpstreamServerResponse,
} from "../schemas/registry.ts";
import { badInputAs400 } from "./_bad_input.ts";
import { serverView } from "./registry_view.ts";

const TAG = "registry";
/** The one registry's name, as ToolHive names its configured one. */
const DEFAULT_REGISTRY = "default";
const NOT_FOUND = { description: "No such registry or server" };

/** The registry named `name`; a 404 saying which there are otherwise. */
function registryNamed(name: string): Registry {
  if (name !== DEFAULT_REGISTRY) {
    throw new NotFoundError(`No registry named ${name}: thv has one, ${DEFAULT_REGISTRY} (its built-in catalog)`);
  }
  return builtinRegistry();
}

function info(registry: Registry): z.output<typeof RegistryInfo> {
  return {
    name: DEFAULT_REGISTRY,
    type: "default",
    source: "",
    version: registry.version,
    last_updated: registry.lastUpdated,
    server_count: registry.entries.length,
  };
}

/** The registry routes. */
export function registryRoutes(): Route[] {
  return [
    route({
      method: "GET",
      path: "/api/v1beta/registry",
      operationId: "listRegistries",
      summary: "The registries thv has",
      tag: TAG,
      responses: { 200: { description: "The registries", schema: RegistryList } },
      handle: () => ({ status: 200, body: { registries: [info(builtinRegistry())] } }),
    }),
    route({
      method: "GET",
      path: "/api/v1beta/registry/{name}",
      operationId: "getRegistry",
      summary: "A registry with its servers",
      tag: TAG,
      params: RegistryParams,
      responses: { 200: { description: "The registry", schema: RegistryDetail }, 404: NOT_FOUND },
      handle: ({ params }) => {
        const registry = registryNamed(params.name);
        return {
          status: 200,
          body: {
            ...info(registry),
            registry: {
              version: registry.version,
              last_updated: registry.lastUpdated,
              servers: Object.fromEntries(registry.entries.map((e) => [e.name, serverView(e)])),
              remote_servers: {},
            },
          },
        };
      },
    }),
    route({
      method: "GET",
      path: "/api/v1beta/registry/{name}/servers",
      operationId: "listRegistryServers",
      summary: "The servers of a registry",
      tag: TAG,
      params: RegistryParams,
      responses: { 200: { description: "The servers", schema: RegistryServerList }, 404: NOT_FOUND },
      handle: ({ params }) => ({
        status: 200,
        body: { servers: registryNamed(params.name).entries.map(serverView), remote_servers: [] },
      }),
    }),
    route({
      method: "GET",
      path: "/api/v1beta/registry/{name}/servers/{serverName}",
      operationId: "getRegistryServer",
      summary: "A server of a registry, by full or short name",
      tag: TAG,
      params: RegistryServerParams,
      responses: { 200: { description: "The server", schema: RegistryServerDetail }, 404: NOT_FOUND },
      handle: async ({ params }) => {
        const { entries } = registryNamed(params.name);
        // An ambiguous short name is lib's RangeError, listing the full names: a 400.
        const entry = await badInputAs400(() => requireServer(entries, params.serverName));
        return { status: 200, body: { server: serverView(entry), is_remote: false } };
      },
    }),
    route({
      method: "GET",
      path: "/registry/{registryName}/v0.1/servers",
      operationId: "listUpstreamServers",
      summary: "A page of a registry's servers, as the upstream MCP registry API answers",
      tag: TAG,
      params: UpstreamParams,
      query: UpstreamQuery,
      responses: { 200: { description: "A page of servers", schema: UpstreamServerList }, 404: NOT_FOUND },
      handle: ({ params, query }) => ({
        status: 200,
        body: upstreamServers(registryNamed(params.registryName), {
          ...(query.cursor !== undefined ? { cursor: query.cursor } : {}),
          ...(query.limit !== undefined ? { limit: query.limit } : {}),
          ...(query.search !== undefined ? { search: query.search } : {}),
        }),
      }),
    }),
    route({
      method: "GET",
      path: "/registry/{registryName}/v0.1/servers/{serverName}/versions/latest",
      operationId: "getUpstreamServerLatest",
      summary: "The latest version of a server, as the upstream MCP registry API answers",
      tag: TAG,
      params: UpstreamServerParams,
      responses: { 200: { description: "The server", schema: UpstreamServerResponse }, 404: NOT_FOUND },
      handle: ({ params }) => ({
        status: 200,
        body: upstreamLatest(registryNamed(params.registryName), params.serverName),
      }),
    }),
  ];
}
