/**
 * MCP protocol versions: which ones the proxy speaks with clients, and which one it answers a client's
 * `initialize` with when the server's answer is shared.
 * @module
 */

/** Protocol versions the proxy can speak with clients, oldest first. */
export const PROTOCOL_VERSIONS = ["2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25"];

/** The protocol version and capabilities the proxy initializes a server with. */
export interface InitializeParams {
  /** Protocol version to propose. */
  readonly protocolVersion: string;
  /** Client capabilities to declare (the proxy relays sampling, elicitation and roots). */
  readonly capabilities: Record<string, unknown>;
  /** Who the proxy says it is. */
  readonly clientInfo: { name: string; version: string };
}

/** The version to answer a client with: its own when the proxy speaks it and the server is at least as new. */
export function versionFor(requested: unknown, serverVersion: string): string {
  return typeof requested === "string" && PROTOCOL_VERSIONS.includes(requested) && requested <= serverVersion
    ? requested
    : serverVersion;
}
