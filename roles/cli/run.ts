/**
 * `thv run <server> [args...]`: its flags become a plan (lib/workloads resolves a registry name, an `npx://`
 * package or an image into a RunConfig), which is saved and started detached (or, with `--foreground`, in
 * this process until Ctrl-C); prints the warnings and the URL clients use, then (on standard error) the
 * configuration snippet for the MCP clients detected on this machine.
 * @module
 */
import { Command, type CommandUnknownOpts, Option } from "@commander-js/extra-typings";
import type { CliContext } from "./context.ts";
import { exposedHostWarning, ignoredKeysWarning, migratedNotice } from "./run_warnings.ts";
import { openWorkloads } from "./workloads.ts";
import { withSecretsPassword } from "./secrets_password.ts";
import { printClientSnippets } from "./run_snippets.ts";
import { authzConfigOption } from "./flags_authz.ts";
import { authConfigOf, type AuthFlags, checkAuthConfig, withAuthFlags, withClientSecret } from "./flags_auth.ts";
import { auditConfigOf, type AuditFlags, withAuditFlags } from "./flags_audit.ts";
import { TELEMETRY_OPTIONS as otel, telemetryFieldsOf } from "./flags_telemetry.ts";

const collect = (value: string, previous: string[]) => [...previous, value];

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
  return withAuthFlags(
    withAuditFlags(new Command("run"))
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
        new Option(
          "--target-port <port>",
          "port the server listens on in its container (HTTP transports; default 8080)",
        )
          .argParser(port("--target-port")),
      )
      .option("--host <host>", "address the proxy listens on (default: 127.0.0.1)")
      .option("-e, --env <KEY=VALUE>", "environment variable for the server (repeatable)", collect, [] as string[])
      .option(
        "--secret <NAME,target=ENV>",
        "secret from the secrets provider for the server's environment, resolved at each start (repeatable)",
        collect,
        [] as string[],
      )
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
      .option("--group <group>", "group to put the workload in, which must exist (default: default)")
      .option(
        "--tools <names>",
        "tools clients may see and call, comma-separated, by the names clients see (default: all)",
        (value: string, previous: string[]) => [...previous, ...value.split(",").map((t) => t.trim()).filter(Boolean)],
        [] as string[],
      )
      .option(
        "--tools-override <file>",
        'JSON file renaming or re-describing tools: {"toolsOverride": {"<tool>": {"name": "…", "description": "…"}}}',
      )
      .addOption(authzConfigOption())
      .option("-f, --foreground", "stay in the foreground; Ctrl-C stops the server")
      .addOption(otel.endpoint()).addOption(otel.samplingRate()).addOption(otel.headers()).addOption(otel.serviceName())
      .addOption(otel.insecure()).addOption(otel.noTracing()).addOption(otel.noMetrics()).addOption(otel.prometheus())
      .addOption(otel.prometheusPort())
      .action(async (given, args, opts) => {
        const auth = opts as AuthFlags;
        const ctx = await withSecretsPassword(withClientSecret(context(), auth), opts.secret.length > 0);
        const [{ parseEnv }, workloads] = await Promise.all([
          import("../../lib/workloads/mod.ts"),
          openWorkloads(ctx),
        ]);
        const plan = await workloads.plan({
          ...(given ? { server: given } : {}),
          ...(opts.fromConfig ? { fromConfig: opts.fromConfig } : {}),
          args,
          ...(opts.name ? { name: opts.name } : {}),
          ...(opts.transport ? { transport: opts.transport } : {}),
          ...(opts.proxyMode ? { proxyMode: opts.proxyMode } : {}),
          ...(opts.proxyPort !== undefined ? { proxyPort: opts.proxyPort } : {}),
          ...(opts.targetPort ? { targetPort: opts.targetPort } : {}),
          ...(opts.host ? { host: opts.host } : {}),
          ...(opts.envFile ? { envFile: opts.envFile } : {}),
          env: parseEnv(opts.env),
          secrets: opts.secret,
          volumes: opts.volume,
          ...(opts.permissionProfile ? { permissionProfile: opts.permissionProfile } : {}),
          ...(opts.group ? { group: opts.group } : {}),
          ...(opts.tools.length ? { tools: opts.tools } : {}),
          ...(opts.toolsOverride ? { toolsOverride: opts.toolsOverride } : {}),
          ...(opts.authzConfig ? { authzConfig: opts.authzConfig } : {}),
        });
        const config = {
          ...plan.config,
          ...authConfigOf(auth),
          ...await auditConfigOf(opts as AuditFlags),
          ...telemetryFieldsOf(plan.config, opts),
        };
        await checkAuthConfig(config, ctx.env);
        for (
          const warning of [
            opts.fromConfig && migratedNotice(opts.fromConfig, plan.migrated),
            opts.fromConfig && ignoredKeysWarning(opts.fromConfig, plan.ignoredKeys),
            exposedHostWarning(config.name, config.host),
          ]
        ) if (warning) console.error(warning);
        const signal = ctx.shutdown(); // Ctrl-C while it starts undoes the run; with --foreground it stops it
        const created = await workloads.create({ ...plan, config }, { signal, foreground: opts.foreground ?? false });
        ctx.print(created.url);
        if (created.warning) console.error(`thv: ${created.warning} ${config.name}`);
        await printClientSnippets(ctx, { name: config.name, url: created.url, group: config.group });
        await created.finished;
      }),
  );
}
