/**
 * `thv proxy stdio -- <command> [args...]` runs a stdio MCP server behind the proxy; `thv proxy --target-uri
 * <url>` fronts an MCP server that speaks HTTP. Both print the URL clients use and run until SIGINT/SIGTERM.
 * @module
 */
import { Command, Option } from "@commander-js/extra-typings";
import type { CliContext } from "./context.ts";
import {
  DEFAULT_HEADERS_TIMEOUT_MS,
  DEFAULT_IDLE_TIMEOUT_MS,
  requestLog,
  serve,
  withMiddleware,
} from "../../lib/http/mod.ts";
import type { McpProxy } from "../../lib/transport/mod.ts";
import { authzConfigOf, authzConfigOption, authzFieldsOf } from "./flags_authz.ts";
import { type AuthFlags, mergedAuthFlags, proxyChainOfFlags, withAuthFlags } from "./flags_auth.ts";
import { auditConfigOf, type AuditFlags, mergedAuditFlags, withAuditFlags } from "./flags_audit.ts";
import { TELEMETRY_OPTIONS as otel, telemetryConfigOf, telemetryFields, telemetryFlagsOf } from "./flags_telemetry.ts";
import { ProxyStateSlot } from "../../lib/middleware/mod.ts";

const collect = (value: string, previous: string[]) => [...previous, value];

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new RangeError(`--port ${value} is not a port: use 0 to 65535`);
  return n;
}

function positive(flag: string) {
  return (value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`${flag} ${value} is not a whole number of 1 or more`);
    return n;
  };
}

function seconds(flag: string) {
  return (value: string) => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < 0) {
      throw new RangeError(`${flag} ${value} is not a number of seconds: use 0 or more`);
    }
    return n;
  };
}

/** Serves `proxy` and prints its URL; resolves when the shutdown signal has stopped the listener and the proxy. */
async function serveAndPrint(context: CliContext, proxy: McpProxy, listen: ListenOptions): Promise<void> {
  const log = context.log.with({ role: "proxy" });
  const server = serve({
    hostname: listen.host,
    port: listen.port,
    signal: context.shutdown(),
    headersTimeoutMs: listen.headersTimeoutSeconds * 1000,
    idleTimeoutMs: listen.idleTimeoutSeconds * 1000,
    onTimeout: (which) => log.debug("Closed a connection past its deadline", { deadline: which }),
    log,
  }, withMiddleware(proxy.handler, requestLog({ log })));
  const addr = server.addr;
  const host = addr.hostname.includes(":") ? `[${addr.hostname}]` : addr.hostname;
  context.print(`http://${host}:${addr.port}${proxy.path}`);
  await server.finished;
  await proxy.close();
}

/** `--headers-timeout-seconds`, the same on `thv proxy` and `thv proxy stdio`. */
function headersTimeoutOption() {
  return new Option(
    "--headers-timeout-seconds <s>",
    "close a connection whose request head takes longer than this; 0: no limit",
  ).default(DEFAULT_HEADERS_TIMEOUT_MS / 1000).argParser(seconds("--headers-timeout-seconds"));
}

/** `--idle-timeout-seconds`, the same on `thv proxy` and `thv proxy stdio`. */
function idleTimeoutOption() {
  return new Option(
    "--idle-timeout-seconds <s>",
    "close a connection idle this long (an open stream is not idle); 0: no limit",
  ).default(DEFAULT_IDLE_TIMEOUT_MS / 1000).argParser(seconds("--idle-timeout-seconds"));
}

/** The listener options both `thv proxy` and `thv proxy stdio` take. */
interface ListenOptions {
  host: string;
  port: number;
  allowedHost: string[];
  allowedOrigin: string[];
  headersTimeoutSeconds: number;
  idleTimeoutSeconds: number;
}

/** What {@linkcode withParentListenOptions} reads of a command: where each option value came from. */
interface OptionSources {
  getOptionValueSource(name: string): string | undefined;
  opts(): unknown;
  readonly parent: OptionSources | null;
}

/** Options of `thv proxy` that only the reverse proxy uses, with their flags. */
const REVERSE_ONLY = [
  ["targetUri", "--target-uri"],
  ["transport", "--transport"],
  ["endpointPrefix", "--endpoint-prefix"],
  ["trustProxyHeaders", "--trust-proxy-headers"],
  ["requestTimeoutSeconds", "--request-timeout-seconds"],
] as const;

/**
 * `thv proxy --port 8080 stdio -- cmd` puts the listener options on the parent command: they count for
 * `stdio` as if given after it. The same option on both sides is refused, and so are the reverse proxy's
 * own options, which `stdio` cannot use.
 */
