/**
 * The serve role: `thv serve` runs the REST API (and the web UI) over the same workload functions the CLI
 * uses, on loopback with a per-start bearer token, or on a UNIX socket (docs/serve.md).
 * @module
 */
import { Command, Option } from "@commander-js/extra-typings";
import type { Logger } from "../../lib/log.ts";
import type { RuntimeChoice } from "../../lib/runtime/mod.ts";

/** What `thv serve` receives from main.ts. */
export interface ServeContext {
  /** The process logger. */
  readonly log: Logger;
  /** The environment, read once at start. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The runtime, detected once on first use. */
  readonly runtime: () => RuntimeChoice;
  /** The command line that runs this thv again (for detached proxies). */
  readonly self: readonly string[];
  /** Global flags detached proxies get (`--debug`). */
  readonly passFlags: readonly string[];
  /** Aborts on SIGINT/SIGTERM. */
  readonly shutdown: () => AbortSignal;
  /** thv's version. */
  readonly version: string;
  /** Writes one line to standard output. */
  readonly print: (line: string) => void;
}

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new RangeError(`--port ${value} is not a port: use 0 to 65535`);
  return n;
}

function origin(value: string, previous: string[]): string[] {
  let parsed: URL | undefined;
  try {
    parsed = new URL(value);
  } catch { /* refused below */ }
  if (!parsed || parsed.origin !== value || !/^https?:$/.test(parsed.protocol)) {
    throw new RangeError(
      `--allowed-origin ${value} is not an origin: give scheme, host and port only, e.g. https://app.example.com`,
    );
  }
  return [...previous, value];
}

/** The `serve` command. */
export function serveCommand(context: () => ServeContext): Command {
  return new Command("serve")
    .description("serve the REST API and the web UI over thv's workloads")
    .option("--host <host>", "address to listen on", "127.0.0.1")
    .addOption(new Option("--port <port>", "port to listen on (0: a free one)").default(8080).argParser(port))
    .option("--socket <path>", "listen on this UNIX socket instead (mode 0600, no token needed)")
    .option("--openapi", "serve the OpenAPI document at /api/openapi.json and its docs at /api/doc")
    .option(
      "--allowed-origin <origin>",
      "a browser origin allowed to call the API, with CORS (repeatable)",
      origin,
      [] as string[],
    )
    .action(async (opts) => {
      const { runServe } = await import("./run.ts");
      await runServe(context(), {
        host: opts.host,
        port: opts.port,
        ...(opts.socket ? { socket: opts.socket } : {}),
        openapi: opts.openapi ?? false,
        allowedOrigins: opts.allowedOrigin,
      });
    });
}
