/**
 * Runs `thv serve` until shutdown: opens the workloads, makes the token (written 0600 to the serve folder
 * for local tools, removed at the end), listens on TCP or a UNIX socket, and prints where.
 * @module
 */
import { serve } from "../../lib/http/mod.ts";
import { statePaths } from "../../lib/state/mod.ts";
import { openLaptopWorkloads } from "../../lib/workloads/mod.ts";
import { newToken } from "./auth.ts";
import type { ServeDeps } from "./deps.ts";
import type { ServeContext } from "./mod.ts";
import { serveHandler } from "./server.ts";

/** The flags of `thv serve`, parsed. */
export interface ServeFlags {
  /** Address to listen on. */
  readonly host: string;
  /** Port (0: a free one). */
  readonly port: number;
  /** A UNIX socket to listen on instead. */
  readonly socket?: string;
  /** Serve the OpenAPI document. */
  readonly openapi: boolean;
  /** Browser origins allowed, with CORS. */
  readonly allowedOrigins: readonly string[];
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);

async function writeToken(dir: string, token: string): Promise<string> {
  await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
  const path = `${dir}/token`;
  await Deno.writeTextFile(path, `${token}\n`, { mode: 0o600 });
  await Deno.chmod(path, 0o600);
  return path;
}

/** Serves until the shutdown signal aborts. */
export async function runServe(ctx: ServeContext, flags: ServeFlags): Promise<void> {
  const paths = statePaths(ctx.env);
  const deps: ServeDeps = {
    workloads: openLaptopWorkloads({
      env: ctx.env,
      runtime: ctx.runtime,
      log: ctx.log,
      self: ctx.self,
      passFlags: ctx.passFlags,
      cwd: Deno.cwd(),
    }),
    env: ctx.env,
    paths,
    version: ctx.version,
    log: ctx.log,
  };
  const signal = ctx.shutdown();
  const common = {
    deps,
    allowedOrigins: flags.allowedOrigins,
    allowedHosts: LOOPBACK.has(flags.host) ? [] : [flags.host.toLowerCase()],
    openapi: flags.openapi,
    // Tests turn it on: every JSON reply is checked against its documented schema (a 500 when it breaks it).
    ...(ctx.env.THV_SERVE_CHECK_RESPONSES === "1" ? { checkResponses: true } : {}),
  };
  if (flags.socket) {
    await Deno.remove(flags.socket).catch(() => {});
    const server = Deno.serve({ path: flags.socket, signal, onListen: () => {} }, serveHandler(common));
    await Deno.chmod(flags.socket, 0o600);
    ctx.print(`thv serve: API on unix socket ${flags.socket}`);
    await server.finished;
    await Deno.remove(flags.socket).catch(() => {});
    return;
  }
  const token = newToken();
  const tokenFile = await writeToken(paths.serve, token);
  try {
    const listener = serve({
      hostname: flags.host,
      port: flags.port,
      signal,
      log: ctx.log,
    }, serveHandler({ ...common, token }));
    const { port } = listener.addr;
    const host = flags.host.includes(":") && !flags.host.startsWith("[") ? `[${flags.host}]` : flags.host;
    const base = `http://${host}:${port}`;
    ctx.print(`thv serve: API on ${base}/api/v1beta (bearer token in ${tokenFile})`);
    ctx.print(`thv serve: web UI at ${base}/?token=${token}`);
    if (!LOOPBACK.has(flags.host)) {
      ctx.log.warn("The API listens beyond loopback: anyone who reaches it and has the token runs servers here", {
        host: flags.host,
      });
    }
    await listener.finished;
  } finally {
    await Deno.remove(tokenFile).catch(() => {});
  }
}
