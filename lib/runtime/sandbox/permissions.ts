/**
 * The Deno permission flags of a sandboxed MCP server, computed from its RunConfig's permission profile
 * (pure, so it is table-tested). Nothing is granted unless the profile grants it, except what every
 * server needs: its environment (which is exactly what the sandbox passes), `os.homedir()` (which answers
 * the private HOME), and its private home, temp folder and own package files.
 * @module
 */
import type { RunConfig } from "../../run_config.ts";
import { localDenyList } from "./local_ranges.ts";

/** The permission profile fields the sandbox applies. */
type Profile = NonNullable<RunConfig["permission_profile"]>;

/** Where a sandboxed workload keeps its private files, inside the caller's per-workload work dir. */
export interface SandboxLayout {
  /** HOME and the working directory; readable and writable. */
  readonly home: string;
  /** TMPDIR; readable and writable. */
  readonly tmp: string;
  /** The loopback preload module thv writes; only thv writes it. */
  readonly preload: string;
  /** The Landlock launcher thv writes; the server cannot read it. */
  readonly launcher: string;
  /** The folder of the unix socket an HTTP server listens on (thv bridges its loopback port to it). */
  readonly listenDir: string;
  /** That socket. */
  readonly socket: string;
}

/** The private folders and files of a workload whose work dir is `workDir`. */
export function sandboxLayout(workDir: string): SandboxLayout {
  const dir = workDir.replace(/\/+$/, "");
  return {
    home: `${dir}/home`,
    tmp: `${dir}/tmp`,
    preload: `${dir}/loopback_preload.mjs`,
    launcher: `${dir}/sandbox_launcher.mjs`,
    listenDir: `${dir}/listen`,
    socket: `${dir}/listen/mcp.sock`,
  };
}

/** Options the RunConfig does not carry. */
export interface SandboxPermissionOptions {
  /** The workload's private work dir (absolute). */
  readonly workDir: string;
  /** The loopback port thv serves an HTTP server on (the server itself listens on the layout's socket). */
  readonly hostPort?: number;
  /** The package's own folder, which it may read. */
  readonly packageDir?: string;
}

/**
 * The profile a RunConfig asks for: its inline `permission_profile`, else the built-in named one (`none`,
 * the default, or `network`). A profile file must have been read into `permission_profile` already.
 */
export function sandboxProfile(config: RunConfig): Profile {
  if (config.permission_profile) return config.permission_profile;
  const name = config.permission_profile_name_or_path ?? "none";
  if (name === "none") return {};
  if (name === "network") return { network: { outbound: { insecure_allow_all: true } } };
  throw new RangeError(
    `Permission profile ${JSON.stringify(name)} of workload ${config.name} is not loaded: ` +
      "read the profile file into permission_profile, or use none or network",
  );
}

/** Turns a mount entry (`/path` or `host:container`) into the host path; relative paths and `..` are refused. */
export function hostPathOf(entry: string, field: string): string {
  if (entry.split(/[:/]/).includes("..")) {
    throw new RangeError(`${field} entry ${JSON.stringify(entry)} is not allowed: use absolute paths without '..'`);
  }
  return grantablePath(entry.split(":")[0] ?? "", `${field} entry ${JSON.stringify(entry)}`);
}

/** Checks that `path` is one Deno can grant: absolute, no `..`, NUL or comma; drops a trailing slash. */
function grantablePath(path: string, what: string): string {
  if (path.includes("\0") || path.split("/").includes("..") || !path.startsWith("/")) {
    throw new RangeError(`${what} is not allowed: use absolute paths without '..'`);
  }
  if (path.includes(",")) throw new RangeError(`${what} is not allowed: Deno cannot grant a path with a comma`);
  return path.length > 1 ? path.replace(/\/+$/, "") : path;
}

const LABEL = "[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?";
const HOSTNAME = new RegExp(`^(?:\\*?\\.)?${LABEL}(?:\\.${LABEL})*$`);
const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\/(?:3[0-2]|[12]?\d))?$/;

/**
 * An `allow_host` entry in Deno's `--allow-net` form: a host name (`.example.com` and `*.example.com` both
 * mean the domain and its subdomains, as in ToolHive's Squid ACLs), an IPv4 address or CIDR block, or an
 * IPv6 address (bracketed for Deno).
 */
export function denoHost(entry: string): string {
  if (IPV4.test(entry)) return entry;
  if (HOSTNAME.test(entry) && !/^[\d.]+$/.test(entry)) return entry.startsWith(".") ? `*${entry}` : entry;
  const v6 = entry.replace(/^\[(.*)\]$/, "$1");
  if (v6.includes(":") && URL.canParse(`http://[${v6}]/`)) return new URL(`http://[${v6}]/`).hostname;
  throw new RangeError(
    `Permission profile network.outbound.allow_host entry ${JSON.stringify(entry)} is not allowed: ` +
      "use a host name (optionally .domain or *.domain), an IPv4 address or CIDR block, or an IPv6 address",
  );
}

