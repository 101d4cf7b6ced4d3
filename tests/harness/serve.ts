/**
 * Runs `thv serve --port 0` from source as a process, the way a user starts it, and gives the test its base
 * URL, its bearer token and a `fetch` that sends the token.
 * @module
 */
import { spawnThv, type ThvProcess } from "./thv.ts";
import { within } from "./watch.ts";

/** A running `thv serve`. */
export interface ServeProcess extends AsyncDisposable {
  /** The process. */
  readonly process: ThvProcess;
  /** `http://127.0.0.1:<port>`. */
  readonly base: string;
  /** The bearer token it printed. */
  readonly token: string;
  /** The web UI link it printed (`<base>/?token=…`). */
  readonly uiLink: string;
  /** `fetch(base + path)` with the token (and a JSON content type when a body is given). */
  api(path: string, init?: RequestInit): Promise<Response>;
}

/**
 * Starts `thv serve --port 0 <args>` with `env` (give a private home's); resolves once it has printed its
 * two lines (within `ms`, default 60 s). Disposing stops it.
 */
export async function startServe(
  env: Record<string, string>,
  options: { readonly args?: readonly string[]; readonly ms?: number } = {},
): Promise<ServeProcess> {
  const process = spawnThv(["serve", "--port", "0", ...(options.args ?? [])], env);
  const ms = options.ms ?? 60_000;
  let api = "";
  let uiLink = "";
  try {
    [api, uiLink] = await within(twoLines(process.child.stdout), ms, "thv serve's two lines");
  } catch (error) {
    await process.stop();
    throw new Error(`thv serve did not start: ${error}; stderr: ${await process.stderr}`);
  }
  const base = /http:\/\/[^/ ]+/.exec(api)?.[0];
  const token = /[?]token=(\S+)/.exec(uiLink)?.[1];
  if (!base || !token) throw new Error(`thv serve printed no URL and token: ${api} / ${uiLink}`);
  return {
    process,
    base,
    token,
    uiLink: uiLink.replace(/^.*? at /, ""),
    api(path, init = {}) {
      const headers = new Headers(init.headers);
      if (!headers.has("authorization")) headers.set("authorization", `Bearer ${token}`);
      if (init.body !== undefined && !headers.has("content-type")) headers.set("content-type", "application/json");
      return fetch(`${base}${path}`, { ...init, headers });
    },
    async [Symbol.asyncDispose]() {
      await process.stop();
    },
  };
}

/** The first two lines of `stream`; the rest is read and dropped, so the process never blocks on a full pipe. */
async function twoLines(stream: ReadableStream<Uint8Array>): Promise<[string, string]> {
  const reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (text.split("\n").length < 3) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`stdout ended after: ${text}`);
    text += value;
  }
  (async () => {
    while (!(await reader.read()).done) { /* drained */ }
  })().catch(() => {});
  const [first, second] = text.split("\n");
  return [first!, second!];
}

/** The JSON body of `res` (undefined when empty), asserting its status is `status` (the body says why not). */
export async function jsonAnswer(res: Response, status: number): Promise<unknown> {
  const text = await res.text();
  if (res.status !== status) throw new Error(`expected status ${status}, got ${res.status}: ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/** The one line of a JSON error answer with `status`. */
export async function errorAnswer(res: Response, status: number): Promise<string> {
  return ((await jsonAnswer(res, status)) as { error: string }).error;
}

/** A POST with `value` as its JSON body, for {@linkcode ServeProcess.api}. */
export const jsonPost = (value: unknown): RequestInit => ({ method: "POST", body: JSON.stringify(value) });
