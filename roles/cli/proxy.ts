/**
 * `thv proxy stdio -- <command> [args...]` runs a stdio MCP server behind the proxy; `thv proxy --target-uri
 * <url>` fronts an MCP server that speaks HTTP. Both print the URL clients use and run until SIGINT/SIGTERM.
 * @module
 */
import { Command, Option } from "@commander-js/extra-typings";
import type { CliContext } from "./context.ts";

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

/** Serves `handler` and prints the URL; resolves when the shutdown signal has stopped the listener. */
async function serveAndPrint(
  context: CliContext,
  handler: (req: Request) => Promise<Response>,
  listen: { host: string; port: number; path: string },
): Promise<void> {
  const listening = Promise.withResolvers<Deno.NetAddr>();
  const server = Deno.serve({
    hostname: listen.host,
    port: listen.port,
    signal: context.shutdown(),
    onListen: (addr) => listening.resolve(addr),
  }, handler);
  const addr = await listening.promise;
  const host = addr.hostname.includes(":") ? `[${addr.hostname}]` : addr.hostname;
  context.print(`http://${host}:${addr.port}${listen.path}`);
  await server.finished;
}

/** Builds the `proxy` command group. */
export function proxyCommand(context: () => CliContext): Command {
  const proxy = new Command("proxy")
    .description("put the MCP proxy in front of a server: `proxy stdio -- <cmd>` or `proxy --target-uri <url>`")
    // `proxy` and `proxy stdio` share flag names (--host, --port, ...): flags after `stdio` are the subcommand's.
    .enablePositionalOptions()
    .option("--target-uri <url>", "URL of an MCP server that speaks HTTP, e.g. http://127.0.0.1:3001/mcp")
    .addOption(
      new Option("--transport <transport>", "what that server speaks").choices(["streamable-http", "sse"] as const)
        .default("streamable-http" as const),
    )
    .option("--host <host>", "address to listen on", "127.0.0.1")
    .addOption(new Option("--port <port>", "port to listen on; 0 picks a free one").default(0).argParser(port))
    .option("--endpoint-prefix <prefix>", "public path prefix for SSE endpoint URLs (behind a path-stripping ingress)")
    .option("--trust-proxy-headers", "honour X-Forwarded-Prefix from a trusted ingress")
    .option(
      "--allowed-host <host>",
      "a Host name clients may use besides localhost (repeatable)",
      collect,
      [] as string[],
    )
    .option("--allowed-origin <origin>", "a browser Origin allowed to call (repeatable)", collect, [] as string[])
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
      const { createHttpProxy } = await import("../../lib/transport/mod.ts");
      const httpProxy = createHttpProxy({
        targetUrl: target.href,
        transport: opts.transport,
        allowedHosts: opts.allowedHost,
        allowedOrigins: opts.allowedOrigin,
        ...(opts.endpointPrefix ? { endpointPrefix: opts.endpointPrefix } : {}),
        trustProxyHeaders: opts.trustProxyHeaders ?? false,
        log: ctx.log.with({ role: "proxy" }),
      });
      await serveAndPrint(ctx, httpProxy.handler, {
        host: opts.host,
        port: opts.port,
        path: opts.transport === "sse" ? "/sse" : target.pathname,
      });
      await httpProxy.close();
    });
  proxy.command("stdio")
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
    .action(async (command, args, opts) => {
      const { log } = context();
      const { createStdioProxy } = await import("../../lib/transport/mod.ts");
      const stdioProxy = createStdioProxy({
        command: { command, args },
        isolation: opts.isolation,
        maxProcesses: opts.maxProcesses,
        sessionIdleMs: opts.sessionIdleSeconds * 1000,
        allowedHosts: opts.allowedHost,
        allowedOrigins: opts.allowedOrigin,
        log: log.with({ role: "proxy" }),
      });
      await serveAndPrint(context(), stdioProxy.handler, { host: opts.host, port: opts.port, path: "/mcp" });
      await stdioProxy.close();
    });
  return proxy;
}
