/**
 * `/api/v1beta/clients` and `/api/v1beta/discovery/clients`: which MCP clients thv keeps configured, over
 * lib/clients as `thv client` does. Registering writes the running workloads into the client's own file.
 * A client is registered for groups (default: `default`) and gets their workloads; one registered before
 * groups gets every group's, and its `groups` answered are then every group.
 * @module
 */
import type { z } from "zod";
import { type Route, route } from "../../../lib/api/mod.ts";
import {
  CLIENT_NAMES,
  clientEnv,
  type ClientName,
  type ClientsContext,
  clientStatuses,
  registerClient,
  removeClient,
  type ServerEntry,
} from "../../../lib/clients/mod.ts";
import { NotFoundError } from "../../../lib/errors.ts";
import { HttpError } from "../../../lib/http/mod.ts";
import type { ServeDeps } from "../deps.ts";
import { badInputAs400 } from "./_bad_input.ts";
import {
  BulkClientRequest,
  ClientGroupParams,
  ClientParams,
  ClientStatusList,
  CreateClientRequest,
  RegisteredClient,
  RegisteredClientList,
} from "../schemas/clients.ts";

const TAG = "clients";
type Deps = Pick<ServeDeps, "workloads" | "env" | "paths">;

/** The client a path names; a 404 listing the known ones otherwise. */
function clientOf(name: string): ClientName {
  if (!(CLIENT_NAMES as readonly string[]).includes(name)) {
    throw new NotFoundError(`Unknown MCP client "${name}": use one of ${CLIENT_NAMES.join(", ")}`);
  }
  return name as ClientName;
}

/** `fn`'s result; a client file thv cannot edit (malformed: lib's SyntaxError) is a 409 with lib's message. */
async function editing<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof SyntaxError) throw new HttpError(409, error.message, { cause: error });
    throw error;
  }
}

/** The clients routes. */
export function clientRoutes(deps: Deps): Route[] {
  const ctx = (): ClientsContext => ({
    env: clientEnv(deps.env, Deno.build.os),
    configDir: deps.paths.config,
    groupsDir: deps.paths.groups,
  });
  const allGroups = async () => (await deps.workloads.groups.list()).map((g) => g.name);
  const running = async (): Promise<ServerEntry[]> =>
    (await deps.workloads.list()).filter((w) => w.state === "running")
      .map((w) => ({ name: w.name, url: w.url, group: w.group }));
  /** The groups each client gets the workloads of (every group for one registered before groups). */
  const followed = async (): Promise<Map<ClientName, string[]>> => {
    const every = await allGroups();
    return new Map(
      (await clientStatuses(ctx())).filter((s) => s.registered).map((s) => [s.name, [...(s.groups ?? every)]]),
    );
  };
  const register = async (
    names: readonly ClientName[],
    groups: readonly string[] | undefined,
  ): Promise<z.output<typeof RegisteredClient>[]> => {
    const servers = await running();
    for (const name of names) {
      await editing(() => registerClient(name, { ctx: ctx(), servers, ...(groups ? { groups } : {}) }));
    }
    const now = await followed();
    return names.map((name) => ({ name, groups: now.get(name) ?? [] }));
  };
  /**
   * Unregisters `names` (from `groups` only, when given), each of which must be registered (checked for all
   * before any is changed); one that follows every group cannot leave only some (lib's RangeError: a 400).
   */
  const unregister = async (names: readonly ClientName[], groups?: readonly string[]): Promise<void> => {
    const registered = await followed();
    const missing = names.find((n) => !registered.has(n));
    if (missing) throw new NotFoundError(`Client ${missing} is not registered: see GET /api/v1beta/clients`);
    const servers = groups?.length ? await running() : [];
    for (const name of names) {
      await badInputAs400(() => editing(() => removeClient(name, ctx(), groups?.length ? { groups, servers } : {})));
    }
  };
  return [
    route({
      method: "GET",
      path: "/api/v1beta/clients",
      operationId: "listClients",
      summary: "The registered MCP clients",
      tag: TAG,
      responses: { 200: { description: "The registered clients", schema: RegisteredClientList } },
      handle: async () => ({
        status: 200,
        body: [...(await followed())].map(([name, groups]) => ({ name, groups })),
      }),
    }),
    route({
      method: "POST",
      path: "/api/v1beta/clients",
      operationId: "registerClient",
      summary: "Register a client: write the running workloads into its config file and keep them in step",
      tag: TAG,
      body: CreateClientRequest,
      responses: {
        200: { description: "Registered", schema: RegisteredClient },
        404: { description: "No such group" },
        409: { description: "The client's config file cannot be edited (malformed): fix it" },
      },
      handle: async ({ body }) => ({ status: 200, body: (await register([body.name], body.groups))[0] }),
    }),
    route({
      method: "POST",
      path: "/api/v1beta/clients/register",
      operationId: "registerClients",
      summary: "Register several clients",
      tag: TAG,
      body: BulkClientRequest,
      responses: {
        200: { description: "Registered", schema: RegisteredClientList },
        404: { description: "No such group" },
        409: { description: "A client's config file cannot be edited (malformed): fix it" },
      },
      handle: async ({ body }) => ({ status: 200, body: await register([...new Set(body.names)], body.groups) }),
    }),
    route({
      method: "POST",
      path: "/api/v1beta/clients/unregister",
      operationId: "unregisterClients",
      summary: "Unregister several clients: take thv's entries out of their files",
      tag: TAG,
      body: BulkClientRequest,
      responses: { 204: { description: "Unregistered" }, 404: { description: "A client is not registered" } },
      handle: async ({ body }) => {
        await unregister([...new Set(body.names)], body.groups);
        return { status: 204 };
      },
    }),
    route({
      method: "DELETE",
      path: "/api/v1beta/clients/{name}",
      operationId: "unregisterClient",
      summary: "Unregister a client: take thv's entries out of its file",
      tag: TAG,
      params: ClientParams,
      responses: { 204: { description: "Unregistered" }, 404: { description: "Unknown or unregistered client" } },
      handle: async ({ params }) => {
        await unregister([clientOf(params.name)]);
        return { status: 204 };
      },
    }),
    route({
      method: "DELETE",
      path: "/api/v1beta/clients/{name}/groups/{group}",
      operationId: "unregisterClientFromGroup",
      summary: "Take a client out of a group (out of its last one, it is unregistered)",
      tag: TAG,
      params: ClientGroupParams,
      responses: { 204: { description: "Taken out" }, 404: { description: "Unknown client or group" } },
      handle: async ({ params }) => {
        const client = clientOf(params.name);
        await deps.workloads.groups.get(params.group); // an unknown group: a 404 naming it
        await unregister([client], [params.group]);
        return { status: 204 };
      },
    }),
    route({
      method: "GET",
      path: "/api/v1beta/discovery/clients",
      operationId: "discoverClients",
      summary: "Every MCP client thv can configure: whether it is installed and registered",
      tag: "discovery",
      responses: { 200: { description: "The clients", schema: ClientStatusList } },
      handle: async () => ({
        status: 200,
        body: {
          clients: (await clientStatuses(ctx())).map((s): z.output<typeof ClientStatusList>["clients"][number] => ({
            client_type: s.name,
            installed: s.installed,
            registered: s.registered,
            display_name: s.displayName,
            config_path: s.configPath,
            servers: [...s.entries],
          })),
        },
      }),
    }),
  ];
}
