/**
 * Answers for requests whose server went away mid-answer: when the SSE stream that carries a POST's answers
 * breaks (the server's pod was killed, its connection reset), the client gets a JSON-RPC error for each
 * request of that POST still unanswered, then the stream ends cleanly. Without this, an SDK client waits
 * for its own timeout (the stream looks resumable, and resuming on a replacement server never answers).
 * @module
 */
import { type Id, isRequest, isResponse, type Message, parseMessage } from "./jsonrpc.ts";
import { ErrorCode, errorResponse } from "./jsonrpc.ts";

/** Ids of the requests in a JSON-RPC POST body (one message or a batch); none for what does not parse. */
export function requestIdsOf(body: Uint8Array): Id[] {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(body));
  } catch {
    return [];
  }
  const messages = (Array.isArray(value) ? value : [value]) as Message[];
  return messages.filter((m) => m && typeof m === "object" && isRequest(m)).map((m) => m.id as Id);
}

/** Most bytes of one SSE event kept while looking for its end; past it answers are no longer tracked. */
const MAX_EVENT_BYTES = 8 * 1024 * 1024;

/**
 * Passes `stream` (an SSE body answering the requests `ids`) through; if it errors, emits one `message`
 * event with a BackendUnavailable error per id not answered yet and ends. A cancelled read cancels `stream`.
 */
export function answeringLostRequests(
  stream: ReadableStream<Uint8Array>,
  ids: readonly Id[],
  options: { readonly onLost?: (error: unknown, unanswered: readonly Id[]) => void } = {},
): ReadableStream<Uint8Array> {
  const waiting = new Set<Id>(ids);
  const decoder = new TextDecoder();
  let pending = "";
  let tracking = ids.length > 0; // nothing to answer for: pass the bytes through unscanned
  const reader = stream.getReader();

  function scan(chunk: Uint8Array): void {
    if (!tracking) return;
    pending += decoder.decode(chunk, { stream: true }).replaceAll("\r\n", "\n");
    let end: number;
    while ((end = pending.indexOf("\n\n")) >= 0) {
      const event = pending.slice(0, end);
      pending = pending.slice(end + 2);
      const data = event.split("\n").filter((l) => l.startsWith("data:")).map((l) => l.slice(5).replace(/^ /, ""));
      const message = data.length ? parseMessage(data.join("\n")) : undefined;
      if (message && isResponse(message)) waiting.delete(message.id);
    }
    // An event this large is not an answer we could tell apart: stop tracking rather than answer twice.
    if (pending.length > MAX_EVENT_BYTES) tracking = false;
  }

  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      let read: ReadableStreamReadResult<Uint8Array>;
      try {
        read = await reader.read();
      } catch (e) {
        const unanswered = tracking ? [...waiting] : [];
        options.onLost?.(e, unanswered);
        const reason = `MCP server connection lost before it answered: ${(e as Error)?.message ?? e}`;
        const encoder = new TextEncoder();
        for (const id of unanswered) {
          const event = JSON.stringify(errorResponse(id, ErrorCode.BackendUnavailable, reason));
          controller.enqueue(encoder.encode(`${pending ? "\n\n" : ""}event: message\ndata: ${event}\n\n`));
          pending = "";
        }
        controller.close();
        return;
      }
      if (read.done) {
        controller.close();
        return;
      }
      scan(read.value);
      controller.enqueue(read.value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
}
