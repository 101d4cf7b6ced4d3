/**
 * The MCP clients thv configures, where each keeps its MCP servers on each platform, and the shape of an
 * entry in that file (key names differ: `mcpServers` or `servers`, `url` or `serverUrl`, a `type` or not).
 * Pure.
 * @module
 */

/** The names of the clients thv can configure, as `thv client` takes them. */
export const CLIENT_NAMES = ["claude-desktop", "claude-code", "cursor", "vscode", "windsurf", "cline"] as const;

/** A client's name. */
export type ClientName = typeof CLIENT_NAMES[number];

/** The platforms thv knows client paths for. */
export type ClientOs = "linux" | "darwin" | "windows";

/** Where the user's folders are: HOME and the variables some clients follow. */
export interface ClientEnv {
  /** The home folder. */
  readonly home: string;
  /** `$XDG_CONFIG_HOME` (Linux; Electron apps follow it), when set to an absolute path. */
  readonly xdgConfigHome?: string;
  /** `%APPDATA%` (Windows). */
  readonly appData?: string;
  /** The platform. */
  readonly os: ClientOs;
}

/** How one MCP server of thv appears in a client's file. */
export interface ServerEntry {
  /** The entry's key: the workload's name. */
  readonly name: string;
  /** The proxy's URL (`…/mcp` for streamable HTTP, `…/sse` for legacy SSE). */
  readonly url: string;
  /** The workload's group (default: `default`); a client gets the workloads of the groups it is registered for. */
  readonly group?: string | undefined;
}

/** A client: its display name, its config file and the entry it expects. */
export interface ClientSpec {
  /** Name on the command line. */
  readonly name: ClientName;
  /** Name as the product calls itself. */
  readonly displayName: string;
  /** The JSON member that holds the servers. */
  readonly serversKey: "mcpServers" | "servers";
  /** The config file's path on a platform. */
  readonly configPath: (env: ClientEnv) => string;
  /** A folder whose presence means the client is installed (default: the config file's folder). */
  readonly installMarker?: (env: ClientEnv) => string;
  /** The value thv writes for a server. */
  readonly entry: (server: ServerEntry) => Readonly<Record<string, unknown>>;
}

/** Whether a proxy URL is the legacy SSE endpoint rather than streamable HTTP. */
function isSse(url: string): boolean {
  return new URL(url).pathname.replace(/\/+$/, "").endsWith("/sse");
}

/** The folder desktop apps keep their settings in: `~/.config` (or XDG), `~/Library/Application Support`, `%APPDATA%`. */
function appConfigDir(env: ClientEnv): string {
  if (env.os === "darwin") return `${env.home}/Library/Application Support`;
  if (env.os === "windows") return env.appData ?? `${env.home}/AppData/Roaming`;
  return env.xdgConfigHome ?? `${env.home}/.config`;
}

/** Every client thv configures, in {@linkcode CLIENT_NAMES} order. */
export const CLIENTS: readonly ClientSpec[] = Object.freeze([
  {
    name: "claude-desktop",
    displayName: "Claude Desktop",
    serversKey: "mcpServers",
    configPath: (env) => `${appConfigDir(env)}/Claude/claude_desktop_config.json`,
    // Claude Desktop's file starts only stdio servers; mcp-remote (npm) bridges stdio to the proxy's URL.
    entry: (s) => ({ command: "npx", args: ["-y", "mcp-remote", s.url] }),
  },
  {
    name: "claude-code",
    displayName: "Claude Code",
    serversKey: "mcpServers",
    configPath: (env) => `${env.home}/.claude.json`,
    installMarker: (env) => `${env.home}/.claude`, // the file's folder is the home folder itself
    entry: (s) => ({ type: isSse(s.url) ? "sse" : "http", url: s.url }),
  },
  {
    name: "cursor",
    displayName: "Cursor",
    serversKey: "mcpServers",
    configPath: (env) => `${env.home}/.cursor/mcp.json`,
    entry: (s) => ({ url: s.url }),
  },
  {
    name: "vscode",
    displayName: "VS Code (Copilot)",
    serversKey: "servers",
    configPath: (env) => `${appConfigDir(env)}/Code/User/mcp.json`,
    entry: (s) => ({ type: isSse(s.url) ? "sse" : "http", url: s.url }),
  },
  {
    name: "windsurf",
    displayName: "Windsurf",
    serversKey: "mcpServers",
    configPath: (env) => `${env.home}/.codeium/windsurf/mcp_config.json`,
    entry: (s) => ({ serverUrl: s.url }),
  },
  {
    name: "cline",
    displayName: "Cline",
    serversKey: "mcpServers",
    configPath: (env) =>
      `${appConfigDir(env)}/Code/User/globalStorage/saoudrizwan.claude-dev/settings/cline_mcp_settings.json`,
    entry: (s) => ({ type: isSse(s.url) ? "sse" : "streamableHttp", url: s.url }),
  },
]);

/** The client named `name`; the error lists the names thv knows. */
export function clientSpec(name: string): ClientSpec {
  const spec = CLIENTS.find((c) => c.name === name);
  if (!spec) throw new RangeError(`Unknown MCP client "${name}": use one of ${CLIENT_NAMES.join(", ")}`);
  return spec;
}

/** The {@linkcode ClientEnv} of a process environment and platform; throws when HOME is not set. */
export function clientEnv(env: Readonly<Record<string, string | undefined>>, os: string): ClientEnv {
  const home = env.HOME ?? env.USERPROFILE;
  if (!home) throw new Error("Cannot find the MCP clients' config files: set HOME");
  const xdg = env.XDG_CONFIG_HOME?.startsWith("/") ? env.XDG_CONFIG_HOME : undefined;
  const platform: ClientOs = os === "darwin" ? "darwin" : os === "windows" ? "windows" : "linux";
  return Object.freeze({
    home,
    os: platform,
    ...(xdg ? { xdgConfigHome: xdg } : {}),
    ...(env.APPDATA ? { appData: env.APPDATA } : {}),
  });
}