function netFlags(profile: Profile, socket: string | undefined): string[] {
  const outbound = profile.network?.outbound;
  const listener = socket ? [`unix:${socket}`] : [];
  if (outbound?.insecure_allow_all) return ["--allow-net", `--deny-net=${localDenyList([]).join(",")}`];
  const hosts = (outbound?.allow_host ?? []).map(denoHost);
  const ports = outbound?.allow_port ?? [];
  if (ports.length > 0 && hosts.length === 0) {
    throw new RangeError(
      `Permission profile network.outbound.allow_port ${JSON.stringify(ports)} has no allow_host: the Deno ` +
        "sandbox cannot allow a port on every host; list the hosts, or use insecure_allow_all",
    );
  }
  const entries = ports.length > 0 ? hosts.flatMap((h) => ports.map((p) => `${h}:${p}`)) : hosts;
  if (entries.length === 0) return listener.length > 0 ? [`--allow-net=${listener.join(",")}`] : [];
  // A host name may resolve to a local address: those stay denied unless the profile names them by address.
  const named = hosts.some((h) => !/^[\d./]+$/.test(h) && !h.startsWith("["));
  return [
    `--allow-net=${unique([...entries, ...listener]).join(",")}`,
    ...(named ? [`--deny-net=${localDenyList(entries).join(",")}`] : []),
  ];
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

/** The folders and files a workload may read, and those it may also write (host paths). */
export interface SandboxGrants {
  /** Readable paths (the writable ones included). */
  readonly read: readonly string[];
  /** Readable and writable paths. */
  readonly write: readonly string[];
}

/**
 * What a workload may read and write. Reads: its home, temp folder and package folder, the profile's `read`
 * and `write` paths and the RunConfig's `volumes` (host side). Writes: its home and temp folder, `write`
 * paths and volumes without `:ro`.
 */
export function sandboxGrants(config: RunConfig, options: SandboxPermissionOptions): SandboxGrants {
  const profile = sandboxProfile(config);
  const layout = sandboxLayout(grantablePath(options.workDir, `Sandbox work dir ${JSON.stringify(options.workDir)}`));
  const volumes = config.volumes.map((v) => v.endsWith(":ro") ? { ro: true, v: v.slice(0, -3) } : { ro: false, v });
  const write = [
    layout.home,
    layout.tmp,
    ...(profile.write ?? []).map((p) => hostPathOf(p, "Permission profile write")),
    ...volumes.filter((m) => !m.ro).map((m) => hostPathOf(m.v, "Volume")),
  ];
  const read = [
    ...write.slice(0, 2),
    ...(options.packageDir ? [grantablePath(options.packageDir, `Package folder ${options.packageDir}`)] : []),
    ...(profile.read ?? []).map((p) => hostPathOf(p, "Permission profile read")),
    ...write.slice(2),
    ...volumes.filter((m) => m.ro).map((m) => hostPathOf(m.v, "Volume")),
  ];
  return { read: unique(read), write: unique(write) };
}

/**
 * The `deno run` permission flags of a sandboxed workload: the {@linkcode sandboxGrants} as
 * `--allow-read`/`--allow-write`, and the network: nothing under `none`; the internet (everything but the
 * local ranges) under `network` or `insecure_allow_all`; else every `allow_host` (on each `allow_port`, when
 * some are listed), with the local ranges denied when a host name could resolve into them. An HTTP server
 * also gets the unix socket it listens on.
 * @example
 * sandboxPermissionFlags(config, { workDir: "/state/w/echo", hostPort: 41000 });
 * // ["--allow-env", "--allow-sys=homedir",
 * //  "--allow-read=/state/w/echo/home,/state/w/echo/tmp,/state/w/echo/listen/mcp.sock",
 * //  "--allow-write=/state/w/echo/home,/state/w/echo/tmp,/state/w/echo/listen/mcp.sock",
 * //  "--allow-net=unix:/state/w/echo/listen/mcp.sock"]
 */
export function sandboxPermissionFlags(config: RunConfig, options: SandboxPermissionOptions): string[] {
  const profile = sandboxProfile(config);
  if (profile.privileged) {
    throw new RangeError(
      `Permission profile of workload ${config.name} asks for privileged: the Deno sandbox has no privileged ` +
        "mode; run it in a container instead",
    );
  }
  const { read, write } = sandboxGrants(config, options);
  const http = config.transport !== "stdio";
  if (http && options.hostPort === undefined) {
    throw new TypeError(`Workload ${config.name} speaks ${config.transport}: a loopback port to listen on is needed`);
  }
  const socket = http ? [sandboxLayout(options.workDir).socket] : [];
  if (socket[0] && new TextEncoder().encode(socket[0]).length > 107) {
    throw new RangeError(
      `Sandbox socket ${socket[0]} of workload ${config.name} is longer than a unix socket path may be (107 ` +
        "bytes): use a shorter workload name or a shorter XDG_DATA_HOME",
    );
  }
  return [
    "--allow-env",
    "--allow-sys=homedir",
    `--allow-read=${[...read, ...socket].join(",")}`,
    `--allow-write=${[...write, ...socket].join(",")}`,
    ...netFlags(profile, socket[0]),
  ];
}
