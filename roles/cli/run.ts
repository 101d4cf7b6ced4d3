/**
 * `thv run <server> [args...]`: resolves a registry name, an `npx://` package or an image into a RunConfig,
 * saves it, starts the workload's proxy detached (or, with `--foreground`, in this process until Ctrl-C)
 * and prints the URL clients use.
 * @module
 */
import { Command, type CommandUnknownOpts, Option } from "@commander-js/extra-typings";
import type { RunConfig } from "../../lib/run_config.ts";
import type { CliContext } from "./context.ts";
import { exposedHostWarning, ignoredKeysWarning } from "./run_warnings.ts";
import { workloadDeps } from "./workloads.ts";

const collect = (value: string, previous: string[]) => [...previous, value];

/** Reads `--permission-profile`: a built-in name, or a JSON profile file whose errors name the field. */
export async function loadPermissionProfile(
  value: string,
): Promise<Pick<RunConfig, "permission_profile_name_or_path" | "permission_profile">> {
  if (value === "none" || value === "network") return { permission_profile_name_or_path: value };
  let text: string;
  try {
    text = await Deno.readTextFile(value);
  } catch (e) {
    throw new Error(
      `--permission-profile ${value} is neither none, network nor a readable file: ${(e as Error).message}`,
      { cause: e },
    );
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new SyntaxError(`Permission profile ${value} is not JSON: ${(e as Error).message}`, { cause: e });
  }
  const { PermissionProfile } = await import("../../lib/run_config.ts"); // zod loads only for commands that need it
  const parsed = PermissionProfile.strict().safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new TypeError(
      `Permission profile ${value}: field ${issue.path.join(".") || "(root)"}: ${issue.message}`,
      { cause: parsed.error },
    );
  }
  return { permission_profile_name_or_path: value, permission_profile: parsed.data };
}

/**
 * The registry entry `target` names, if any: a registry name (`everything`, or a full name) resolves to its
 * server; a bare word that names none is an error, since it is almost always a mistyped server name.
 */