function withParentListenOptions<T extends ListenOptions>(own: T, command: OptionSources): T {
  const parent = command.parent!;
  const given = (name: string) => parent.getOptionValueSource(name) === "cli";
  for (const [name, flag] of REVERSE_ONLY) {
    if (given(name)) {
      throw new TypeError(`${flag} is an option of \`thv proxy --target-uri\`, not of \`thv proxy stdio\`: remove it`);
    }
  }
  const parentOpts = parent.opts() as ListenOptions;
  const merged = { ...own };
  const single = [
    ["host", "--host"],
    ["port", "--port"],
    ["headersTimeoutSeconds", "--headers-timeout-seconds"],
    ["idleTimeoutSeconds", "--idle-timeout-seconds"],
  ] as const;
  for (const [name, flag] of single) {
    if (!given(name)) continue;
    if (command.getOptionValueSource(name) === "cli") {
      throw new TypeError(`${flag} is given both before and after \`stdio\`: give it once`);
    }
    merged[name] = parentOpts[name] as never;
  }
  merged.allowedHost = [...parentOpts.allowedHost, ...own.allowedHost];
  merged.allowedOrigin = [...parentOpts.allowedOrigin, ...own.allowedOrigin];
  return merged;
}

/** Builds the `proxy` command group. */
export function proxyCommand(context: () => CliContext): Command {
  const proxy = withAuditFlags(withAuthFlags(new Command("proxy")))
    // Options after `stdio` are the subcommand's: without this, the parent's same-named options take them.
    .enablePositionalOptions()
    .description("put the MCP proxy in front of a server: `proxy stdio -- <cmd>` or `proxy --target-uri <url>`")
    .option("--target-uri <url>", "URL of an MCP server that speaks HTTP, e.g. http://127.0.0.1:3001/mcp")
    .addOption(
      new Option("--transport <transport>", "what that server speaks").choices(["streamable-http", "sse"] as const)
        .default("streamable-http" as const),
    )
    .option("--host <host>", "address to listen on", "127.0.0.1")
    .addOption(new Option("--port <port>", "port to listen on; 0 picks a free one").default(0).argParser(port))
    .option("--endpoint-prefix <prefix>", "public path prefix for SSE endpoint URLs (behind a path-stripping ingress)")
    .option("--trust-proxy-headers", "honour X-Forwarded-Prefix from a trusted ingress")
    .addOption(
      new Option(
        "--request-timeout-seconds <s>",
        "longest wait for the server's answer to start (504 past it); 0: none",
      )
        .default(300).argParser(seconds("--request-timeout-seconds")),
    )
    .option(
      "--allowed-host <host>",
      "a Host name clients may use besides localhost (repeatable)",
      collect,
      [] as string[],
    )
    .option("--allowed-origin <origin>", "a browser Origin allowed to call (repeatable)", collect, [] as string[])
    .addOption(headersTimeoutOption())
    .addOption(idleTimeoutOption())
    .addOption(authzConfigOption())
    .addOption(otel.endpoint()).addOption(otel.samplingRate()).addOption(otel.headers()).addOption(otel.serviceName())
    .addOption(otel.insecure()).addOption(otel.noTracing()).addOption(otel.noMetrics()).addOption(otel.prometheus())
    .addOption(otel.prometheusPort())
    .action(async (opts) => {
      const ctx = context();
      if (!opts.targetUri) {
        throw new TypeError(
          "thv proxy needs --target-uri <url>, or use `thv proxy stdio -- <command>` for a stdio server",
        );
      }
      let target: URL;
      try {
        target = new URL(opts.targetUri);
      } catch {
        throw new TypeError(`--target-uri ${opts.targetUri} is not a URL: give one like http://127.0.0.1:3001/mcp`);
      }
      if (target.protocol !== "http:" && target.protocol !== "https:") {
        throw new TypeError(`--target-uri ${opts.targetUri} is not http or https`);
      }
      const { createProxy } = await import("../../lib/transport/mod.ts");
      const state = new ProxyStateSlot(); // the proxy's sessions and health, for telemetry
      const chain = await proxyChainOfFlags(opts as AuthFlags, {
        transport: opts.transport,
        trustProxyHeaders: opts.trustProxyHeaders ?? false,
        log: ctx.log.with({ role: "proxy" }),
        env: ctx.env,
        fields: {
          ...await authzFieldsOf(opts.authzConfig),
          ...await auditConfigOf(opts as AuditFlags),
          ...telemetryFields(telemetryConfigOf(opts)),
        },
        host: opts.host,
        proxy: state,
      });
      const proxy = state.bind(createProxy({
        ...(chain ? { middleware: chain.middleware } : {}),
        transport: opts.transport,
        targetUrl: target.href,
        allowedHosts: opts.allowedHost,
        allowedOrigins: opts.allowedOrigin,
        ...(opts.endpointPrefix ? { endpointPrefix: opts.endpointPrefix } : {}),
        trustProxyHeaders: opts.trustProxyHeaders ?? false,
        requestTimeoutMs: opts.requestTimeoutSeconds * 1000,
      }, { log: ctx.log.with({ role: "proxy" }) }));
      await serveAndPrint(ctx, proxy, opts).finally(() => chain?.close());
    });
  const stdio = withAuditFlags(withAuthFlags(proxy.command("stdio")))
    .description("run a stdio MCP server and serve it over streamable HTTP at /mcp")
    .argument("<command>", "the server's executable")
    .argument("[args...]", "its arguments (put -- before them)")
    .option("--host <host>", "address to listen on", "127.0.0.1")
    .addOption(new Option("--port <port>", "port to listen on; 0 picks a free one").default(0).argParser(port))
    .option(
      "--allowed-host <host>",
      "a Host name clients may use besides localhost (repeatable)",
      collect,
      [] as string[],
    )
    .option("--allowed-origin <origin>", "a browser Origin allowed to call (repeatable)", collect, [] as string[])
    .addOption(headersTimeoutOption())
    .addOption(idleTimeoutOption())
    .addOption(
      new Option("--isolation <mode>", "shared: one server process for all sessions; session: one per session")
        .choices(["shared", "session"] as const).default("shared" as const),
    )
    .addOption(
      new Option("--max-processes <n>", "with --isolation session: most processes at once").default(10)
        .argParser(positive("--max-processes")),
    )
    .addOption(
      new Option("--session-idle-seconds <s>", "close sessions (and their processes) unused this long").default(1800)
        .argParser(positive("--session-idle-seconds")),
    )
    .addOption(
      new Option("--max-sessions <n>", "with --isolation shared: most sessions at once (503 past it)").default(1000)
        .argParser(positive("--max-sessions")),
    )
    .addOption(
      new Option("--session-buffer-bytes <n>", "unread bytes a session may hold before it is disconnected")
        .default(4 * 1024 * 1024).argParser(positive("--session-buffer-bytes")),
    )
    .addOption(
      new Option("--max-line-bytes <n>", "longest stdout line of the server; longer ones are dropped")
        .default(32 * 1024 * 1024).argParser(positive("--max-line-bytes")),
    )
    .addOption(
      new Option("--max-write-queue-bytes <n>", "bytes waiting for the server's stdin before requests are refused")
        .default(16 * 1024 * 1024).argParser(positive("--max-write-queue-bytes")),
    )
    .addOption(
      new Option("--keep-alive-seconds <s>", "interval of keep-alive comments on open event streams").default(15)
        .argParser(positive("--keep-alive-seconds")),
    )
    .addOption(authzConfigOption())
    .addOption(otel.endpoint()).addOption(otel.samplingRate()).addOption(otel.headers()).addOption(otel.serviceName())
    .addOption(otel.insecure()).addOption(otel.noTracing()).addOption(otel.noMetrics()).addOption(otel.prometheus())
    .addOption(otel.prometheusPort())
    .action(async (command, args, own) => {
      const opts = withParentListenOptions(own, stdio as unknown as OptionSources);
      const { log, env } = context();
      const { createProxy } = await import("../../lib/transport/mod.ts");
      const authzFile = authzConfigOf(own.authzConfig, (stdio.parent!.opts() as { authzConfig?: string }).authzConfig);
      const flags = mergedAuthFlags(stdio.parent!.opts() as AuthFlags, own as AuthFlags);
      const telemetry = telemetryConfigOf(telemetryFlagsOf(own, stdio, stdio.parent!));
      const state = new ProxyStateSlot(); // the proxy's sessions and health, for telemetry
      const chain = await proxyChainOfFlags(flags, {
        transport: "stdio",
        log: log.with({ role: "proxy" }),
        env,
        fields: {
          ...await authzFieldsOf(authzFile),
          ...await auditConfigOf(mergedAuditFlags(stdio.parent!.opts() as AuditFlags, own as AuditFlags)),
          ...telemetryFields(telemetry),
        },
        host: opts.host,
        proxy: state,
      });
      const proxy = state.bind(createProxy({
        ...(chain ? { middleware: chain.middleware } : {}),
        transport: "stdio",
        command: { command, args },
        isolation: opts.isolation,
        maxProcesses: opts.maxProcesses,
        sessionIdleMs: opts.sessionIdleSeconds * 1000,
        maxSessions: opts.maxSessions,
        sessionBufferBytes: opts.sessionBufferBytes,
        maxLineBytes: opts.maxLineBytes,
        maxWriteQueueBytes: opts.maxWriteQueueBytes,
        keepAliveMs: opts.keepAliveSeconds * 1000,
        allowedHosts: opts.allowedHost,
        allowedOrigins: opts.allowedOrigin,
      }, { log: log.with({ role: "proxy" }) }));
      await serveAndPrint(context(), proxy, opts).finally(() => chain?.close());
    });
  return proxy;
}
