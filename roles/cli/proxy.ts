/**
 * `thv proxy stdio -- <command> [args...]`: runs a stdio MCP server behind the proxy and prints the URL
 * clients use. Shared by every client session (`--isolation session` is not there yet).
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

/** Builds the `proxy` command group. */
export function proxyCommand(context: () => CliContext): Command {
  const proxy = new Command("proxy").description("put the MCP proxy in front of a server");
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
    .action(async (command, args, opts) => {
      const { log, print, shutdown } = context();
      const { createStdioProxy } = await import("../../lib/transport/mod.ts");
      const proxy = createStdioProxy({
        command: { command, args },
        allowedHosts: opts.allowedHost,
        allowedOrigins: opts.allowedOrigin,
        log: log.with({ role: "proxy" }),
      });
      const listening = Promise.withResolvers<Deno.NetAddr>();
      const server = Deno.serve({
        hostname: opts.host,
        port: opts.port,
        signal: shutdown,
        onListen: (addr) => listening.resolve(addr),
      }, proxy.handler);
      const addr = await listening.promise;
      const host = addr.hostname.includes(":") ? `[${addr.hostname}]` : addr.hostname;
      print(`http://${host}:${addr.port}/mcp`);
      await server.finished;
      await proxy.close();
    });
  return proxy;
}
