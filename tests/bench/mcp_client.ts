/**
 * The bench's minimal raw MCP client over streamable HTTP (fetch, nothing else), so client overhead stays
 * small: sessions that make echo calls, and sessions that hold their event stream open.
 * @module
 */

/** The `initialize` parameters of every bench session. */
export const INIT = {
  protocolVersion: "2025-11-25",
  capabilities: {},
  clientInfo: { name: "bench", version: "1" },
};

/** A session that makes echo calls. */
export interface Caller {
  /** One echo call; resolves when its answer arrived. */
  call(id: number): Promise<void>;
  close(): Promise<void>;
}

/** A raw streamable-HTTP MCP session (on its own connections when given `client`; `extra` headers on every request). */
export async function httpSession(
  url: string,
  client?: Deno.HttpClient,
  extra: Readonly<Record<string, string>> = {},
): Promise<Caller & { openStream(): Promise<Response> }> {
  const headers: Record<string, string> = {
    "content-type": "application/json",
    accept: "application/json, text/event-stream",
    ...extra,
  };
  const init = await fetch(url, {
    method: "POST",
    headers,
    body: JSON.stringify({ jsonrpc: "2.0", id: 0, method: "initialize", params: INIT }),
    ...(client ? { client } : {}),
  });
  const sid = init.headers.get("mcp-session-id");
  await init.text();
  if (!sid) throw new Error(`no session from ${url}: ${init.status}`);
  const session = { ...headers, "mcp-session-id": sid, "mcp-protocol-version": "2025-11-25" };
  await (await fetch(url, {
    method: "POST",
    headers: session,
    body: JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }),
    ...(client ? { client } : {}),
  })).text();
  return {
    async call(id) {
      const res = await fetch(url, {
        method: "POST",
        headers: session,
        body: JSON.stringify({
          jsonrpc: "2.0",
          id,
          method: "tools/call",
          params: { name: "echo", arguments: { message: "x" } },
        }),
        ...(client ? { client } : {}),
      });
      const text = await res.text();
      if (!text.includes("Echo: x")) throw new Error(`bad answer: ${res.status} ${text.slice(0, 200)}`);
    },
    /** Opens the session's GET event stream and leaves it unread. */
    async openStream() {
      const res = await fetch(url, {
        method: "GET",
        headers: { ...session, accept: "text/event-stream" },
        ...(client ? { client } : {}),
      });
      if (res.status !== 200) throw new Error(`GET ${url}: ${res.status} ${await res.text()}`);
      return res;
    },
    async close() {
      await (await fetch(url, { method: "DELETE", headers: session, ...(client ? { client } : {}) })).text()
        .catch(() => "");
    },
  };
}

/**
 * Opens `count` sessions, each on a connection of its own, with its GET event stream open and unread, as
 * many idle clients waiting for server messages would; `close` ends them all.
 */
export async function holdStreams(url: string, count: number): Promise<{ close(): Promise<void> }> {
  const held: Array<{ client: Deno.HttpClient; session: Caller; stream: Response }> = [];
  const close = async () => {
    for (const h of held.splice(0)) {
      await h.stream.body?.cancel().catch(() => {});
      await h.session.close();
      h.client.close();
    }
  };
  try {
    for (let i = 0; i < count; i++) {
      const client = Deno.createHttpClient({ poolMaxIdlePerHost: 1 });
      const session = await httpSession(url, client);
      held.push({ client, session, stream: await session.openStream() });
    }
  } catch (e) {
    await close();
    throw e;
  }
  return { close };
}
