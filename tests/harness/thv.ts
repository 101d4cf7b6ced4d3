/**
 * Runs the `thv` program from source as a separate process, the way a user runs it.
 * @module
 */
import { fileURLToPath } from "node:url";
import { THV_PERMISSIONS } from "../../lib/config/mod.ts";
import { firstLine } from "./lines.ts";
import { within } from "./watch.ts";

/** The repository root. */
export const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** What a `thv` run printed and how it exited. */
export interface ThvResult {
  /** Exit code. */
  readonly code: number;
  /** Standard output, decoded. */
  readonly stdout: string;
  /** Standard error, decoded. */
  readonly stderr: string;
}

/** The Deno cache of the test process, passed on so a child with another HOME does not fetch again. */
const DENO_DIR = Deno.env.get("DENO_DIR") ?? `${Deno.env.get("HOME")}/.cache/deno`;

/** The machine's TLS trust settings (a build machine may intercept TLS), passed on like the Deno cache. */
const TLS_ENV = Object.fromEntries(
  ["SSL_CERT_FILE", "SSL_CERT_DIR", "NODE_EXTRA_CA_CERTS", "DENO_CERT", "DENO_TLS_CA_STORE"].flatMap((k) => {
    const v = Deno.env.get(k);
    return v ? [[k, v]] : [];
  }),
);

/**
 * Runs `thv <args>` with only `env` (plus `NO_COLOR=1`, the Deno cache and the TLS settings) in its environment;
 * with `stdin`, that text is its standard input (then its end), else it inherits the test's.
 */
export async function runThv(
  args: readonly string[],
  env: Record<string, string> = {},
  options: { readonly stdin?: string } = {},
): Promise<ThvResult> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", ...THV_PERMISSIONS, "main.ts", ...args],
    cwd: REPO_ROOT,
    env: { NO_COLOR: "1", DENO_DIR, ...TLS_ENV, ...env },
    clearEnv: true,
    stdin: options.stdin === undefined ? "inherit" : "piped", // inherit: as Deno.Command.output() did
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (options.stdin !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(options.stdin)).catch(() => {}); // it may exit without reading
    await writer.close().catch(() => {});
  }
  const out = await child.output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** A throwaway home for thv's state, and the environment a user of it has. */
export interface PrivateHome extends AsyncDisposable {
  /** The home folder (thv's XDG folders default under it). */
  readonly home: string;
  /** `HOME`, `PATH` and the variables given: pass it to {@linkcode runThv}. */
  readonly env: Record<string, string>;
}

/** Makes a private home; disposing of it deletes it. */
export async function privateHome(env: Record<string, string> = {}): Promise<PrivateHome> {
  const home = await Deno.makeTempDir({ prefix: "thv-home-" });
  return {
    home,
    env: { HOME: home, PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin", ...env },
    [Symbol.asyncDispose]: () => Deno.remove(home, { recursive: true }),
  };
}

/** A long-running `thv` process (a proxy, a foreground run). */
export interface ThvProcess {
  /** The process. */
  readonly child: Deno.ChildProcess;
  /** The first line it prints (its URL); rejects after `ms`. */
  firstLine(ms: number): Promise<string>;
  /** Everything it wrote to stderr, once it has exited. */
  readonly stderr: Promise<string>;
  /** Sends `signal` (default SIGTERM) and waits for the exit. */
  stop(signal?: Deno.Signal): Promise<Deno.CommandStatus>;
}

/** Starts `thv <args>` from source with all permissions, the test's environment plus `env`. */
export function spawnThv(args: readonly string[], env: Record<string, string> = {}): ThvProcess {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "main.ts", ...args],
    cwd: REPO_ROOT,
    env: { NO_COLOR: "1", ...env },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stderr = new Response(child.stderr).text();
  return {
    child,
    firstLine: (ms) => within(firstLine(child.stdout), ms, `the first line of thv ${args.join(" ")}`),
    stderr,
    async stop(signal = "SIGTERM") {
      try {
        child.kill(signal);
      } catch { /* exited already */ }
      return await child.status;
    },
  };
}

/**
 * A unix socket that accepts connections and never answers: an engine that hangs. `connected` resolves once
 * a client has connected (the positive sign that it now waits for an answer).
 */
export async function muteSocket(): Promise<{ path: string; connected: Promise<void> } & AsyncDisposable> {
  const dir = await Deno.makeTempDir({ prefix: "thv-mute-" });
  const path = `${dir}/mute.sock`;
  const listener = Deno.listen({ transport: "unix", path });
  const held: Deno.Conn[] = [];
  const connected = Promise.withResolvers<void>();
  const accepting = (async () => {
    for await (const conn of listener) {
      held.push(conn);
      connected.resolve();
    }
  })();
  return {
    path,
    connected: connected.promise,
    async [Symbol.asyncDispose]() {
      listener.close();
      await accepting.catch(() => {});
      held.forEach((c) => c.close());
      await Deno.remove(dir, { recursive: true });
    },
  };
}
