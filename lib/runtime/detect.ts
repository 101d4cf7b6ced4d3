/**
 * Picks the runtime thv uses for workloads, once, at start (design.md §1): `TOOLHIVE_RUNTIME` wins; else
 * `KUBERNETES_SERVICE_HOST` means Kubernetes; else the first Docker-compatible socket found (Podman, then
 * Docker, then Colima, each with its `TOOLHIVE_*_SOCKET` override checked first); else the embedded Deno
 * sandbox.
 * @module
 */

/** The runtimes thv can run workloads on, as named by `TOOLHIVE_RUNTIME`. */
export const RUNTIME_NAMES = ["kubernetes", "podman", "docker", "deno"] as const;

/** A runtime name accepted by `TOOLHIVE_RUNTIME`. */
export type RuntimeName = typeof RUNTIME_NAMES[number];

/** The engine behind a Docker-compatible socket. */
export type Engine = "podman" | "docker" | "colima";

/** The outcome of detection: which runtime, where its socket is, and why it was chosen. */
export type RuntimeChoice =
  | { readonly runtime: "kubernetes"; readonly reason: string }
  | {
    readonly runtime: "podman" | "docker";
    readonly engine: Engine;
    readonly socketPath: string;
    readonly reason: string;
  }
  | { readonly runtime: "deno"; readonly reason: string };

/** What detection needs to know about the file system. */
export interface SocketProbe {
  /** True when `path` exists and is a unix socket. */
  isSocket(path: string): boolean;
  /** File names in `dir`, or an empty list when it cannot be read. */
  readDir(dir: string): string[];
}

/** The environment variables detection reads; `main.ts` passes a snapshot of `Deno.env`. */
export type DetectEnv = Readonly<Record<string, string | undefined>>;

const ENGINE_OVERRIDES: ReadonlyArray<readonly [Engine, string]> = [
  ["podman", "TOOLHIVE_PODMAN_SOCKET"],
  ["docker", "TOOLHIVE_DOCKER_SOCKET"],
  ["colima", "TOOLHIVE_COLIMA_SOCKET"],
];

/** The well-known socket locations of each engine, in search order. */
export function defaultSocketPaths(env: DetectEnv, probe: SocketProbe): Record<Engine, string[]> {
  const home = env.HOME ?? "";
  const tmp = env.TMPDIR ?? "/tmp";
  const podmanMachine = probe.readDir(`${tmp}/podman`).filter((f) => f.endsWith("-api.sock")).sort()
    .map((f) => `${tmp}/podman/${f}`);
  const inHome = (p: string) => (home ? [`${home}/${p}`] : []);
  return {
    podman: [
      "/var/run/podman/podman.sock",
      ...(env.XDG_RUNTIME_DIR ? [`${env.XDG_RUNTIME_DIR}/podman/podman.sock`] : []),
      ...inHome(".local/share/containers/podman/machine/podman.sock"),
      ...podmanMachine,
    ],
    docker: [
      "/var/run/docker.sock",
      ...inHome(".docker/run/docker.sock"),
      ...inHome(".docker/desktop/docker.sock"),
      ...inHome(".rd/docker.sock"),
      ...inHome(".orbstack/run/docker.sock"),
    ],
    colima: inHome(".colima/default/docker.sock"),
  };
}

function runtimeOf(engine: Engine): "podman" | "docker" {
  return engine === "podman" ? "podman" : "docker";
}

/** Finds the first engine socket, overrides first; `only` limits the search to the engines of one runtime. */
function findSocket(
  env: DetectEnv,
  probe: SocketProbe,
  only?: "podman" | "docker",
): { engine: Engine; socketPath: string; reason: string } | { searched: string[] } {
  const wanted = (e: Engine) => only === undefined || runtimeOf(e) === only;
  for (const [engine, name] of ENGINE_OVERRIDES) {
    const path = env[name];
    if (!path || !wanted(engine)) continue;
    if (!probe.isSocket(path)) {
      throw new Error(`${name}=${path} is not a socket: start the ${engine} service there, or unset ${name}`);
    }
    return { engine, socketPath: path, reason: `${name} is set` };
  }
  const defaults = defaultSocketPaths(env, probe);
  const searched: string[] = [];
  for (const engine of ["podman", "docker", "colima"] as const) {
    if (!wanted(engine)) continue;
    for (const path of defaults[engine]) {
      searched.push(path);
      if (probe.isSocket(path)) return { engine, socketPath: path, reason: `found the ${engine} socket` };
    }
  }
  return { searched };
}

/**
 * Chooses the runtime from the environment and the sockets present.
 * Throws a `TypeError` for an unknown `TOOLHIVE_RUNTIME`, and an `Error` when a forced runtime or a socket
 * override cannot be used; both messages say what to do.
 * @example
 * ```ts
 * const choice = detectRuntime({ TOOLHIVE_RUNTIME: "deno" }, denoSocketProbe);
 * // { runtime: "deno", reason: "TOOLHIVE_RUNTIME=deno" }
 * ```
 */
export function detectRuntime(env: DetectEnv, probe: SocketProbe): RuntimeChoice {
  const forced = env.TOOLHIVE_RUNTIME?.trim();
  if (forced) {
    if (!(RUNTIME_NAMES as readonly string[]).includes(forced)) {
      throw new TypeError(`TOOLHIVE_RUNTIME=${forced} is not a runtime: use one of ${RUNTIME_NAMES.join(", ")}`);
    }
    const reason = `TOOLHIVE_RUNTIME=${forced}`;
    if (forced === "kubernetes" || forced === "deno") return { runtime: forced, reason };
    const found = findSocket(env, probe, forced as "podman" | "docker");
    if ("searched" in found) {
      const hint = forced === "podman"
        ? "start it with `podman system service --time=0` or set TOOLHIVE_PODMAN_SOCKET"
        : "start Docker or set TOOLHIVE_DOCKER_SOCKET";
      throw new Error(`${reason} but no ${forced} socket was found in ${found.searched.join(", ")}: ${hint}`);
    }
    return { runtime: forced as "podman" | "docker", engine: found.engine, socketPath: found.socketPath, reason };
  }
  if (env.KUBERNETES_SERVICE_HOST) return { runtime: "kubernetes", reason: "KUBERNETES_SERVICE_HOST is set" };
  const found = findSocket(env, probe);
  if ("searched" in found) {
    return { runtime: "deno", reason: "no container engine socket was found, so the Deno sandbox is used" };
  }
  return { runtime: runtimeOf(found.engine), ...found };
}

/** The real file-system probe (needs read permission on the searched paths). */
export const denoSocketProbe: SocketProbe = {
  isSocket(path) {
    try {
      return Deno.statSync(path).isSocket === true;
    } catch {
      return false;
    }
  },
  readDir(dir) {
    try {
      return [...Deno.readDirSync(dir)].map((e) => e.name);
    } catch {
      return [];
    }
  },
};
