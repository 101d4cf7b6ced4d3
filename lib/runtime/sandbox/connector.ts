/**
 * The I/O shell around {@linkcode sandboxCommand}: each start (re)creates the workload's private folders
 * and writes the loopback preload, then runs the command as a child process.
 * @module
 */
import type { RunConfig } from "../../run_config.ts";
import { processConnector, type StdioConnector } from "../../transport/mod.ts";
import { sandboxCommand, type SandboxOptions } from "./command.ts";
import { LANDLOCK_LAUNCHER } from "./landlock_launcher.ts";
import { loopbackPreload } from "./loopback_preload.ts";
import { bridgeToUnix } from "./unix_bridge.ts";
import { sandboxLayout } from "./permissions.ts";

/**
 * The Landlock ABI of the running kernel (0: none), asked through the launcher, since thv itself runs without
 * `--allow-ffi`. Always 0 outside Linux.
 */
export async function landlockAbi(denoPath: string = Deno.execPath()): Promise<number> {
  if (Deno.build.os !== "linux") return 0;
  const child = new Deno.Command(denoPath, {
    args: ["run", "--no-prompt", "--no-config", "--no-lock", "--allow-ffi", "--allow-env", "-", "--abi"],
    env: { NO_COLOR: "1" },
    stdin: "piped",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(LANDLOCK_LAUNCHER));
  await writer.close();
  const out = await child.output();
  const abi = Number(new TextDecoder().decode(out.stdout).trim());
  return out.success && Number.isInteger(abi) ? abi : 0;
}

/**
 * Creates the private home and temp folders (owner only) and writes the preload and launcher; idempotent.
 * With `hostPort` (an HTTP server) it also makes the folder of the server's socket, without a stale socket.
 */
export async function prepareWorkDir(workDir: string, hostPort?: number): Promise<void> {
  const layout = sandboxLayout(workDir);
  await Deno.mkdir(layout.home, { recursive: true, mode: 0o700 });
  await Deno.mkdir(layout.tmp, { recursive: true, mode: 0o700 });
  const listener = hostPort === undefined ? undefined : { port: hostPort, socket: layout.socket };
  if (listener) {
    await Deno.mkdir(layout.listenDir, { recursive: true, mode: 0o700 });
    await Deno.remove(layout.socket).catch((e) => {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    });
  }
  await Deno.writeTextFile(layout.preload, loopbackPreload(listener), { mode: 0o600 });
  await Deno.writeTextFile(layout.launcher, LANDLOCK_LAUNCHER, { mode: 0o600 });
}

/**
 * A connector that starts `config`'s package in the sandbox. For a stdio server pass it to
 * `createStdioProxy`; for an HTTP server call `connect()`, keep reading the connection's stdout and stderr
 * (or the server blocks on a full pipe), and proxy to `127.0.0.1:<hostPort>`: the server listens on a unix
 * socket in its work dir, and the connection bridges that port to it while the server runs.
 * @example
 * const pkg = await preparePackage(parseSandboxRef(config.image), { denoDir });
 * const connector = sandboxConnector(config, { package: pkg, denoDir, workDir });
 * const proxy = createStdioProxy({ command: connector, log });
 */
export function sandboxConnector(config: RunConfig, options: SandboxOptions): StdioConnector {
  const command = sandboxCommand(config, options);
  const process = processConnector(command);
  const hostPort = config.transport === "stdio" ? undefined : options.hostPort;
  return {
    describe: `${config.image} in the Deno sandbox`,
    async connect() {
      await prepareWorkDir(options.workDir, hostPort);
      if (hostPort === undefined) return process.connect();
      const bridge = bridgeToUnix(hostPort, sandboxLayout(options.workDir).socket);
      const connection = await process.connect().catch(async (e) => {
        await bridge.close();
        throw e;
      });
      const ended = connection.ended.finally(() => bridge.close());
      return {
        ...connection,
        ended,
        async stop() {
          await connection.stop();
          await bridge.close();
        },
      };
    },
  };
}
