/**
 * `thv run <server> [args...]`: resolves a registry name, an `npx://` package or an image into a RunConfig,
 * saves it, starts the workload's proxy detached (or, with `--foreground`, in this process until Ctrl-C)
 * and prints the URL clients use.
 * @module
 */
import { Command, type CommandUnknownOpts, Option } from "@commander-js/extra-typings";
import { PermissionProfile, type RunConfig } from "../../lib/run_config.ts";
import type { CliContext } from "./context.ts";
import { workloadDeps } from "./workloads.ts";

const collect = (value: string, previous: string[]) => [...previous, value];

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The workload name an image gets by default: its last path segment, without tag or digest. */
export function nameFromImage(image: string): string {
  const last = image.replace(/^[a-z]+:\/\//, "").replace(/\/+$/, "").split("/").at(-1) ?? image;
  const bare = last.replace(/^@/, "").split("@")[0]!.split(":")[0]!;
  return bare.toLowerCase().replace(/[^a-z0-9_.-]/g, "-").replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, "") || "mcp";
}

/** Parses `-e KEY=VALUE` entries; a malformed one is a RangeError naming it. */
export function parseEnv(entries: readonly string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const entry of entries) {
    const eq = entry.indexOf("=");
    if (eq <= 0 || !ENV_NAME.test(entry.slice(0, eq))) {
      throw new RangeError(`-e ${entry} is not KEY=VALUE: use a name of letters, digits and _, then =, then the value`);
    }
    env[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return env;
}

/** Parses an env file: `KEY=VALUE` lines, `#` comments and blank lines; a bad line is named by number. */
export function parseEnvFile(text: string, path: string): Record<string, string> {
  const env: Record<string, string> = {};
  text.split("\n").forEach((raw, i) => {
    const line = raw.replace(/\r$/, "").trim();
    if (!line || line.startsWith("#")) return;
    const body = line.replace(/^export\s+/, "");
    const eq = body.indexOf("=");
    if (eq <= 0 || !ENV_NAME.test(body.slice(0, eq))) {
      throw new RangeError(`--env-file ${path}: line ${i + 1} is not KEY=VALUE: fix or remove it`);
    }
    let value = body.slice(eq + 1);
    if (value.length >= 2 && /^(["']).*\1$/.test(value)) value = value.slice(1, -1);
    env[body.slice(0, eq)] = value;
  });
  return env;
}

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
  const { builtinRegistry, findServer } = await import("../../lib/registry/mod.ts");
  const entry = findServer(builtinRegistry().entries, target);
  if (entry || /[/:@]/.test(target)) return entry;
  throw new RangeError(
    `No server named ${target} in the registry: see thv registry list or thv search <word>; to run a local ` +
      `image, give its full reference (e.g. localhost/${target}:latest)`,
  );
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
      "none (no network), network (the engine's network), or a JSON profile file (default: network)",
    )
    .option("-f, --foreground", "stay in the foreground; Ctrl-C stops the server")
    .action(async (image, args, opts) => {
      const ctx = context();
      const [{ RunConfig, RUN_CONFIG_SCHEMA_VERSION, parseRunConfig }, { checkWorkloadName }, workloads, docker] =
        await Promise.all([
          import("../../lib/run_config.ts"),
          import("../../lib/state/mod.ts"),
          import("../../lib/workloads/mod.ts"),
          import("../../lib/runtime/docker/mod.ts"),
        ]);
      let base: Partial<RunConfig> = {};
      if (opts.fromConfig) {
        if (image) throw new RangeError("Give either an image or --from-config, not both");
        const text = await Deno.readTextFile(opts.fromConfig).catch((e: Error) => {
          throw new Error(`Cannot read --from-config ${opts.fromConfig}: ${e.message}`, { cause: e });
        });
        base = parseRunConfig(text, opts.fromConfig);
      } else if (!image) {
        throw new RangeError("Name an image to run (thv run <image>), or give --from-config <file>");
      }
      const entry = image ? await registryEntry(image) : undefined;
      const target = entry?.reference ?? image ?? base.image!;
      const name = checkWorkloadName(opts.name ?? base.name ?? entry?.shortName ?? nameFromImage(target));
      const transport = opts.transport ?? base.transport ?? entry?.transport ?? "stdio";
      const fileEnv = opts.envFile
        ? parseEnvFile(
          await Deno.readTextFile(opts.envFile).catch((e: Error) => {
            throw new Error(`Cannot read --env-file ${opts.envFile}: ${e.message}`, { cause: e });
          }),
          opts.envFile,
        )
        : {};
      for (const volume of opts.volume) {
        docker.bindOf(volume.endsWith(":ro") ? volume.slice(0, -3) : volume, "ro"); // throws naming a bad one
      }
      const profile = opts.permissionProfile
        ? await loadPermissionProfile(opts.permissionProfile)
        : base.permission_profile_name_or_path || base.permission_profile
        ? {}
        : entry?.permissionSource === "registry"
        ? { permission_profile: entry.permissions }
        : { permission_profile_name_or_path: "network" };
      const given = { ...base.env_vars, ...fileEnv, ...parseEnv(opts.env) };
      const { resolveArgs, resolveEnv } = await import("../../lib/registry/mod.ts");
      // Values the registry marks secret are kept apart from the RunConfig (design.md §3).
      const resolved = entry ? resolveEnv(entry, given) : { env: given, secrets: new Set<string>() };
      const plain = Object.fromEntries(Object.entries(resolved.env).filter(([k]) => !resolved.secrets.has(k)));
      const secretValues = Object.fromEntries(Object.entries(resolved.env).filter(([k]) => resolved.secrets.has(k)));
      const config = RunConfig.parse({
        ...base,
        schema_version: RUN_CONFIG_SCHEMA_VERSION,
        name,
        image: target,
        transport,
        ...(opts.proxyMode ? { proxy_mode: opts.proxyMode } : {}),
        cmd_args: entry ? resolveArgs(entry, args) : args.length ? args : base.cmd_args ?? [],
        host: opts.host ?? base.host ?? "127.0.0.1",
        port: opts.proxyPort ?? workloads.freeLoopbackPort(),
        ...(transport === "stdio"
          ? {}
          : { target_port: opts.targetPort ?? base.target_port ?? entry?.targetPort ?? 8080 }),
        env_vars: plain,
        secrets: [...(base.secrets ?? []), ...Object.keys(secretValues).map((k) => `${k},target=${k}`)],
        volumes: [...(base.volumes ?? []), ...opts.volume],
        ...profile,
      });
      const deps = await workloadDeps(ctx);
      const created = await workloads.createWorkload(
        config,
        deps,
        { secrets: secretValues, ...(opts.foreground ? { foreground: { signal: ctx.shutdown() } } : {}) },
      );
      ctx.print(created.url);
      if (created.warning) console.error(`thv: ${created.warning} ${name}`);
      await created.finished;
    });
}
