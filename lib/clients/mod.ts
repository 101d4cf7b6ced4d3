/**
 * MCP client configuration: thv's servers written into (and taken out of) the real config files of Claude
 * Desktop, Claude Code, Cursor, VS Code, Windsurf and Cline, keeping the user's other settings and comments
 * byte for byte, with a backup and an atomic replace. Shared by `thv client` and `thv serve`.
 * @module
 */
export {
  CLIENT_NAMES,
  type ClientEnv,
  clientEnv,
  type ClientName,
  type ClientOs,
  CLIENTS,
  type ClientSpec,
  clientSpec,
  type ServerEntry,
} from "./clients.ts";
export { BACKUP_SUFFIX } from "./config_file.ts";
export { checkConfig, memberValue, withMember, withoutMember } from "./edit.ts";
export {
  addServerToClients,
  type ClientsContext,
  type ClientStatus,
  clientStatuses,
  registerClient,
  removeClient,
  removeServerFromClients,
  type SyncResult,
} from "./manage.ts";
export {
  type ClientGroups,
  readRegistered,
  readRegistrations,
  type Registered,
  registeredPath,
  type Registrations,
} from "./registered.ts";
export { type ClientSnippet, clientSnippets } from "./snippet.ts";
