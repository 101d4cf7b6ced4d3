/**
 * The `deno run` command of a sandboxed MCP server (pure): no prompts, no config or lock file of any
 * folder, only packages already in the cache (so a server cannot download code, nor reach the hosts Deno
 * lets modules be imported from), the loopback preload, the profile's permission flags, and an
 * environment that is exactly the RunConfig's `env_vars` plus what the runtime needs.
 * @module
 */
import type { RunConfig } from "../../run_config.ts";
import type { StdioCommand } from "../../transport/mod.ts";
import { landlockPlan, launcherCommand } from "./landlock.ts";
import { sandboxGrants, sandboxLayout, sandboxPermissionFlags } from "./permissions.ts";
import type { PreparedPackage } from "./prepare.ts";

/** Variables of thv's own environment the sandbox passes on: the TLS trust settings (Deno's and OpenSSL's). */
export const PASSED_ENV = [
  "DENO_CERT",
  "DENO_TLS_CA_STORE",
  "NODE_EXTRA_CA_CERTS",
  "SSL_CERT_FILE",
  "SSL_CERT_DIR",
] as const;

/** The npm registry Deno uses when none is configured. */
const DEFAULT_REGISTRY = "https://registry.npmjs.org/";

/** Options of {@linkcode sandboxCommand}. */
export interface SandboxOptions {
  /** The package, from {@linkcode preparePackage}. */
  readonly package: PreparedPackage;
  /** Deno's cache folder, the one the package was prepared into (statePaths(env).cache + "/deno"). */
  readonly denoDir: string;
  /** The workload's private work dir (absolute); its home and tmp folders are the server's. */
  readonly workDir: string;
  /** The loopback port thv serves an HTTP server on (its PORT, MCP_PORT and FASTMCP_PORT; it listens on a socket). */
  readonly hostPort?: number;
  /** The Deno binary; default `Deno.execPath()`. */
  readonly denoPath?: string;
  /** thv's own environment: only {@linkcode PASSED_ENV} is taken from it. */
  readonly hostEnv?: Readonly<Record<string, string | undefined>>;
  /** Confine the server with Landlock through the launcher; default: on Linux. */
  readonly landlock?: boolean;
}

/** The server's environment: `env_vars`, then the runtime's own variables, which win. */
export function sandboxEnv(config: RunConfig, options: SandboxOptions): Record<string, string> {
  const layout = sandboxLayout(options.workDir);
  const passed = PASSED_ENV.flatMap((k) => options.hostEnv?.[k] ? [[k, options.hostEnv[k]!] as const] : []);
  const registry = options.package.registryUrl;
  const port = String(options.hostPort);
  return {
    ...config.env_vars,
    HOME: layout.home,
    TMPDIR: layout.tmp,
    DENO_DIR: options.denoDir,
    NO_COLOR: "1", // Deno colours its errors even into a pipe; the log wants plain text
    ...Object.fromEntries(passed),
    ...(registry && registry !== DEFAULT_REGISTRY ? { NPM_CONFIG_REGISTRY: registry } : {}),
    MCP_TRANSPORT: config.transport,
    ...(config.transport === "stdio" ? {} : { PORT: port, MCP_PORT: port, FASTMCP_PORT: port, MCP_HOST: "127.0.0.1" }),
  };
}

/**
 * The command that runs `config`'s package in the sandbox; its working directory is the private home. On
 * Linux it is the Landlock launcher, which confines itself and then becomes the `deno run` command. The
 * caller creates the work dir and writes the launcher first ({@linkcode sandboxConnector} does).
 */
export function sandboxCommand(config: RunConfig, options: SandboxOptions): StdioCommand {
  const layout = sandboxLayout(options.workDir);
  const grantOptions = {
    workDir: options.workDir,
    packageDir: options.package.dir,
    ...(options.hostPort !== undefined ? { hostPort: options.hostPort } : {}),
  };
  const permissions = sandboxPermissionFlags(config, grantOptions);
  const env = sandboxEnv(config, options);
  const server: StdioCommand = {
    command: options.denoPath ?? Deno.execPath(),
    args: [
      "run",
      "--no-prompt",
      "--no-config",
      "--no-lock",
      "--cached-only",
      `--preload=${layout.preload}`,
      ...permissions,
      options.package.main,
      ...config.cmd_args,
    ],
    env,
    cwd: layout.home,
  };
  if (!(options.landlock ?? Deno.build.os === "linux")) return server;
  const http = config.transport !== "stdio";
  const grants = sandboxGrants(config, grantOptions);
  const plan = landlockPlan({ read: grants.read, write: [...grants.write, ...(http ? [layout.listenDir] : [])] }, {
    server,
    denoDir: options.denoDir,
    // Trust files named in thv's own environment only: a RunConfig variable does not widen the kernel's grants.
    extraReads: [
      layout.preload,
      ...PASSED_ENV.flatMap((k) => (k === "DENO_TLS_CA_STORE" || !options.hostEnv?.[k] ? [] : [options.hostEnv[k]!])),
    ],
    // Only its own unix socket (an HTTP server under a profile without network) needs no TCP at all.
    noTcp: !permissions.some((flag) => flag.startsWith("--allow-net") && !/^--allow-net=unix:[^,]*$/.test(flag)),
    noUnixSockets: !http,
    // The internet minus the local ranges, and no IPv6 address granted by name: IPv4 only (see the launcher).
    noInet6: permissions.some((flag) => flag.startsWith("--deny-net=")) &&
      !permissions.some((flag) => flag.startsWith("--allow-net=") && flag.includes("[")),
  });
  return launcherCommand(server, layout.launcher, plan);
}
