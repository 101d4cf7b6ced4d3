/**
 * A workload's server in the embedded Deno sandbox (design.md §6): the npm package is fetched when the
 * workload is prepared, the server runs as a child of the proxy process with only its profile's permissions,
 * and its stderr (its log; stdout is MCP traffic for a stdio server) goes to its own log file.
 * @module
 */
import type { RunConfig } from "../run_config.ts";
import {
  confinementWarning,
  landlockAbi,
  parseSandboxRef,
  type PreparedPackage,
  preparePackage,
  sandboxConnector,
  type SandboxOptions,
} from "../runtime/sandbox/mod.ts";
import { removeFileIfExists } from "../state/mod.ts";
import type { StdioConnection, StdioConnector } from "../transport/mod.ts";
import type { WorkloadBackend } from "./backend.ts";
import { CappedLog, DEFAULT_SERVER_LOG_MAX_BYTES } from "./capped_log.ts";

/** Where a sandboxed workload keeps its things. */
export interface SandboxBackendOptions {
  /** Deno's cache of fetched packages. */
  readonly denoDir: string;
  /** The workload's private folder. */
  readonly workDir: string;
  /** The server's log file. */
  readonly logFile: string;
  /** Its cap: past it the file is rotated to `<logFile>.1` (default 10 MiB). */
  readonly logMaxBytes?: number;
  /** The Deno binary that runs the server. */
  readonly denoPath: string;
  /** thv's environment (for the registry and TLS settings `deno info` honours). */
  readonly hostEnv: Readonly<Record<string, string>>;
  /** Told once, when the package is prepared, if the OS cannot confine the server (no Landlock). */
  readonly onWarning?: (message: string) => void;
}

/** A connection whose stderr goes to `log` instead of to the proxy. */
function stderrToLog(connection: StdioConnection, log: CappedLog): StdioConnection {
  void log.pump(connection.stderr).then(() => log.close());
  return {
    stdout: connection.stdout,
    stdin: connection.stdin,
    ended: connection.ended,
    stop: () => connection.stop(),
    ...(connection.pid !== undefined ? { pid: connection.pid } : {}),
  };
}

/** A workload's server in the Deno sandbox. */
export function sandboxBackend(config: RunConfig, options: SandboxBackendOptions): WorkloadBackend {
  let prepared: PreparedPackage | undefined;
  const sandbox = (hostPort?: number): SandboxOptions => {
    if (!prepared) throw new Error(`The package of ${config.name} is not fetched yet`);
    return {
      package: prepared,
      denoDir: options.denoDir,
      workDir: options.workDir,
      denoPath: options.denoPath,
      hostEnv: options.hostEnv,
      ...(hostPort !== undefined ? { hostPort } : {}),
    };
  };
  const logDir = options.logFile.slice(0, options.logFile.lastIndexOf("/"));
  const serverLog = () => new CappedLog(options.logFile, options.logMaxBytes ?? DEFAULT_SERVER_LOG_MAX_BYTES);
  return {
    kind: "sandbox",
    async prepare(how = {}) {
      if (prepared) return;
      const [pkg, abi] = await Promise.all([
        preparePackage(parseSandboxRef(config.image), {
          denoDir: options.denoDir,
          denoPath: options.denoPath,
          env: options.hostEnv,
          ...(how.signal ? { signal: how.signal } : {}),
        }),
        options.onWarning ? landlockAbi(options.denoPath) : Promise.resolve(-1),
      ]);
      prepared = pkg;
      const warning = abi >= 0 ? confinementWarning(abi) : undefined;
      if (warning) options.onWarning?.(warning);
    },
    stdioConnector(): StdioConnector {
      const inner = sandboxConnector(config, sandbox());
      return {
        describe: inner.describe,
        async connect() {
          await Deno.mkdir(logDir, { recursive: true, mode: 0o700 });
          return stderrToLog(await inner.connect(), serverLog());
        },
      };
    },
    async startHttp(hostPort) {
      await Deno.mkdir(logDir, { recursive: true, mode: 0o700 });
      const connection = await sandboxConnector(config, sandbox(hostPort)).connect();
      // Both streams are drained, or the server would block on a full pipe.
      const log = serverLog();
      void Promise.all([log.pump(connection.stdout), log.pump(connection.stderr)]).then(() => log.close());
      return { ended: connection.ended, stop: () => connection.stop() };
    },
    presence: () => Promise.resolve("n/a"),
    stop: () => Promise.resolve(), // the server is a child of the proxy process and ends with it
    async remove() {
      await Deno.remove(options.workDir, { recursive: true }).catch((e) => {
        if (!(e instanceof Deno.errors.NotFound)) throw e;
      });
      await removeFileIfExists(options.logFile);
      await removeFileIfExists(`${options.logFile}.1`);
    },
    async logs() {
      const read = (path: string) => Deno.readTextFile(path).catch(() => "");
      return (await read(`${options.logFile}.1`)) + (await read(options.logFile));
    },
  };
}
