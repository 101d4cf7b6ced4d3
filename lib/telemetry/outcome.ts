/**
 * What an MCP request came to, read from a copy of the proxy's answer (JSON, or the SSE stream of a
 * streamable-HTTP POST): a JSON-RPC error, or a tool result flagged `isError`. Read off the client's path,
 * up to a bound.
 * @module
 */

/** The outcome of one request. */
export interface Outcome {
  /** The JSON-RPC error code, when the answer is an error. */
  readonly rpcError?: number;
  /** A `tools/call` result with `isError: true`. */
  readonly toolError: boolean;
}

/** How much of an answer is read for its outcome. */
const MAX_BYTES = 1024 * 1024;

const OK: Outcome = { toolError: false };

function outcomeOfMessage(m: unknown, id: string | number | undefined): Outcome | undefined {
  if (!m || typeof m !== "object") return undefined;
  const msg = m as { id?: unknown; error?: { code?: unknown }; result?: { isError?: unknown } };
  if (!("result" in msg) && !("error" in msg)) return undefined; // a request or notification of the server
  if (id !== undefined && msg.id !== id) return undefined;
  if (msg.error) return { rpcError: typeof msg.error.code === "number" ? msg.error.code : -32603, toolError: false };
  return { toolError: msg.result?.isError === true };
}

function outcomeOfJson(text: string, id: string | number | undefined): Outcome | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  for (const m of Array.isArray(value) ? value : [value]) {
    const o = outcomeOfMessage(m, id);
    if (o) return o;
  }
  return undefined;
}

/** Reads `res` (a copy: it is consumed) for the answer to request `id`; OK when none is found. */
export async function outcomeOf(res: Response, id: string | number | undefined): Promise<Outcome> {
  const type = res.headers.get("content-type") ?? "";
  const sse = type.includes("text/event-stream");
  if (!res.body || (!sse && !type.includes("application/json"))) {
    await res.body?.cancel();
    return OK;
  }
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  let read = 0;
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) break;
      text += value;
      read += value.length;
      if (sse) {
        // Events end with a blank line; the answer to the request is the one that matters.
        let end: number;
        while ((end = text.search(/\r?\n\r?\n/)) >= 0) {
          const event = text.slice(0, end);
          text = text.slice(end).replace(/^\r?\n\r?\n/, "");
          const data = event.split(/\r?\n/).filter((l) => l.startsWith("data:")).map((l) => l.slice(5).trimStart())
            .join("\n");
          const o = data ? outcomeOfJson(data, id) : undefined;
          if (o) return o;
        }
      }
      if (read > MAX_BYTES) return OK;
    }
    return (sse ? undefined : outcomeOfJson(text, id)) ?? OK;
  } catch {
    return OK;
  } finally {
    reader.cancel().catch(() => {});
  }
}
