/**
 * `serve`: the one HTTP listener of thv, behind every socket it serves (the proxies, the operator's health
 * port), with the error boundary ({@linkcode errorBoundary}) around its handler and the deadlines
 * `Deno.serve` lacks: Deno 2.9 never times out a request head that does not finish (slowloris) nor an idle
 * keep-alive connection, and it takes no listener of ours. So the public socket is ours: each connection is relayed, byte for byte, to a `Deno.serve` on a private loopback port,
 * and {@linkcode ConnectionState} follows the messages as they pass to know which deadline applies.
 * HTTP/1.1 and HTTP/2 with prior knowledge both pass (the server behind detects which).
 * @module
 */
import { createLogger, type Logger } from "../log.ts";
import type { HttpError } from "./error.ts";
import { ConnectionState } from "./framing.ts";
import { errorBoundary, type Handler } from "./middleware.ts";

/** Default {@linkcode HttpListenerOptions.headersTimeoutMs}. */
export const DEFAULT_HEADERS_TIMEOUT_MS = 10_000;
/** Default {@linkcode HttpListenerOptions.idleTimeoutMs}. */
export const DEFAULT_IDLE_TIMEOUT_MS = 60_000;

/** Options of {@linkcode serve}. */
export interface HttpListenerOptions {
  /** Address to listen on. */
  readonly hostname: string;
  /** Port to listen on (0: a free one). */
  readonly port: number;
  /** Aborting it stops the listener, as `Deno.serve`'s signal does. */
  readonly signal?: AbortSignal;
  /** Called once it listens. */
  readonly onListen?: (addr: Deno.NetAddr) => void;
  /**
   * Longest time from a connection's opening, or from the first byte of a request head, to the end of
   * that head (HTTP/2: of the preface, or of any frame); past it the connection is closed. 0: no limit.
   */
  readonly headersTimeoutMs?: number;
  /**
   * Longest time a connection may sit with no request in progress and no answer being sent, or a request
   * body may stall; past it the connection is closed. An answer in progress (an SSE stream) is never cut.
   * 0: no limit. With both limits 0 there is no relay: `Deno.serve` listens itself, as fast as it goes.
   */
  readonly idleTimeoutMs?: number;
  /** Told when a connection is closed for a deadline. */
  readonly onTimeout?: (which: "headers" | "idle") => void;
  /**
   * How the relay reaches the server behind: a unix socket in a private temporary folder (the default,
   * the faster), falling back to a loopback TCP port where no folder can be made (a read-only root); or
   * always the TCP port.
   */
  readonly backend?: "unix" | "tcp";
  /** The folder the backend's private socket folder is made in (default: the system's temporary folder). */
  readonly backendParent?: string;
  /** Where the error boundary logs unexpected errors (default: text on standard error). */
  readonly log?: Logger;
  /**
   * The error boundary's rendering: an {@linkcode HttpError} thrown by the handler, or the bare 500 that
   * stands for any other error, into the response (default: `error.toResponse()`).
   */
  readonly onError?: (error: HttpError, req: Request) => Response | Promise<Response>;
}

/** A running listener. */
export interface HttpListener {
  /** The address it listens on. */
  readonly addr: Deno.NetAddr;
  /** Settles once it has stopped and every connection has ended. */
  readonly finished: Promise<void>;
  /** Stops accepting, finishes the requests in progress and closes the connections. */
  shutdown(): Promise<void>;
}

/** A relay's read buffer: small while messages are (2,000 open streams must not cost 2,000 large buffers). */
const SMALL_BUFFER_BYTES = 4 * 1024;
/** The buffer of a direction that has filled its small one: bulk moves in fewer reads. */
const LARGE_BUFFER_BYTES = 64 * 1024;

/**
 * Serves `handler`, inside the error boundary, on `options.hostname:port` with header and idle deadlines.
 * Throws when it cannot listen.
 * Behind the unix-socket relay, HTTP/1 requests reach the handler with an `http+unix://<host>/<path>` URL
 * (HTTP/2 ones with `http://`): read the path and query from `req.url`, the authority from the Host field,
 * never `new URL(req.url).origin` (which is `"null"` for that scheme).
 */
