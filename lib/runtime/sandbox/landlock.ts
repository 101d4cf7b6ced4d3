/**
 * The Landlock confinement of a sandboxed server (pure): which paths the kernel lets the process reach, and
 * the launcher command that applies them before it becomes the server. Deno's own `--allow-read`/
 * `--allow-write` checks compare path strings, so a symlink inside a granted folder leads anywhere; Landlock
 * checks the resolved file, so the same grants hold against links (docs/decisions/006-sandbox-confinement.md).
 * @module
 */
import type { StdioCommand } from "../../transport/mod.ts";
import type { LandlockPlan, LandlockRule } from "./landlock_launcher.ts";
import type { SandboxGrants } from "./permissions.ts";

/**
 * What the Deno runtime itself reads on Linux, found by tracing it (strace) under an empty ruleset: its
 * shared libraries, name resolution and TLS trust files, entropy, and its own /proc and CPU facts. None of
 * it is granted to the server's code: Deno's permission flags still apply on top.
 */
export const RUNTIME_RULES: readonly LandlockRule[] = [
  ...["/usr/lib", "/usr/lib64", "/lib", "/lib64"].map((path) => ({ path, access: "rx" as const, optional: true })),
  ...[
    "/etc/ld.so.cache",
    "/etc/ssl",
    "/etc/ca-certificates",
    "/etc/pki",
    "/usr/share/ca-certificates",
    "/etc/resolv.conf",
    "/etc/hosts",
    "/etc/nsswitch.conf",
    "/etc/host.conf",
    "/etc/gai.conf",
    "/etc/localtime",
    "/usr/share/zoneinfo",
    "/dev/urandom",
    "/dev/random",
    "/proc/self",
    "/proc/stat",
    "/proc/meminfo",
    "/sys/devices/system/cpu",
    "/sys/fs/cgroup",
  ].map((path) => ({ path, access: "ro" as const, optional: true })),
  { path: "/dev/null", access: "rw", optional: true },
];

/** Inputs of {@linkcode landlockPlan} besides the grants. */
export interface LandlockInputs {
  /** The server's command (the Deno binary and its `run` arguments). */
  readonly server: StdioCommand;
  /** Deno's cache: the runtime reads the package from it (read-only: a server must not alter another's code). */
  readonly denoDir: string;
  /** Files the runtime reads for the server that are outside the grants: the preload, TLS trust files. */
  readonly extraReads: readonly string[];
  /** No TCP at all (the profile grants no network). */
  readonly noTcp: boolean;
  /** No unix sockets (a stdio server: it needs none, and a bare `--allow-net` would allow any it can write). */
  readonly noUnixSockets: boolean;
  /** No IPv6 sockets (the local IPv6 ranges cannot be denied by `--deny-net`: see the launcher). */
  readonly noInet6?: boolean;
}

/** The launcher's plan: the runtime's rules, the Deno binary, the cache, then the workload's grants. */
export function landlockPlan(grants: SandboxGrants, inputs: LandlockInputs): LandlockPlan {
  const writable = new Set(grants.write);
  const rules: LandlockRule[] = [
    ...RUNTIME_RULES,
    { path: inputs.server.command, access: "rx" },
    { path: inputs.denoDir, access: "ro" },
    ...inputs.extraReads.map((path) => ({ path, access: "ro" as const, optional: true })),
    ...grants.read.filter((p) => !writable.has(p)).map((path) => ({ path, access: "ro" as const })),
    ...grants.write.map((path) => ({ path, access: "rw" as const })),
  ];
  return {
    rules,
    noTcp: inputs.noTcp,
    noUnixSockets: inputs.noUnixSockets,
    noInet6: inputs.noInet6 ?? false,
    exec: { path: inputs.server.command, argv: ["deno", ...inputs.server.args] },
  };
}

/** The command that runs `launcher` (the written {@linkcode LANDLOCK_LAUNCHER}) with `plan`. */
export function launcherCommand(server: StdioCommand, launcher: string, plan: LandlockPlan): StdioCommand {
  return {
    command: server.command,
    args: [
      "run",
      "--no-prompt",
      "--no-config",
      "--no-lock",
      "--allow-ffi",
      "--allow-env",
      launcher,
      JSON.stringify(plan),
    ],
    ...(server.env ? { env: server.env } : {}),
    ...(server.cwd ? { cwd: server.cwd } : {}),
  };
}

/**
 * The one warning line `thv run` prints when the kernel cannot confine the server (`abi` 0: no Landlock), or
 * nothing when it can. Where Landlock is missing, only Deno's path checks stand, and they follow symlinks.
 */
export function confinementWarning(abi: number, os: string = Deno.build.os): string | undefined {
  if (os === "linux" && abi >= 1) return undefined;
  const where = os === "linux" ? "this Linux kernel has no Landlock (5.13+, enabled with lsm=landlock)" : `on ${os}`;
  return `The sandbox cannot confine files at the OS level ${where}: only Deno's path checks apply, and a symlink ` +
    "inside a granted folder can lead outside it; grant folders without such links, or use a container runtime";
}
