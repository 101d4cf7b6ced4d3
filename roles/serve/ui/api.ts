/**
 * The UI's calls to thv serve's API: same-origin fetches that the cookie of the printed link authorizes,
 * JSON in and out, and every failure turned into one line to show (the API's `error`, else the status).
 * @module
 */

/** The first line of `text`, trimmed (what the UI shows of any message). */
export function oneLine(text: string): string {
  return text.trim().split("\n")[0]!.trim();
}

/** The one line to show for a failed response: its JSON `error`, else its status. */
export function errorLine(status: number, statusText: string, body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: unknown };
    if (typeof parsed.error === "string" && parsed.error.trim()) return oneLine(parsed.error);
  } catch { /* not JSON: the status below */ }
  return `thv serve answered ${status}${statusText ? ` ${statusText}` : ""}`;
}

/** A request to the API that failed: its message is the line to show. */
export class ApiFailure extends Error {
  /** The HTTP status (0 when thv serve could not be reached). */
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.name = "ApiFailure";
    this.status = status;
  }
}

/** The message of anything thrown, in one line. */
export function messageOf(error: unknown): string {
  return oneLine(error instanceof Error ? error.message : String(error));
}

/** Fetches `path`; a network failure or a status that is not 2xx is an {@linkcode ApiFailure}. */
export async function request(path: string, init: RequestInit = {}): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(path, { credentials: "same-origin", ...init });
  } catch (e) {
    if (init.signal?.aborted) throw e;
    throw new ApiFailure(0, `Cannot reach thv serve: ${messageOf(e)}: is it still running?`);
  }
  if (!res.ok) throw new ApiFailure(res.status, errorLine(res.status, res.statusText, await res.text()));
  return res;
}

/** GETs `path` as JSON. */
export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  const res = await request(path, signal ? { signal } : {});
  return await res.json() as T;
}

/** Sends `body` (JSON, when given) with `method`; the JSON reply, or undefined when there is none. */
export async function send<T = unknown>(method: string, path: string, body?: unknown): Promise<T | undefined> {
  const res = await request(path, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { "content-type": "application/json" } }),
  });
  const text = await res.text();
  return text ? JSON.parse(text) as T : undefined;
}