export function serve(options: HttpListenerOptions, handler: Handler): HttpListener {
  const log = options.log ?? createLogger({ format: "text", level: "warn" });
  handler = errorBoundary({ log, ...(options.onError ? { onError: options.onError } : {}) })(handler);
  const headersMs = (options.headersTimeoutMs ?? DEFAULT_HEADERS_TIMEOUT_MS) || Infinity;
  const idleMs = (options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS) || Infinity;
  if (headersMs === Infinity && idleMs === Infinity) return serveWithoutDeadlines(options, handler);
  const listener = Deno.listen({ hostname: options.hostname, port: options.port });
  const inner = new AbortController();
  let backend: ReturnType<typeof serveBackend>;
  try {
    backend = serveBackend(inner.signal, handler, options.backend ?? "unix", options.backendParent);
  } catch (e) {
    listener.close();
    throw e;
  }
  const relays = new Set<Promise<void>>();

  const accepting = (async () => {
    while (true) {
      let conn: Deno.TcpConn;
      try {
        conn = await listener.accept();
      } catch {
        return; // closed
      }
      const relay = relayConnection(conn).finally(() => relays.delete(relay));
      relays.add(relay);
    }
  })();

  async function relayConnection(client: Deno.TcpConn): Promise<void> {
    let server: Deno.Conn;
    try {
      client.setNoDelay(true);
      server = await backend.connect();
    } catch {
      closeQuietly(client);
      return;
    }
    const state = new ConnectionState();
    const openedAt = performance.now();
    let partialSince = -1;
    let lastActivity = openedAt;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let due = Infinity;
    let closed = false;

    const close = () => {
      if (closed) return;
      closed = true;
      clearTimeout(timer);
      closeQuietly(client);
      closeQuietly(server);
    };
    /** The deadline that applies now: the head's, the idle one, or none while an answer is pending. */
    const deadline = (): { at: number; which: "headers" | "idle" } | undefined => {
      if (lostAt >= 0) return { at: lostAt + headersMs, which: "headers" };
      if (state.partial) return { at: partialSince + headersMs, which: "headers" };
      if (state.requests === 0 && state.protocol !== "h2") return { at: openedAt + headersMs, which: "headers" };
      if (state.receivingBody || !state.busy) return { at: lastActivity + idleMs, which: "idle" };
      return undefined;
    };
    const check = () => {
      timer = undefined;
      due = Infinity;
      const d = deadline();
      if (!d) return arm(performance.now() + idleMs); // look again later: the answer may end
      if (performance.now() >= d.at) {
        options.onTimeout?.(d.which);
        return close();
      }
      arm(d.at);
    };
    const arm = (at: number) => {
      if (closed || at >= due || at === Infinity) return;
      clearTimeout(timer);
      due = at;
      timer = setTimeout(check, Math.max(0, at - performance.now()));
    };
    const afterClientBytes = () => {
      const now = performance.now();
      lastActivity = now;
      if (state.partial) {
        if (partialSince < 0) {
          partialSince = now;
          arm(now + headersMs);
        }
      } else partialSince = -1;
    };
    arm(openedAt + headersMs);

    /**
     * Bytes that cannot be followed (a malformed head, say) still go to the server, which answers them as
     * it would anyway (400) and closes; the connection has the head deadline to be gone.
     */
    let lostAt = -1;
    const follow = (feed: () => void) => {
      if (lostAt >= 0) return;
      try {
        feed();
      } catch {
        lostAt = performance.now();
        arm(lostAt + headersMs);
      }
    };
    const up = pump(client, server, (chunk) => {
      follow(() => state.fromClient(chunk));
      afterClientBytes();
    }).then(() => server.closeWrite().catch(() => {}), close);
    const down = pump(server, client, (chunk) => {
      follow(() => state.fromServer(chunk));
      lastActivity = performance.now();
    }).finally(close); // the server closed: nothing more can come
    await Promise.allSettled([up, down]);
    close();
  }

  const done = Promise.withResolvers<void>();
  let stopped: Promise<void> | undefined;
  const stop = () =>
    stopped ??= (async () => {
      listener.close();
      await accepting;
      inner.abort();
      await backend.server.finished;
      await backend.cleanUp();
      // The server behind has closed its connections; relays end as they see that.
      await Promise.allSettled([...relays]);
      done.resolve();
    })();
  if (options.signal?.aborted) void stop();
  else options.signal?.addEventListener("abort", () => void stop(), { once: true });
  const addr = listener.addr;
  options.onListen?.(addr);
  return { addr, finished: done.promise, shutdown: stop };
}

/** Plain `Deno.serve` on the public address: no deadlines, no relay. */
function serveWithoutDeadlines(options: HttpListenerOptions, handler: Handler): HttpListener {
  const server = Deno.serve({
    hostname: options.hostname,
    port: options.port,
    ...(options.signal ? { signal: options.signal } : {}),
    onListen: () => {},
  }, handler);
  options.onListen?.(server.addr);
  // Given an aborted signal, Deno.serve never finishes by itself.
  if (options.signal?.aborted) void server.shutdown();
  return { addr: server.addr, finished: server.finished, shutdown: () => server.shutdown() };
}

/** The `Deno.serve` behind the relay, and how to reach it. */
function serveBackend(
  signal: AbortSignal,
  handler: Handler,
  kind: "unix" | "tcp",
  parent?: string,
): { server: Deno.HttpServer; connect: () => Promise<Deno.Conn>; cleanUp: () => Promise<void> } {
  if (kind === "unix") {
    let dir: string | undefined;
    try {
      dir = Deno.makeTempDirSync({ prefix: "thv-listener-", ...(parent ? { dir: parent } : {}) }); // mode 0700: only this user reaches the socket
      const path = `${dir}/http.sock`;
      const server = Deno.serve({ transport: "unix", path, signal, onListen: () => {} }, handler);
      return {
        server,
        connect: () => Deno.connect({ transport: "unix", path }),
        cleanUp: () => Deno.remove(dir!, { recursive: true }).catch(() => {}),
      };
    } catch {
      // No private folder here (a read-only root, a path too long for a socket): the TCP port then.
      if (dir) Deno.removeSync(dir, { recursive: true });
    }
  }
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, signal, onListen: () => {} }, handler);
  const port = server.addr.port;
  return {
    server,
    connect: async () => {
      const conn = await Deno.connect({ hostname: "127.0.0.1", port });
      conn.setNoDelay(true);
      return conn;
    },
    cleanUp: () => Promise.resolve(),
  };
}

/** Copies `from` to `to` until `from` ends, telling `seen` about each chunk before it is written. */
async function pump(from: Deno.Conn, to: Deno.Conn, seen: (chunk: Uint8Array) => void): Promise<void> {
  let buf = new Uint8Array(SMALL_BUFFER_BYTES);
  while (true) {
    const n = await from.read(buf);
    if (n === null) return;
    const chunk = buf.subarray(0, n);
    seen(chunk);
    let offset = 0;
    while (offset < n) offset += await to.write(chunk.subarray(offset));
    if (n === buf.length && buf.length < LARGE_BUFFER_BYTES) buf = new Uint8Array(LARGE_BUFFER_BYTES);
  }
}

function closeQuietly(conn: Deno.Conn): void {
  try {
    conn.close();
  } catch { /* closed already */ }
}
