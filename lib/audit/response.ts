/**
 * What an MCP answer says, read from the first bytes of its body (the audit stage never holds more, and
 * never holds back a stream): the JSON-RPC messages of a JSON or `text/event-stream` answer, and the error a
 * 2xx answer may carry for a request.
 * @module
 */

/** A JSON-RPC error found in an answer. */
export interface JsonRpcError {
  /** Its code. */
  readonly code: number;
  /** Its message (at most 256 characters). */
  readonly message: string;
}

/** The JSON-RPC messages complete within `prefix` of an answer of type `contentType`. */
export function answeredMessages(prefix: string, contentType: string): Record<string, unknown>[] {
  const values: unknown[] = [];
  if (contentType.includes("text/event-stream")) {
    // Events end with a blank line; an event cut by the prefix is left out.
    const events = prefix.replaceAll("\r\n", "\n").split("\n\n");
    events.pop();
    for (const event of events) {
      const data = event.split("\n").filter((l) => l.startsWith("data:")).map((l) => l.slice(5).replace(/^ /, ""));
      if (data.length === 0) continue;
      try {
        values.push(JSON.parse(data.join("\n")));
      } catch { /* not JSON: not a JSON-RPC message */ }
    }
  } else {
    try {
      values.push(JSON.parse(prefix));
    } catch {
      return [];
    }
  }
  return values.flat().filter((m): m is Record<string, unknown> => !!m && typeof m === "object");
}

/** A JSON-RPC error object's code and message, or undefined. */
function errorOf(value: unknown): JsonRpcError | undefined {
  if (!value || typeof value !== "object") return undefined;
  const { code, message } = value as { code?: unknown; message?: unknown };
  if (typeof code !== "number") return undefined;
  return { code, message: typeof message === "string" ? message.slice(0, 256) : "" };
}

/**
 * The error the answer gives the request `id` (the only answer when `id` is undefined and there is one),
 * from the messages complete in `prefix`; for a JSON answer cut short, from an `"error"` member that comes
 * before any `"result"`.
 */
export function errorInAnswer(
  prefix: string,
  contentType: string,
  id: string | number | undefined,
): JsonRpcError | undefined {
  const answers = answeredMessages(prefix, contentType).filter((m) => "result" in m || "error" in m);
  if (answers.length > 0) {
    const mine = id === undefined ? (answers.length === 1 ? answers[0] : undefined) : answers.find((m) => m.id === id);
    return mine ? errorOf(mine.error) : undefined;
  }
  if (contentType.includes("text/event-stream")) return undefined;
  const error = /"error"\s*:\s*\{/.exec(prefix);
  const result = /"result"\s*:/.exec(prefix);
  if (!error || (result && result.index < error.index)) return undefined;
  const rest = prefix.slice(error.index);
  const code = /"code"\s*:\s*(-?\d+)/.exec(rest);
  const message = /"message"\s*:\s*"((?:[^"\\]|\\.)*)"/.exec(rest);
  return { code: code ? Number(code[1]) : 0, message: (message?.[1] ?? "").slice(0, 256) };
}
