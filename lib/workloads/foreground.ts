/**
 * Runs a workload in the foreground on a Docker-compatible engine: its container, and the proxy in front
 * of it (the stdio proxy through the container's attached stdio, or the reverse proxy to its port published
 * on 127.0.0.1). Stops and removes the container when the signal aborts.
 * @module
 */
import type Docker from "dockerode";
import type { Logger } from "../log.ts";
import type { RunConfig } from "../run_config.ts";
import { containerConnector, DockerWorkloads, WorkloadExistsError } from "../runtime/docker/mod.ts";
import { createHttpProxy, createStdioProxy } from "../transport/mod.ts";

/** What a foreground run needs besides the RunConfig. */
export interface ForegroundOptions {
  /** The engine. */
  readonly docker: Docker;
  /** Address the proxy listens on. */
  readonly host: string;
  /** Logger. */
  readonly log: Logger;
  /** Stops the run. */
  readonly signal: AbortSignal;
}

/** A running foreground workload. */
export interface ForegroundRun {
  /** The URL clients use. */
  readonly url: string;
  /** Resolves once the run has stopped and its container is gone. */
  readonly finished: Promise<void>;
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freeLoopbackPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/** Starts the workload of `config` and its proxy; see {@linkcode ForegroundRun}. */
export async function runInForeground(config: RunConfig, options: ForegroundOptions): Promise<ForegroundRun> {
  const { log, signal } = options;
  const workloads = new DockerWorkloads(options.docker);
  if (await workloads.find(config.name)) {
    throw new WorkloadExistsError(`A workload named ${config.name} exists already: choose another --name`);
  }
  // Checked now: a stdio server's container starts only when the proxy connects, and a missing image would
  // then turn into endless restarts behind a URL that looks fine.
  if (!(await options.docker.getImage(config.image).inspect().then(() => true, () => false))) {
    throw new Error(`Image ${config.image} is not on the engine: pull or build it first`);
  }
  let handler: (req: Request) => Promise<Response>;
  let close: () => Promise<void>;
  let path: string;
  if (config.transport === "stdio") {
    const proxy = createStdioProxy({ command: containerConnector(workloads, config), log });
    handler = proxy.handler;
    close = () => proxy.close();
    path = config.proxy_mode === "sse" ? "/sse" : "/mcp";
  } else {
    const hostPort = freeLoopbackPort();
    await workloads.deploy(config, { hostPort });
    const upstreamPath = config.transport === "sse" ? "/sse" : "/mcp";
    const proxy = createHttpProxy({
      targetUrl: `http://127.0.0.1:${hostPort}${upstreamPath}`,
      transport: config.transport,
      log,
    });
    handler = proxy.handler;
    close = async () => {
      await proxy.close();
      await workloads.remove(config.name);
    };
    path = upstreamPath;
  }
  const listening = Promise.withResolvers<Deno.NetAddr>();
  let server: Deno.HttpServer;
  try {
    server = Deno.serve({ hostname: options.host, port: config.port, signal, onListen: listening.resolve }, handler);
  } catch (e) {
    await close();
    throw new Error(
      `Cannot listen on ${options.host}:${config.port}: ${(e as Error).message}: choose another --proxy-port`,
      {
        cause: e,
      },
    );
  }
  const addr = await listening.promise;
  const host = addr.hostname.includes(":") ? `[${addr.hostname}]` : addr.hostname;
  const finished = server.finished.then(async () => {
    await close();
    log.info("Stopped workload", { name: config.name });
  });
  return { url: `http://${host}:${addr.port}${path}`, finished };
}