async function registryEntry(target: string) {
  if (/^[a-z]+:\/\//.test(target)) return undefined; // npx://... and other schemes are references already
  const { builtinRegistry, didYouMean, findServer, suggestServerNames } = await import("../../lib/registry/mod.ts");
  const { entries } = builtinRegistry();
  const entry = findServer(entries, target);
  if (entry || /[/:@]/.test(target)) return entry;
  throw new RangeError(
    `No server named ${target} in the registry${didYouMean(suggestServerNames(entries, target))}: see thv ` +
      `registry list or thv search <word>; to run a local image, give its full reference ` +
      `(e.g. localhost/${target}:latest)`,
  );
}

async function readFlagFile(flag: string, path: string): Promise<string> {
  try {
    return await Deno.readTextFile(path);
  } catch (e) {
    throw new Error(`Cannot read ${flag} ${path}: ${(e as Error).message}`, { cause: e });
  }
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
    .description("run an MCP server (in a container or the Deno sandbox) behind the proxy, and print its URL")
    .argument(
      "[server]",
      "a registry name (thv search), npx://<npm package> for the Deno sandbox, or a container image on the engine",
    )
    .argument("[args...]", "arguments for the server (put -- before them)")
    .option("--from-config <file>", "run the workload a RunConfig file describes (thv export writes one)")
    .option("--name <name>", "workload name (default: from the image)")
    .addOption(
      new Option("--transport <transport>", "what the server speaks (default: stdio)").choices(
        ["stdio", "streamable-http", "sse"] as const,
      ),
    )
    .addOption(
      new Option("--proxy-mode <mode>", "what the proxy offers clients of a stdio server (default: streamable-http)")
        .choices(["streamable-http", "sse"] as const),
    )
    .addOption(
      new Option("--proxy-port <port>", "port of the proxy (default: a free one)").argParser(port("--proxy-port")),
    )
    .addOption(
      new Option("--target-port <port>", "port the server listens on in its container (HTTP transports; default 8080)")
        .argParser(port("--target-port")),
    )
    .option("--host <host>", "address the proxy listens on (default: 127.0.0.1)")
    .option("-e, --env <KEY=VALUE>", "environment variable for the server (repeatable)", collect, [] as string[])
    .option("--env-file <file>", "file of KEY=VALUE lines for the server's environment")
    .option(
      "-v, --volume <host[:container][:ro]>",
      "mount a host path into the server (repeatable)",
      collect,
      [] as string[],
    )
    .option(
      "--permission-profile <profile>",
      "none (no network), network (outbound; in the Deno sandbox the internet only, no loopback or private " +
        "addresses), or a JSON profile file (default: the registry entry's own profile when it declares one, else " +
        "network; with --from-config, the file's when it names one)",
    )
    .option("-f, --foreground", "stay in the foreground; Ctrl-C stops the server")
    .action(async (given, args, opts) => {
      const ctx = context();
      const [{ parseImportedRunConfig }, workloads, docker, { absoluteSandboxImage }] = await Promise.all([
        import("../../lib/run_config_import.ts"),
        import("../../lib/workloads/mod.ts"),
        import("../../lib/runtime/docker/mod.ts"),
        import("../../lib/runtime/sandbox/mod.ts"),
      ]);
      if (opts.fromConfig && given) throw new RangeError("Give either a server or --from-config, not both");
      // npx://./dir is relative to where thv run runs; the RunConfig keeps it absolute for later starts.
      const target = given && absoluteSandboxImage(given, Deno.cwd());
      // A RunConfig from elsewhere (often ToolHive) may ask for what thv does not enforce: refused by key.
      const imported = opts.fromConfig
        ? parseImportedRunConfig(await readFlagFile("--from-config", opts.fromConfig), opts.fromConfig)
        : undefined;
      const read: Partial<RunConfig> = imported?.config ?? {};
      const base = read.image ? { ...read, image: absoluteSandboxImage(read.image, Deno.cwd()) } : read;
      const fileEnv = opts.envFile
        ? workloads.parseEnvFile(await readFlagFile("--env-file", opts.envFile), opts.envFile)
        : {};
      for (const volume of opts.volume) {
        docker.bindOf(volume.endsWith(":ro") ? volume.slice(0, -3) : volume, "ro"); // throws naming a bad one
      }
      const deps = await workloadDeps(ctx);
      const entry = target ? await registryEntry(target) : undefined;
      const { config, secrets } = workloads.planRun({
        ...(target ? { target } : {}),
        ...(entry ? { entry } : {}),
        base,
        args,
        ...(opts.name ? { name: opts.name } : {}),
        ...(opts.transport ? { transport: opts.transport } : {}),
        ...(opts.proxyMode ? { proxyMode: opts.proxyMode } : {}),
        port: await workloads.pickProxyPort(deps, opts.proxyPort ?? base.port, {
          required: opts.proxyPort !== undefined,
        }),
        ...(opts.targetPort ? { targetPort: opts.targetPort } : {}),
        ...(opts.host ? { host: opts.host } : {}),
        env: { ...fileEnv, ...workloads.parseEnv(opts.env) },
        volumes: opts.volume,
        ...(opts.permissionProfile ? { profile: await loadPermissionProfile(opts.permissionProfile) } : {}),
      });
      for (
        const warning of [
          imported && ignoredKeysWarning(opts.fromConfig!, imported.ignored),
          exposedHostWarning(config.name, config.host),
        ]
      ) if (warning) console.error(warning);
      const signal = ctx.shutdown(); // Ctrl-C while it starts undoes the run; with --foreground it stops it
      const created = await workloads.createWorkload(config, deps, {
        secrets,
        signal,
        ...(opts.foreground ? { foreground: { signal } } : {}),
      });
      ctx.print(created.url);
      if (created.warning) console.error(`thv: ${created.warning} ${config.name}`);
      await created.finished;
    });
}
