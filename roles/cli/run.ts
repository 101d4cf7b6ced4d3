/**
 * `thv run <image> [args...] --foreground`: runs an MCP server image in a container on Podman or Docker,
 * with the proxy in front, and prints the URL. Ctrl-C stops it and removes the container.
 * @module
 */
import { Command, type CommandUnknownOpts, Option } from "@commander-js/extra-typings";
import type { CliContext } from "./context.ts";

const collect = (value: string, previous: string[]) => [...previous, value];

/** The workload name an image gets by default: its last path segment, without tag or digest. */
export function nameFromImage(image: string): string {
  const last = image.split("/").at(-1) ?? image;
  const bare = last.split("@")[0]!.split(":")[0]!;
  return bare.toLowerCase().replace(/[^a-z0-9_.-]/g, "-").replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, "") || "mcp";
}

/** Parses `-e KEY=VALUE` entries; a malformed one is a RangeError naming it. */
export function parseEnv(entries: readonly string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const entry of entries) {
    const eq = entry.indexOf("=");
    if (eq <= 0 || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(entry.slice(0, eq))) {
      throw new RangeError(`-e ${entry} is not KEY=VALUE: use a name of letters, digits and _, then =, then the value`);
    }
    env[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return env;
}

function port(flag: string) {
  return (value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > 65535) {
      throw new RangeError(`${flag} ${value} is not a port: use 1 to 65535`);
    }
    return n;
  };
}

/** Builds the `run` command. */
export function runCommand(context: () => CliContext): CommandUnknownOpts {
  return new Command("run")
    .description("run an MCP server image in a container, behind the proxy, and print its URL")
    .argument("<image>", "container image of the MCP server (on the engine already; pulling is not there yet)")
    .argument("[args...]", "arguments for the server (put -- before them)")
    .option("--name <name>", "workload name (default: from the image)")
    .addOption(
      new Option("--transport <transport>", "what the server speaks").choices(
        ["stdio", "streamable-http", "sse"] as const,
      )
        .default("stdio" as const),
    )
    .addOption(
      new Option("--proxy-port <port>", "port of the proxy (default: a free one)").argParser(port("--proxy-port")),
    )
    .addOption(
      new Option("--target-port <port>", "port the server listens on in its container (HTTP transports)").default(8080)
        .argParser(port("--target-port")),
    )
    .option("--host <host>", "address the proxy listens on", "127.0.0.1")
    .option("-e, --env <KEY=VALUE>", "environment variable for the server (repeatable)", collect, [] as string[])
    .addOption(
      new Option("--permission-profile <profile>", "none: no network; network: the engine's network")
        .choices(["none", "network"] as const).default("network" as const),
    )
    .option("-f, --foreground", "stay in the foreground; Ctrl-C stops the server (required for now)")
    .action(async (image, args, opts) => {
      const ctx = context();
      if (!opts.foreground) {
        throw new Error("thv run in the background is not there yet: add --foreground (Ctrl-C stops the server)");
      }
      const choice = ctx.runtime();
      if (!("socketPath" in choice)) {
        throw new Error(
          choice.runtime === "kubernetes"
            ? "thv run runs workloads on Podman or Docker: inside a cluster, use an MCPServer resource"
            : "The Deno sandbox runtime is not there yet: start Podman or Docker, or set TOOLHIVE_PODMAN_SOCKET",
        );
      }
      const [
        { RunConfig, RUN_CONFIG_SCHEMA_VERSION },
        { checkWorkloadName },
        { dockerClient },
        { freeLoopbackPort, runInForeground },
      ] = await Promise.all([
        import("../../lib/run_config.ts"),
        import("../../lib/state/mod.ts"),
        import("../../lib/runtime/docker/mod.ts"),
        import("../../lib/workloads/mod.ts"),
      ]);
      const name = checkWorkloadName(opts.name ?? nameFromImage(image));
      const proxyPort = opts.proxyPort ?? freeLoopbackPort();
      const config = RunConfig.parse({
        schema_version: RUN_CONFIG_SCHEMA_VERSION,
        name,
        image,
        transport: opts.transport,
        cmd_args: args,
        host: opts.host,
        port: proxyPort,
        ...(opts.transport === "stdio" ? {} : { target_port: opts.targetPort }),
        env_vars: parseEnv(opts.env),
        permission_profile_name_or_path: opts.permissionProfile,
      });
      const run = await runInForeground(config, {
        docker: dockerClient(choice.socketPath),
        host: opts.host,
        log: ctx.log.with({ workload: name }),
        signal: ctx.shutdown(),
      });
      ctx.print(run.url);
      await run.finished;
    });
}
