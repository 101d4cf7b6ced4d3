/**
 * The shapes of the MCP clients routes (`/api/v1beta/clients`, `/api/v1beta/discovery/clients`), with
 * ToolHive's field names; thv's client names are those `thv client` takes.
 * @module
 */
import { z } from "zod";
import { CLIENT_NAMES } from "../../../lib/clients/mod.ts";
import { GroupName } from "./groups.ts";

/** An MCP client thv configures. */
export const ClientName = z.enum(CLIENT_NAMES).describe(`MCP client: one of ${CLIENT_NAMES.join(", ")}`);

const Groups = z.array(GroupName).describe("The groups whose workloads the client gets");

/** A registered client. */
export const RegisteredClient = z.object({
  name: ClientName,
  groups: Groups,
}).meta({ id: "RegisteredClient" });

/** `GET /clients`. */
export const RegisteredClientList = z.array(RegisteredClient).meta({ id: "RegisteredClientList" });

/** `POST /clients`. */
export const CreateClientRequest = z.strictObject({
  name: ClientName.describe("The client to register"),
  groups: Groups.optional().describe("The groups whose workloads it gets (default: the default group)"),
}).meta({ id: "CreateClientRequest" });

/** `POST /clients/register` and `/clients/unregister`. */
export const BulkClientRequest = z.strictObject({
  names: z.array(ClientName).min(1, "name at least one client").describe("The clients to act on"),
  groups: Groups.optional().describe(
    "The groups to register them for (default: default) or take them out of (default: every group)",
  ),
}).meta({ id: "BulkClientRequest" });

/** A path's `{name}` of a client (an unknown one is a 404, not a 400). */
export const ClientParams = z.object({ name: z.string().describe("MCP client name") });

/** `/clients/{name}/groups/{group}`. */
export const ClientGroupParams = z.object({
  name: z.string().describe("MCP client name"),
  group: GroupName.describe("The group to take the client out of"),
});

/** One client as discovery shows it. */
export const ClientStatus = z.object({
  client_type: ClientName,
  installed: z.boolean().describe("Whether the client looks installed (its config file or folder exists)"),
  registered: z.boolean().describe("Whether thv keeps its config file in step with the workloads"),
  display_name: z.string().describe("The product's name"),
  config_path: z.string().describe("Its MCP config file"),
  servers: z.array(z.string()).describe("The entries thv wrote there"),
}).meta({ id: "ClientStatus" });

/** `GET /discovery/clients`. */
export const ClientStatusList = z.object({
  clients: z.array(ClientStatus).describe("Every client thv can configure"),
}).meta({ id: "ClientStatusList" });
