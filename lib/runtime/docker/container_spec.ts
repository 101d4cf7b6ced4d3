/**
 * The container a workload runs in, computed from its RunConfig (pure, so it is table-tested): the thv
 * labels, no capabilities, no privilege escalation, the permission profile's mounts and network, stdin
 * kept open for stdio servers, and HTTP servers published on 127.0.0.1 only.
 * @module
 */
import type Docker from "dockerode";
import type { RunConfig } from "../../run_config.ts";

/** Labels on every thv workload container (the same keys as ToolHive's). */
export const LABELS = {
  managed: "toolhive",
  name: "toolhive-name",
  baseName: "toolhive-basename",
  transport: "toolhive-transport",
  port: "toolhive-port",
  networkIsolation: "toolhive-network-isolation",
  group: "toolhive-group",
} as const;

/** What the profile lets the container reach. */
export interface NetworkAccess {
  /** `none`: no network at all; `bridge`: the engine's default network. */
  readonly mode: "none" | "bridge";
  /** Whether the network is restricted (true only for `none`: there is no egress filter yet). */
  readonly isolated: boolean;
}

/**
 * Decides network access from the RunConfig's permission profile: nothing unless the profile grants it. A
 * profile that allows only some hosts or ports is refused (RangeError): containers have no egress filter yet,
 * and running one with the engine's whole network would ignore the limit (fail closed).
 */
export function networkAccess(config: RunConfig): NetworkAccess {
  const named = config.permission_profile_name_or_path;
  if (config.permission_profile) {
    const outbound = config.permission_profile.network?.outbound;
    if (outbound?.insecure_allow_all) return { mode: "bridge", isolated: false };
    const limited = [
      ...((outbound?.allow_host?.length ?? 0) > 0 ? ["allow_host"] : []),
      ...((outbound?.allow_port?.length ?? 0) > 0 ? ["allow_port"] : []),
    ];
    if (limited.length > 0) {
      throw new RangeError(
        `Permission profile network.outbound.${limited.join(" and ")} cannot be enforced for a container yet ` +
          "(there is no egress filter): use --permission-profile network for all outbound traffic or none for " +
          "none, or run an npm package in the Deno sandbox, which enforces it",
      );
    }
    return { mode: "none", isolated: true };
  }
  return named === "network" ? { mode: "bridge", isolated: false } : { mode: "none", isolated: true };
}

/** Turns a mount entry (`/path` or `host:container`) into a bind; `..` and NUL are refused by name. */
export function bindOf(entry: string, access: "ro" | "rw"): string {
  if (entry.includes("\0") || entry.split(/[:/]/).includes("..")) {
    throw new RangeError(`Mount ${JSON.stringify(entry)} is not allowed: use absolute paths without '..'`);
  }
  const [host = "", container = host] = entry.split(":");
  if (!host.startsWith("/") || !container.startsWith("/")) {
    throw new RangeError(`Mount ${JSON.stringify(entry)} is not allowed: use absolute paths (host or host:container)`);
  }
  return `${host}:${container}:${access}`;
}

/** Options the RunConfig does not carry. */
export interface ContainerOptions {
  /** Host port that publishes an HTTP server's `target_port` (127.0.0.1 only). */
  readonly hostPort?: number;
}

/** The create options of the workload's container. */
export function containerSpec(config: RunConfig, options: ContainerOptions = {}): Docker.ContainerCreateOptions {
  const http = config.transport !== "stdio";
  const target = config.target_port ?? config.port;
  if (http && options.hostPort === undefined) {
    throw new TypeError(`Workload ${config.name} speaks ${config.transport}: a host port to publish it on is needed`);
  }
  const net = networkAccess(config);
  if (http && net.mode === "none") {
    throw new RangeError(
      `Workload ${config.name} speaks ${config.transport} but its permission profile allows no network, so it could ` +
        "not be reached: use the network profile, or run it over stdio",
    );
  }
  const profile = config.permission_profile;
  const binds = [
    ...config.volumes.map((v) => (v.endsWith(":ro") ? bindOf(v.slice(0, -3), "ro") : bindOf(v, "rw"))),
    ...(profile?.read ?? []).map((p) => bindOf(p, "ro")),
    ...(profile?.write ?? []).map((p) => bindOf(p, "rw")),
  ];
  const env = {
    ...config.env_vars,
    MCP_TRANSPORT: config.transport,
    ...(http ? { MCP_PORT: String(target), FASTMCP_PORT: String(target), MCP_HOST: "0.0.0.0" } : {}),
  };
  return {
    name: config.name,
    Image: config.image,
    ...(config.cmd_args.length ? { Cmd: [...config.cmd_args] } : {}),
    Env: Object.keys(env).sort().map((k) => `${k}=${env[k as keyof typeof env]}`),
    Labels: {
      ...config.container_labels,
      [LABELS.managed]: "true",
      [LABELS.name]: config.name,
      [LABELS.baseName]: config.name,
      [LABELS.transport]: config.transport,
      [LABELS.port]: String(config.port),
      [LABELS.networkIsolation]: String(net.isolated),
      [LABELS.group]: config.group ?? "default",
    },
    ...(http ? { ExposedPorts: { [`${target}/tcp`]: {} } } : {
      OpenStdin: true,
      StdinOnce: true, // closing the attach closes the server's stdin, on Docker as on Podman
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
      Tty: false,
    }),
    HostConfig: {
      CapDrop: ["ALL"],
      SecurityOpt: ["no-new-privileges"],
      NetworkMode: net.mode,
      ...(binds.length ? { Binds: binds } : {}),
      ...(http
        ? { PortBindings: { [`${target}/tcp`]: [{ HostIp: "127.0.0.1", HostPort: String(options.hostPort) }] } }
        : {}),
    },
  };
}
