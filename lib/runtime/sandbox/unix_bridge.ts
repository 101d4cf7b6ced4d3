/**
 * The bridge from a loopback TCP port to a sandboxed HTTP server's unix socket: the server may not use the
 * host's loopback (that would reach every local service), so it listens on a socket in its work dir and thv
 * serves it on 127.0.0.1:<port>, where its proxy expects it. Each TCP connection gets its own socket
 * connection; bytes are copied both ways until either side closes.
 * @module
 */

/** A running bridge. */
export interface UnixBridge extends AsyncDisposable {
  /** Stops accepting and closes every bridged connection. */
  close(): Promise<void>;
}

/** Serves `socket` on 127.0.0.1:`port` until closed. */
export function bridgeToUnix(port: number, socket: string): UnixBridge {
  const listener = Deno.listen({ hostname: "127.0.0.1", port });
  const open = new Set<Deno.Conn>();
  const closeConn = (conn: Deno.Conn) => {
    open.delete(conn);
    try {
      conn.close();
    } catch { /* closed already */ }
  };
  const pipe = async (from: Deno.Conn, to: Deno.Conn) => {
    try {
      await from.readable.pipeTo(to.writable, { preventClose: true });
      await to.closeWrite().catch(() => {});
    } catch { /* either side went away */ }
  };
  const bridge = async (client: Deno.Conn) => {
    open.add(client);
    let server: Deno.Conn | undefined;
    try {
      server = await Deno.connect({ transport: "unix", path: socket });
      open.add(server);
      await Promise.all([pipe(client, server), pipe(server, client)]);
    } catch {
      /* the server is not listening (yet): the client sees the connection close */
    } finally {
      closeConn(client);
      if (server) closeConn(server);
    }
  };
  const accepting = (async () => {
    try {
      for await (const conn of listener) void bridge(conn);
    } catch { /* closed */ }
  })();
  const close = async () => {
    try {
      listener.close();
    } catch { /* closed already */ }
    for (const conn of [...open]) closeConn(conn);
    await accepting;
  };
  return { close, [Symbol.asyncDispose]: close };
}
