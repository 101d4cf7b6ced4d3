/**
 * An MCP `ping` to a streamable-HTTP server over plain fetch: one session (initialize, initialized) kept
 * for later pings, and re-opened when the server forgets it. Used by the reverse proxy's `/health`, so the
 * proxy does not load the MCP SDK for it.
 * @module
 */

const HEADERS = { "content-type": "application/json", accept: "application/json, text/event-stream" };
const PROTOCOL_VERSION = "2025-11-25";

/** Reads the JSON-RPC message with `id` from a JSON or SSE response body. */
async function answer(res: Response, id: number): Promise<{ result?: unknown; error?: { message: string } }> {
  const text = await res.text();
  if (!res.ok) throw new Error(`HTTP ${res.status}: ${text.slice(0, 200)}`);
  const candidates = (res.headers.get("content-type") ?? "").startsWith("text/event-stream")
    ? text.split(/\r?\n/).filter((l) => l.startsWith("data:")).map((l) => l.slice(5).trim())
    : [text];
  for (const c of candidates) {
    try {
      const m = JSON.parse(c);
      if (m && m.id === id) return m;
    } catch { /* not this one */ }
  }
  throw new Error(`no answer to request ${id}`);
}

/** Pings one streamable-HTTP MCP endpoint, keeping a session between pings. */
export class HttpPinger {
  readonly #url: URL;
  readonly #headers: Record<string, string>;
  #session: Record<string, string> | undefined;
  #nextId = 1;

  /**
   * Creates a pinger for `url` whose requests also carry `headers` (a remote's static credentials); nothing is
   * sent before {@linkcode HttpPinger.ping}.
   */
  constructor(url: URL, headers: Readonly<Record<string, string>> = {}) {
    this.#url = url;
    this.#headers = { ...headers, ...HEADERS };
  }

  async #open(signal: AbortSignal): Promise<Record<string, string>> {
    const id = this.#nextId++;
    const res = await fetch(this.#url, {
      method: "POST",
      headers: this.#headers,
      signal,
      body: JSON.stringify({
        jsonrpc: "2.0",
        id,
        method: "initialize",
        params: {
          protocolVersion: PROTOCOL_VERSION,
          capabilities: {},
          clientInfo: { name: "thv-proxy-health", version: "0.1.0" },
        },
      }),
    });
    const sid = res.headers.get("mcp-session-id");
    const init = await answer(res, id);
    if (init.error) throw new Error(`initialize refused: ${init.error.message}`);
    const session: Record<string, string> = {
      ...this.#headers,
      "mcp-protocol-version": String(
        (init.result as { protocolVersion?: string })?.protocolVersion ?? PROTOCOL_VERSION,
      ),
      ...(sid ? { "mcp-session-id": sid } : {}),
    };
    await (await fetch(this.#url, {
      method: "POST",
      headers: session,
      signal,
      body: JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }),
    })).body?.cancel();
    return session;
  }

  /** Sends `ping` (opening a session first when needed); resolves with the round trip in ms. */
  async ping(timeoutMs: number): Promise<number> {
    const signal = AbortSignal.timeout(timeoutMs);
    try {
      this.#session ??= await this.#open(signal);
      const started = performance.now();
      const id = this.#nextId++;
      const res = await fetch(this.#url, {
        method: "POST",
        headers: this.#session,
        signal,
        body: JSON.stringify({ jsonrpc: "2.0", id, method: "ping" }),
      });
      const reply = await answer(res, id);
      if (reply.error) throw new Error(reply.error.message);
      return performance.now() - started;
    } catch (e) {
      this.#session = undefined; // open a new session next time (the server may have restarted)
      throw signal.aborted ? new Error(`no answer within ${timeoutMs} ms`, { cause: e }) : e;
    }
  }

  /** Ends the session at the server. */
  async close(): Promise<void> {
    const session = this.#session;
    this.#session = undefined;
    if (session?.["mcp-session-id"]) {
      await fetch(this.#url, { method: "DELETE", headers: session }).then((r) => r.body?.cancel(), () => {});
    }
  }
}
