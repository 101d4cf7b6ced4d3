/**
 * The warnings `thv run` prints before it starts a workload: a proxy reachable from the network, and
 * RunConfig keys that thv does not apply. Pure: each returns the line to print, or undefined.
 * @module
 */

/** Whether `host` is a loopback address or name, so only this machine can reach a listener on it. */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[(.*)\]$/, "$1");
  if (h === "localhost" || h.endsWith(".localhost")) return true;
  const v4 = h.replace(/^::ffff:/, "");
  if (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4)) return true;
  return /^(0{0,4}:){2,7}0{0,3}1$/.test(h) || h === "::1";
}

/** The warning for a proxy that listens beyond loopback: it has no authentication, so say how to keep it local. */
export function exposedHostWarning(name: string, host: string): string | undefined {
  if (isLoopbackHost(host)) return undefined;
  return `thv: warning: the proxy of ${name} listens on ${host} and has no authentication, so anyone who can ` +
    `reach this machine can use the server: run it with --host 127.0.0.1 to keep it to this machine`;
}

/** The warning for RunConfig keys that thv reads past without applying them (none of them guards access). */
export function ignoredKeysWarning(source: string, keys: readonly string[]): string | undefined {
  if (keys.length === 0) return undefined;
  return `thv: warning: RunConfig ${source}: ${keys.join(", ")} ${keys.length > 1 ? "are" : "is"} not applied ` +
    `by thv yet, so the server runs without ${keys.length > 1 ? "them" : "it"}: remove ${
      keys.length > 1 ? "them" : "it"
    } from the file to silence this`;
}

/** The notice for a RunConfig of an older schema version, read as the current one: what changed. */
export function migratedNotice(source: string, changes: readonly string[]): string | undefined {
  if (changes.length === 0) return undefined;
  return `thv: RunConfig ${source} has an older schema, read as the current one: ${changes.join("; ")}`;
}
