/**
 * Where the laptop tool keeps its state (design.md §3, the XDG base directories): RunConfigs under
 * `$XDG_STATE_HOME/toolhive/runconfigs/` (and groups under `groups/`), statuses, PIDs and logs under `$XDG_DATA_HOME/toolhive/`, and
 * configuration under `$XDG_CONFIG_HOME/toolhive/`. The same layout as ToolHive's, so both read each other's
 * files.
 * @module
 */

/** The folders thv uses. */
export interface StatePaths {
  /** RunConfig files, `<name>.json`. */
  readonly runConfigs: string;
  /** Group files, `<name>.json` (lib/groups). */
  readonly groups: string;
  /** Workload status files, `<name>.json`. */
  readonly statuses: string;
  /** Proxy PID files, `toolhive-<name>.pid`. */
  readonly pids: string;
  /** Proxy logs, `<name>.log` (and a sandboxed server's own output, `<name>-server.log`). */
  readonly logs: string;
  /** Secret values of workloads, `<name>.json` (their RunConfigs hold only references). */
  readonly secrets: string;
  /** Locks of workloads being changed (run, start, stop, rm), `<name>.lock`, there only while held. */
  readonly locks: string;
  /** Private folders of sandboxed servers (their home and temp), `<name>/`. */
  readonly sandboxes: string;
  /** `thv serve`'s files: its bearer token (`token`, mode 0600), while it runs. */
  readonly serve: string;
  /** Configuration (`config.yaml`). */
  readonly config: string;
  /** Caches (downloaded packages, registry data). */
  readonly cache: string;
}

/** Workload names: what may become a file name, a container name and a DNS label. */
export const WORKLOAD_NAME = /^[a-z0-9]([a-z0-9_.-]{0,61}[a-z0-9])?$/;

/** Computes the folders from the environment (HOME and the XDG variables); pure. */
export function statePaths(env: Readonly<Record<string, string | undefined>>): StatePaths {
  const home = env.HOME;
  const base = (xdg: string | undefined, fallback: string) => {
    if (xdg && xdg.startsWith("/")) return xdg; // relative XDG values are ignored, as the spec says
    if (!home) throw new Error(`Cannot place thv's files: set HOME or ${fallback.split("/")[0]}`);
    return `${home}/${fallback}`;
  };
  const state = `${base(env.XDG_STATE_HOME, ".local/state")}/toolhive`;
  const data = `${base(env.XDG_DATA_HOME, ".local/share")}/toolhive`;
  return {
    runConfigs: `${state}/runconfigs`,
    groups: `${state}/groups`,
    statuses: `${data}/statuses`,
    pids: `${data}/pids`,
    logs: `${data}/logs`,
    locks: `${data}/locks`,
    sandboxes: `${data}/sandboxes`,
    secrets: `${data}/secrets`,
    serve: `${data}/serve`,
    config: `${base(env.XDG_CONFIG_HOME, ".config")}/toolhive`,
    cache: `${base(env.XDG_CACHE_HOME, ".cache")}/toolhive`,
  };
}

/** Checks a workload name; the error says what is allowed. */
export function checkWorkloadName(name: string): string {
  if (!WORKLOAD_NAME.test(name)) {
    throw new RangeError(
      `"${name}" is not a workload name: use 1 to 63 lowercase letters, digits, '-', '_' or '.', starting and ending with a letter or digit`,
    );
  }
  return name;
}
