/**
 * {@linkcode ToolFilter} on the HTTP reverse proxy's bytes: a POST body is parsed only when it mentions
 * `tools/`, and an answer is rewritten only where it can carry a `tools/list` result (the answer to a POST
 * that listed tools, or a legacy SSE server's event stream); within an event stream only events that mention
 * `"tools"` are parsed.
 * @module
 */
import { isRequest, isResponse, type Message, parseMessage } from "./jsonrpc.ts";
import type { ToolFilter } from "./tool_filter.ts";

/** What a POST body becomes: the body to forward (and whether it lists tools), or the refusal to answer with. */
export type BodyDecision = { readonly body: Uint8Array<ArrayBuffer>; readonly lists: boolean } | {
  readonly refuse: Response;
};

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/**
 * Applies `filter` to a JSON-RPC POST body (one message or a batch): a `tools/call` is renamed for the
 * server or refused with HTTP 400 and a JSON-RPC error (as ToolHive's tool-call filter), the server never
 * seeing it.
 */
export function filterRequestBody(filter: ToolFilter, body: Uint8Array<ArrayBuffer>): BodyDecision {
  const text = decoder.decode(body);
  if (!text.includes("tools/")) return { body, lists: false };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { body, lists: false }; // not JSON: the server answers it
  }
  const batch = Array.isArray(value);
  const messages = (batch ? value : [value]) as Message[];
  let lists = false, changed = false;
  const out: Message[] = [];
  for (const m of messages) {
    if (!m || typeof m !== "object" || !isRequest(m)) {
      out.push(m);
      continue;
    }
    if (m.method === "tools/list") lists = true;
    if (m.method !== "tools/call") {
      out.push(m);
      continue;
    }
    const decision = filter.call(m);
    if ("refuse" in decision) return { refuse: Response.json(decision.refuse, { status: 400 }) };
    changed ||= decision.forward !== m;
    out.push(decision.forward);
  }
  if (!changed) return { body, lists };
  return { body: encoder.encode(JSON.stringify(batch ? out : out[0])), lists };
}

/** A JSON answer (one response or a batch) with its `tools/list` results rewritten by `filter`. */
export async function filterJsonAnswer(
  filter: ToolFilter,
  body: ReadableStream<Uint8Array>,
): Promise<Uint8Array<ArrayBuffer>> {
  const bytes = new Uint8Array(await new Response(body).arrayBuffer());
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(bytes));
  } catch {
    return bytes;
  }
  const rewrite = (m: unknown) =>
    m && typeof m === "object" && isResponse(m as Message) ? filter.response(m as Message) : m;
  return encoder.encode(JSON.stringify(Array.isArray(value) ? value.map(rewrite) : rewrite(value)));
}

/** Rewrites one SSE event's text (no trailing blank line) when its data is a `tools/list` answer. */
function rewriteEvent(filter: ToolFilter, event: string): string {
  if (!event.includes('"tools"')) return event;
  const lines = event.split("\n");
  const data = lines.filter((l) => l.startsWith("data:")).map((l) => l.slice(5).replace(/^ /, ""));
  const message = data.length ? parseMessage(data.join("\n")) : undefined;
  if (!message || !isResponse(message)) return event;
  const rewritten = filter.response(message);
  if (rewritten === message) return event;
  const kept = lines.filter((l) => !l.startsWith("data:"));
  return [...kept, `data: ${JSON.stringify(rewritten)}`].join("\n");
}

/** A stream transform applying `filter` to the `tools/list` answers of an SSE stream; other events pass as they are. */
export function toolListRewriter(filter: ToolFilter): TransformStream<Uint8Array, Uint8Array<ArrayBuffer>> {
  const streamDecoder = new TextDecoder();
  let pending = "";
  return new TransformStream({
    transform(chunk, controller) {
      pending += streamDecoder.decode(chunk, { stream: true }).replaceAll("\r\n", "\n");
      let end: number, out = "";
      while ((end = pending.indexOf("\n\n")) >= 0) {
        out += rewriteEvent(filter, pending.slice(0, end)) + "\n\n";
        pending = pending.slice(end + 2);
      }
      if (out) controller.enqueue(encoder.encode(out));
    },
    flush(controller) {
      if (pending) controller.enqueue(encoder.encode(pending));
    },
  });
}
