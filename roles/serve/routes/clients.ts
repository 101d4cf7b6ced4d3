/**
 * `/api/v1beta/clients` and `/api/v1beta/discovery/clients`: which MCP clients thv keeps configured, over
 * lib/clients as `thv client` does. Registering writes the running workloads into the client's own file.
 *
 * This thv's clients get every group's workloads (per-group registration is not in lib/clients yet), so
 * `groups` is accepted only absent, empty or `["default"]`, and anything else is refused with a 400 naming
 * the field (fail closed); the `groups` answered are the groups whose workloads the client really gets.
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
import { DEFAULT_GROUP } from "../../../lib/groups/mod.ts";
import { HttpError } from "../../../lib/http/mod.ts";
import type { ServeDeps } from "../deps.ts";
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

/** Refuses groups this thv cannot register a client for on their own (see the module's note). */
function checkGroups(groups: readonly string[] | undefined, field: string): void {
  const other = (groups ?? []).find((g) => g !== DEFAULT_GROUP);
  if (other !== undefined) {
    throw new HttpError(
      400,
      `${field}: registering a client for group ${JSON.stringify(other)} alone is not available in this thv ` +
        `(clients get every group's workloads): leave ${field} out or give ["${DEFAULT_GROUP}"]`,
    );
  }
}

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
  const ctx = (): ClientsContext => ({ env: clientEnv(deps.env, Deno.build.os), configDir: deps.paths.config });
  const allGroups = async () => (await deps.workloads.groups.list()).map((g) => g.name);
  const running = async (): Promise<ServerEntry[]> =>
    (await deps.workloads.list()).filter((w) => w.state === "running").map((w) => ({ name: w.name, url: w.url }));
  const register = async (names: readonly ClientName[]): Promise<z.output<typeof RegisteredClient>[]> => {
    const servers = await running();
    for (const name of names) await editing(() => registerClient(name, { ctx: ctx(), servers }));
    const groups = await allGroups();
    return names.map((name) => ({ name, groups }));
  };
  /** Unregisters `names`, each of which must be registered (checked for all before any is changed). */
  const unregister = async (names: readonly ClientName[]): Promise<void> => {
    const registered = new Set((await clientStatuses(ctx())).filter((s) => s.registered).map((s) => s.name));
    const missing = names.find((n) => !registered.has(n));
    if (missing) throw new NotFoundError(`Client ${missing} is not registered: see GET /api/v1beta/clients`);
    for (const name of names) await editing(() => removeClient(name, ctx()));
  };
  return [
    route({
      method: "GET",
      path: "/api/v1beta/clients",
      operationId: "listClients",
      summary: "The registered MCP clients",
      tag: TAG,
      responses: { 200: { description: "The registered clients", schema: RegisteredClientList } },
      handle: async () => {
        const groups = await allGroups();
        const statuses = (await clientStatuses(ctx())).filter((s) => s.registered);
        return { status: 200, body: statuses.map((s) => ({ name: s.name, groups })) };
      },
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
        409: { description: "The client's config file cannot be edited (malformed): fix it" },
      },
      handle: async ({ body }) => {
        checkGroups(body.groups, "body.groups");
        return { status: 200, body: (await register([body.name]))[0] };
      },
    }),
    route({
      method: "POST",
      path: "/api/v1beta/clients/register",
      operationId: "registerClients",
      summary: "Register several clients",
      tag: TAG,
      body: BulkClientRequest,
      responses: { 200: { description: "Registered", schema: RegisteredClientList } },
      handle: async ({ body }) => {
        checkGroups(body.groups, "body.groups");
        return { status: 200, body: await register([...new Set(body.names)]) };
      },
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
        checkGroups(body.groups, "body.groups");
        await unregister([...new Set(body.names)]);
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
      summary: "Take a client out of a group (only default here: it then gets no workloads)",
      tag: TAG,
      params: ClientGroupParams,
      responses: { 204: { description: "Taken out" }, 404: { description: "Unknown client or group" } },
      handle: async ({ params }) => {
        const client = clientOf(params.name);
        await deps.workloads.groups.get(params.group); // an unknown group: a 404 naming it
        checkGroups([params.group], "path.group");
        await unregister([client]);
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
