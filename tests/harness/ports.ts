/**
 * Free loopback ports for test servers.
 * @module
 */

/**
 * Returns `count` distinct TCP ports on 127.0.0.1 that were free a moment ago: all are held open until all
 * are picked, so two calls in a row cannot return the same port.
 */
export function freePorts(count: number): number[] {
  const listeners = Array.from({ length: count }, () => Deno.listen({ hostname: "127.0.0.1", port: 0 }));
  const ports = listeners.map((l) => (l.addr as Deno.NetAddr).port);
  for (const l of listeners) l.close();
  return ports;
}

/** Returns one TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort(): number {
  return freePorts(1)[0]!;
}
