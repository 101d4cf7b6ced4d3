/**
 * The module thv preloads into every sandboxed server (`deno run --preload`): it makes TCP listeners bind
 * 127.0.0.1. Node servers such as Express call `listen(port)`, which binds every interface (`[::]`): the
 * sandbox grants only `127.0.0.1:<port>`, so that would be refused, and with the network profile it would
 * publish the server beyond the machine. This is a compatibility shim; the permission flags are the
 * boundary. It is kept as source text so a bundled or compiled thv can write it out.
 * @module
 */

/** The preload's JavaScript source. */
export const LOOPBACK_PRELOAD = `// Written by thv: every TCP listener of this sandboxed server binds 127.0.0.1.
import net from "node:net";

const LOOPBACK = "127.0.0.1";
const isPort = (value) => typeof value === "number" || (typeof value === "string" && /^\\d+$/.test(value));

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  const [first] = args;
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

const tcp = (options) => options?.transport === undefined || options.transport === "tcp";
const serve = Deno.serve;
Deno.serve = function (first, second) {
  if (typeof first === "function") return serve.call(this, { hostname: LOOPBACK }, first);
  if (first !== null && typeof first === "object" && tcp(first) && first.path === undefined) {
    return serve.call(this, { ...first, hostname: LOOPBACK }, second);
  }
  return serve.call(this, first, second);
};
const denoListen = Deno.listen;
Deno.listen = function (options) {
  return denoListen.call(this, tcp(options) ? { ...options, hostname: LOOPBACK } : options);
};
`;
