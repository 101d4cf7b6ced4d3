/**
 * MCP pieces for tests: the proxy served in-process in front of a stdio server, SDK clients, and the
 * commands that start the fixture and server-everything.
 * @module
 */
import { fileURLToPath } from "node:url";
import { Client, SSEClientTransport, StreamableHTTPClientTransport } from "../../lib/mcp/mod.ts";
import { createLogger } from "../../lib/log.ts";
import { serve } from "../../lib/http/mod.ts";
import {
  createHttpProxy,
  createStdioProxy,
  type HttpProxy,
  type HttpProxyOptions,
  type HttpTransport,
  type StdioCommand,
  type StdioConnector,
  type StdioProxy,
  type StdioProxyOptions,
} from "../../lib/transport/mod.ts";
import { freePort } from "./ports.ts";
import { startProcess, waitUntilReady } from "./process.ts";

/** The fixture over stdio. */
export const FIXTURE_STDIO: StdioCommand = {
  command: Deno.execPath(),
  args: ["run", "-A", fileURLToPath(new URL("../fixtures/mcp_fixture.ts", import.meta.url)), "stdio"],
};

/** @modelcontextprotocol/server-everything over stdio, on the machine's Node.js (as `npx` runs it). */
export const EVERYTHING_STDIO: StdioCommand = {
  command: "node",
  args: [
    fileURLToPath(new URL("../../node_modules/@modelcontextprotocol/server-everything/dist/index.js", import.meta.url)),
    "stdio",
  ],
};

/** Serves `handler` on a free loopback port; `stop` runs `close` and then ends the listener. */
function serveOnFreePort(handler: (req: Request) => Promise<Response>, close: () => Promise<void>) {
  const abort = new AbortController();
  // The listener thv serves proxies on, deadlines included.
  const server = serve({ hostname: "127.0.0.1", port: 0, signal: abort.signal }, handler);
  const { port } = server.addr;
  let stopped: Promise<void> | undefined;
  const stop = () => (stopped ??= (async () => {
    await close();
    abort.abort();
    await server.finished;
  })());
  return { origin: `http://127.0.0.1:${port}`, stop };
}

/** A proxy served on a free loopback port. */
export interface ServedProxy extends AsyncDisposable {
  /** `http://127.0.0.1:<port>/mcp`. */
  readonly url: string;
  /** The proxy itself. */
  readonly proxy: StdioProxy;
  /** Stops the listener and the proxy. */
  stop(): Promise<void>;
}

/** Serves a stdio proxy for `command`; waits until /health answers 200. */
export async function serveStdioProxy(
  command: StdioCommand | StdioConnector,
  options: Partial<Omit<StdioProxyOptions, "command" | "log">> = {},
): Promise<ServedProxy> {
  const proxy = createStdioProxy({ command, log: createLogger({ format: "text", level: "error" }), ...options });
  const { origin, stop } = await serveOnFreePort(proxy.handler, () => proxy.close());
  const url = `${origin}/mcp`;
  const deadline = Date.now() + 30_000;
  while ((await fetch(`${origin}/health`).then((r) => (r.body?.cancel(), r.status), () => 0)) !== 200) {
    if (Date.now() > deadline) throw new Error("the proxy's /health did not turn 200 within 30 s");
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, proxy, stop, [Symbol.asyncDispose]: stop };
}

/** An SDK client connected over streamable HTTP. */
export async function connectClient(url: string, name = "thv-test"): Promise<Client> {
  const client = new Client({ name, version: "1.0.0" }, { capabilities: { sampling: {}, elicitation: {} } });
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  return client;
}

/** An SDK client connected over the legacy HTTP+SSE transport (`url` ends in /sse). */
export async function connectSseClient(url: string, name = "thv-test-sse"): Promise<Client> {
  const client = new Client({ name, version: "1.0.0" }, { capabilities: {} });
  await client.connect(new SSEClientTransport(new URL(url)));
  return client;
}

/** server-everything (or another server) over HTTP in its own process. */
export interface HttpServerProcess extends AsyncDisposable {
  /** Its MCP endpoint: /mcp for streamable HTTP, /sse for legacy SSE. */
  readonly url: string;
  /** Stops it. */
  stop(): Promise<void>;
}

/** Starts server-everything in `streamableHttp` or `sse` mode on a free port; waits until it accepts. */
export async function startEverythingHttp(mode: "streamableHttp" | "sse"): Promise<HttpServerProcess> {
  const port = freePort();
  const dir = await Deno.makeTempDir({ prefix: "thv-everything-" });
  const process = await startProcess("server-everything", "node", {
    args: [EVERYTHING_STDIO.args[0]!, mode],
    env: { PORT: String(port) },
    logPath: `${dir}/server.log`,
  });
  await waitUntilReady(process, async () => {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    conn.close();
    return true;
  }, { deadlineMs: 30_000, what: "listening" });
  let stopped: Promise<void> | undefined;
  const stop = () => (stopped ??= process.stop().then(() => Deno.remove(dir, { recursive: true }).catch(() => {})));
  return { url: `http://127.0.0.1:${port}/${mode === "sse" ? "sse" : "mcp"}`, stop, [Symbol.asyncDispose]: stop };
}

/** A reverse proxy served on a free loopback port. */
export interface ServedHttpProxy extends AsyncDisposable {
  /** The proxy's origin, `http://127.0.0.1:<port>`. */
  readonly origin: string;
  /** The proxy. */
  readonly proxy: HttpProxy;
  /** Stops it. */
  stop(): Promise<void>;
}

/** Serves an HTTP reverse proxy to `targetUrl`. */
export async function serveHttpProxy(
  targetUrl: string,
  transport: HttpTransport,
  options: Partial<Omit<HttpProxyOptions, "targetUrl" | "transport" | "log">> = {},
): Promise<ServedHttpProxy> {
  const proxy = createHttpProxy({
    targetUrl,
    transport,
    log: createLogger({ format: "text", level: "error" }),
    ...options,
  });
  const { origin, stop } = await serveOnFreePort(proxy.handler, () => proxy.close());
  return { origin, proxy, stop, [Symbol.asyncDispose]: stop };
}
