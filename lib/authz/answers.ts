/**
 * Rewriting the JSON-RPC messages of an answer on its way to the client, whether it is JSON (one message or
 * a batch) or an event stream (a streamable-HTTP POST answered as SSE, a GET stream, the legacy `/sse`
 * stream). Only events whose text mentions one of `mentions` are parsed; the rest pass byte for byte.
 * @module
 */
import { type Message, parseMessage } from "../transport/mod.ts";

/** A JSON-RPC response: an id and a result or an error, no method. */
function isResponse(m: Message): boolean {
  return m.method === undefined && m.id !== undefined && m.id !== null && ("result" in m || "error" in m);
}

/** Rewrites one message (returns it unchanged when there is nothing to do). */
export type MessageRewrite = (message: Message) => Message | Promise<Message>;

const encoder = new TextEncoder();

/** Whether a response is an event stream. */
export function isEventStream(res: Response): boolean {
  return (res.headers.get("content-type") ?? "").toLowerCase().startsWith("text/event-stream");
}

/** Whether a response is JSON. */
function isJson(res: Response): boolean {
  return (res.headers.get("content-type") ?? "").toLowerCase().includes("json");
}

/**
 * `res` with the JSON-RPC responses it carries passed through `rewrite` (requests and notifications the
 * server sends pass as they are); other bodies are returned as they are.
 */
export async function rewriteAnswers(
  res: Response,
  rewrite: MessageRewrite,
  mentions: readonly string[],
): Promise<Response> {
  if (!res.body) return res;
  const headers = new Headers(res.headers);
  headers.delete("content-length");
  const init = { status: res.status, statusText: res.statusText, headers };
  if (isEventStream(res)) return new Response(res.body.pipeThrough(eventRewriter(rewrite, mentions)), init);
  if (!isJson(res)) return res;
  const text = await res.text();
  if (!mentions.some((m) => text.includes(m))) return new Response(text, init);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return new Response(text, init);
  }
  const one = (m: unknown) => isAnswer(m) ? rewrite(m) : m;
  const out = Array.isArray(value) ? await Promise.all(value.map(one)) : await one(value);
  return new Response(JSON.stringify(out), init);
}

function isAnswer(m: unknown): m is Message {
  return !!m && typeof m === "object" && !Array.isArray(m) && isResponse(m as Message);
}

/** Rewrites one event's text (without its blank line) when its data is a JSON-RPC response. */
async function rewriteEvent(event: string, rewrite: MessageRewrite, mentions: readonly string[]): Promise<string> {
  if (!mentions.some((m) => event.includes(m))) return event;
  const lines = event.split("\n");
  const data = lines.filter((l) => l.startsWith("data:")).map((l) => l.slice(5).replace(/^ /, ""));
  const message = data.length ? parseMessage(data.join("\n")) : undefined;
  if (!message || !isResponse(message)) return event;
  const rewritten = await rewrite(message);
  if (rewritten === message) return event;
  return [...lines.filter((l) => !l.startsWith("data:")), `data: ${JSON.stringify(rewritten)}`].join("\n");
}

/** A stream transform applying `rewrite` to the JSON-RPC responses of an event stream, in order. */
export function eventRewriter(
  rewrite: MessageRewrite,
  mentions: readonly string[],
): TransformStream<Uint8Array, Uint8Array> {
  const decoder = new TextDecoder();
  let pending = "";
  let heldCr = false;
  return new TransformStream({
    async transform(chunk, controller) {
      let text = (heldCr ? "\r" : "") + decoder.decode(chunk, { stream: true });
      // A CR at the end may be the first half of a CRLF: keep it for the next chunk.
      heldCr = text.endsWith("\r");
      if (heldCr) text = text.slice(0, -1);
      pending += text.replace(/\r\n?/g, "\n");
      let end: number, out = "";
      while ((end = pending.indexOf("\n\n")) >= 0) {
        out += (await rewriteEvent(pending.slice(0, end), rewrite, mentions)) + "\n\n";
        pending = pending.slice(end + 2);
      }
      if (out) controller.enqueue(encoder.encode(out));
    },
    flush(controller) {
      const rest = pending + (heldCr ? "\n" : "");
      if (rest) controller.enqueue(encoder.encode(rest));
    },
  });
}
