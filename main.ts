/**
 * thv: one program for every role. Parses argv and the environment once, builds the global configuration
 * and logger, and hands them to the role that the subcommand names. Only the command that argv names is
 * loaded (docs/decisions/014-start-up.md): `thv --version` imports no command at all.
 * @module
 */
import "./lib/node_compat.ts";
import { Command, CommanderError, Option } from "@commander-js/extra-typings";
import denoJson from "./deno.json" with { type: "json" };
import {
  type GlobalConfig,
  globalConfig,
  LOG_FORMAT_CHOICES,
  operatorSettings,
  selfCommand,
} from "./lib/config/mod.ts";
import { lazyImport } from "./lib/lazy_import.ts";
import { createLogger } from "./lib/log.ts";
import { denoSocketProbe, detectRuntime, type RuntimeChoice } from "./lib/runtime/mod.ts";
import { addCommandsFor, cliCommands, type CliContext, oneLineParseErrors } from "./roles/cli/mod.ts";

/**
 * Builds the `thv` program with the commands `facts.argv` needs; `facts` stands for the process so tests can
 * run it without one.
 */
async function thvProgram(
  facts: {
    argv: readonly string[];
    env: Record<string, string | undefined>;
    stderrIsTerminal: boolean;
    shutdown: () => AbortSignal;
    self?: readonly string[];
  },
) {
  const program = new Command("thv")
    .description("Run MCP servers safely, on a laptop and on Kubernetes")
    .version(denoJson.version, "-V, --version", "print the thv version")
    .option("--debug", "log debug detail")
    .addOption(
      new Option("--log-format <format>", "log format: text on a terminal, json elsewhere by default")
        .choices(LOG_FORMAT_CHOICES).default("auto" as const),
    );

  let cached: CliContext | undefined;
  let runtime: RuntimeChoice | undefined;
  const context = (): CliContext => {
    if (cached) return cached;
    const config: GlobalConfig = globalConfig(program.opts(), facts);
    const log = createLogger({ format: config.logFormat, level: config.logLevel });
    cached = {
      config,
      log,
      runtime: () => (runtime ??= detectRuntime(facts.env, denoSocketProbe)),
      shutdown: facts.shutdown,
      env: facts.env,
      self: facts.self ?? [],
      passFlags: config.logLevel === "debug" ? ["--debug"] : [],
      stderrIsTerminal: facts.stderrIsTerminal,
      print: (line) => console.log(line),
    };
    return cached;
  };
  const operator = async () =>
    (await lazyImport<typeof import("./roles/operator/mod.ts")>(new URL("./roles/operator/mod.ts", import.meta.url)))
      .operatorCommand(() => ({
        settings: operatorSettings(facts.env, { runnerImage: `thv:${denoJson.version}` }),
        log: context().log,
        shutdown: facts.shutdown(),
      }));
  const proxyRunner = async () =>
    await lazyImport<typeof import("./roles/proxyrunner/mod.ts")>(
      new URL("./roles/proxyrunner/mod.ts", import.meta.url),
    );
  const serveRole = async () =>
    (await lazyImport<typeof import("./roles/serve/mod.ts")>(new URL("./roles/serve/mod.ts", import.meta.url)))
      .serveCommand(() => {
        const ctx = context();
        return {
          log: ctx.log,
          env: ctx.env,
          runtime: ctx.runtime,
          self: ctx.self,
          passFlags: ctx.passFlags,
          shutdown: ctx.shutdown,
          version: denoJson.version,
          print: ctx.print,
        };
      });
  const runnerContext = () => ({ log: context().log, env: facts.env, shutdown: facts.shutdown });
  // A runtime that cannot be detected is the laptop CLI's to report, when its command runs.
  const inKubernetes = () => {
    try {
      return context().runtime().runtime === "kubernetes";
    } catch {
      return false;
    }
  };
  // In a pod (runtime kubernetes) `thv run` is the proxy runner: same image, same command, another runtime.
  const cli = cliCommands(context).map((entry) =>
    entry.names[0] === "run"
      ? {
        ...entry,
        build: async () => inKubernetes() ? (await proxyRunner()).runnerRunCommand(runnerContext) : await entry.build(),
      }
      : entry
  );
  await addCommandsFor(program, {
    argv: facts.argv,
    table: [
      ...cli,
      { names: ["serve"], build: serveRole },
      { names: ["operator"], build: operator },
      { names: ["proxyrunner"], build: async () => (await proxyRunner()).proxyRunnerCommand(runnerContext) },
    ],
  });
  oneLineParseErrors(program); // every parse error is one line: thv: <what>: <what to do>
  return { program, context };
}

/** Runs thv with the process's argv and environment; the one error boundary of the CLI. */
async function main(): Promise<number> {
  // Signals are taken over only by long-running commands, when they ask for the shutdown signal: any other
  // command keeps the default, so Ctrl-C ends it at once. A second signal always ends the process.
  let shutdown: AbortController | undefined;
  const shutdownSignal = () => {
    if (!shutdown) {
      const controller = (shutdown = new AbortController());
      for (const signal of ["SIGINT", "SIGTERM"] as const) {
        Deno.addSignalListener(signal, () => (controller.signal.aborted ? Deno.exit(130) : controller.abort(signal)));
      }
    }
    return shutdown.signal;
  };
  const { program, context } = await thvProgram({
    argv: Deno.args,
    env: Deno.env.toObject(),
    stderrIsTerminal: Deno.stderr.isTerminal(),
    shutdown: shutdownSignal,
    self: selfCommand(Deno.execPath(), Deno.mainModule),
  });
  try {
    await program.parseAsync(Deno.args, { from: "user" });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError && e.exitCode === 0) return 0; // --help and --version printed already
    const error = e instanceof Error ? e : new Error(String(e));
    if (program.opts().debug) context().log.debug("Command failed", { error, stack: error.stack });
    console.error(`thv: ${error.message}`);
    return 1;
  }
}

if (import.meta.main) Deno.exit(await main());
