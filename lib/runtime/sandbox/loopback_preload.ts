/**
 * The module thv preloads into every sandboxed server (`deno run --preload`). An HTTP server's listener on its
 * port (`PORT`) is moved to a unix socket in its work dir, which thv bridges to 127.0.0.1:<port>: the sandbox
 * denies the server the host's loopback (so it cannot reach other local services), and Deno's deny list wins
 * over any grant, so it could not listen there either. Every other TCP listener binds 127.0.0.1 (Node servers
 * such as Express call `listen(port)`, which binds every interface). `server.address()` still answers
 * 127.0.0.1:<port>, for servers that print or use it. This is a compatibility shim; the permission flags are
 * the boundary. It is kept as source text so a bundled or compiled thv can write it out.
 * @module
 */

/** Where an HTTP server's listener goes: the port it is told to use, and the socket that replaces it. */
export interface PreloadListener {
  /** The port in the server's `PORT`. */
  readonly port: number;
  /** The unix socket it listens on instead. */
  readonly socket: string;
}

/** The preload's JavaScript source; with `listener`, listens on that port go to the socket. */
export function loopbackPreload(listener?: PreloadListener): string {
  return `// Written by thv: the server's own listener goes to its unix socket; every other TCP listener binds 127.0.0.1.
import net from "node:net";

const LOOPBACK = "127.0.0.1";
const LISTENER = ${JSON.stringify(listener ?? null)};
const isPort = (value) => typeof value === "number" || (typeof value === "string" && /^\\d+$/.test(value));
const ours = (port) => LISTENER !== null && isPort(port) && Number(port) === LISTENER.port;
const moved = new WeakSet();

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  const [first] = args;
  if (ours(first)) {
    moved.add(this);
    const callback = args.find((a) => typeof a === "function");
    return listen.apply(this, callback ? [LISTENER.socket, callback] : [LISTENER.socket]);
  }
  if (first !== null && typeof first === "object" && ours(first.port) && first.path === undefined) {
    moved.add(this);
    const { port: _port, host: _host, ...rest } = first;
    return listen.apply(this, [{ ...rest, path: LISTENER.socket }, ...args.slice(1)]);
  }
  if (first === undefined || typeof first === "function") {
    args.splice(0, first === undefined ? 1 : 0, 0, LOOPBACK);
  } else if (isPort(first)) {
    if (typeof args[1] === "string") args[1] = LOOPBACK;
    else args.splice(1, 0, LOOPBACK);
  } else if (first !== null && typeof first === "object" && first.path === undefined && first.fd === undefined &&
    first.handle === undefined && first._handle === undefined) {
    args[0] = { ...first, host: LOOPBACK };
  }
  return listen.apply(this, args);
};
const address = net.Server.prototype.address;
net.Server.prototype.address = function () {
  return moved.has(this) ? { address: LOOPBACK, family: "IPv4", port: LISTENER.port } : address.call(this);
};

const tcp = (options) => options?.transport === undefined || options.transport === "tcp";
const addr = () => ({ transport: "tcp", hostname: LOOPBACK, port: LISTENER.port });
const serve = Deno.serve;
Deno.serve = function (first, second) {
  if (typeof first === "function") return serve.call(this, { hostname: LOOPBACK }, first);
  if (first !== null && typeof first === "object" && tcp(first) && first.path === undefined) {
    if (ours(first.port)) {
      const { port: _port, hostname: _hostname, onListen, ...rest } = first;
      const served = serve.call(this, {
        ...rest,
        path: LISTENER.socket,
        onListen: onListen ? () => onListen(addr()) : () => {},
      }, second);
      return Object.defineProperty(served, "addr", { get: addr });
    }
    return serve.call(this, { ...first, hostname: LOOPBACK }, second);
  }
  return serve.call(this, first, second);
};
const denoListen = Deno.listen;
Deno.listen = function (options) {
  if (tcp(options) && ours(options.port)) return denoListen.call(this, { transport: "unix", path: LISTENER.socket });
  return denoListen.call(this, tcp(options) ? { ...options, hostname: LOOPBACK } : options);
};
`;
}

/** The preload of a stdio server (no listener of its own). */
export const LOOPBACK_PRELOAD: string = loopbackPreload();
