/**
 * HTTP to the API server over the role's one {@linkcode ClusterConfig} client: JSON requests that turn an
 * error status into an {@linkcode ApiError} carrying the server's message, and a line-by-line watch stream.
 * Raw JSON throughout: no model classes, so what is cached is what the server sent.
 * @module
 */
import type { ClusterConfig } from "./config.ts";

/** An error status from the API server. */
export class ApiError extends Error {
  override name = "ApiError";
  /** HTTP status. */
  readonly code: number;
  /** The server's own message and the status, e.g. `deployments.apps "x" not found (HTTP 404)`. */
  readonly detail: string;

  /** An error for `code`: `what` failed, with the server's `detail`. */
  constructor(code: number, what: string, detail: string) {
    super(`${what}: ${detail}`);
    this.code = code;
    this.detail = detail;
  }
}

/** One request. */
export interface RestRequest {
  /** HTTP method (default GET). */
  readonly method?: string;
  /** Path below the server, e.g. `/api/v1/namespaces/a/pods`. */
  readonly path: string;
  /** Query parameters. */
  readonly query?: Readonly<Record<string, string | number | boolean | undefined>>;
  /** JSON body. */
  readonly body?: unknown;
  /** Content type of the body (default application/json). */
  readonly contentType?: string;
  /** Stops the request. */
  readonly signal?: AbortSignal;
  /** Ask for metadata only, of one object (or watch event) or of a list: smaller answers when nothing else is read. */
  readonly metadataOnly?: "object" | "list";
}

/** The Accept header of a metadata-only request (JSON as a fallback for servers that cannot transform). */
const metadataOnly = (as: "object" | "list") =>
  `application/json;as=PartialObjectMetadata${as === "list" ? "List" : ""};g=meta.k8s.io;v=v1,application/json`;

function urlOf(config: ClusterConfig, request: RestRequest): URL {
  const url = new URL(config.server + request.path);
  for (const [k, v] of Object.entries(request.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
  return url;
}

/** Sends `request`; the response, whatever its status. */
export async function send(config: ClusterConfig, request: RestRequest): Promise<Response> {
  const headers: Record<string, string> = {
    accept: request.metadataOnly ? metadataOnly(request.metadataOnly) : "application/json",
    ...(await config.authHeaders()),
  };
  if (request.body !== undefined) headers["content-type"] = request.contentType ?? "application/json";
  return await fetch(urlOf(config, request), {
    method: request.method ?? "GET",
    headers,
    client: config.httpClient,
    ...(request.body !== undefined ? { body: JSON.stringify(request.body) } : {}),
    ...(request.signal ? { signal: request.signal } : {}),
  });
}

/** The {@linkcode ApiError} of a response with an error status (its body read). */
export async function errorOf(response: Response, what: string): Promise<ApiError> {
  const text = await response.text().catch(() => "");
  let detail = `HTTP ${response.status}`;
  try {
    const status = JSON.parse(text);
    if (status?.message) detail = `${status.message} (HTTP ${response.status})`;
  } catch { /* not JSON */ }
  return new ApiError(response.status, what, detail);
}

/** Sends `request` and parses the JSON answer; an {@linkcode ApiError} for an error status. */
export async function requestJson<T = unknown>(config: ClusterConfig, request: RestRequest): Promise<T> {
  const response = await send(config, request);
  if (!response.ok) throw await errorOf(response, `${request.method ?? "GET"} ${request.path}`);
  return await response.json() as T;
}

/**
 * Opens a watch and calls `onLine` with each parsed line until the stream ends; an {@linkcode ApiError} when
 * the server refuses it. `onOpen` runs once the server accepted it.
 */
export async function streamLines(
  config: ClusterConfig,
  request: RestRequest,
  handlers: { readonly onLine: (value: unknown) => void; readonly onOpen?: () => void },
): Promise<void> {
  const response = await send(config, request);
  if (!response.ok) throw await errorOf(response, `watch ${request.path}`);
  handlers.onOpen?.();
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = "";
  try {
    while (true) {
      const { value, done } = await reader.read();
      if (done) break;
      buffered += value;
      let newline: number;
      while ((newline = buffered.indexOf("\n")) >= 0) {
        const line = buffered.slice(0, newline).trim();
        buffered = buffered.slice(newline + 1);
        if (line) handlers.onLine(JSON.parse(line));
      }
    }
  } finally {
    reader.releaseLock();
  }
}
