/**
 * The web UI's files: the built bundle in `ui/dist/` (index.html, app.js, app.css), read once when thv
 * serve starts and answered from memory. Only the names found there are served, so no request path can
 * reach another file; `/` is index.html; anything else is a JSON 404 like the API's.
 * @module
 */
import { type Handler, HttpError, pathOf } from "../../lib/http/mod.ts";

/** The folder of the built UI, beside this module (deno compile embeds it with `--include`). */
export const UI_DIST = new URL("./ui/dist/", import.meta.url);

const TYPES: Readonly<Record<string, string>> = {
  html: "text/html; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
  svg: "image/svg+xml",
  png: "image/png",
  ico: "image/x-icon",
  json: "application/json",
  txt: "text/plain; charset=utf-8",
};

/** What the page may load and call: only its own origin, no inline script, no framing. */
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; " +
  "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

interface StaticFile {
  readonly body: Uint8Array<ArrayBuffer>;
  readonly type: string;
  readonly etag: string;
}

/** The content type of a file name, by its extension (application/octet-stream when unknown). */
export function contentType(name: string): string {
  const dot = name.lastIndexOf(".");
  return (dot >= 0 ? TYPES[name.slice(dot + 1).toLowerCase()] : undefined) ?? "application/octet-stream";
}

async function etagOf(body: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", body));
  return `"${Array.from(digest.slice(0, 16), (b) => b.toString(16).padStart(2, "0")).join("")}"`;
}

async function readFiles(dir: URL): Promise<Map<string, StaticFile>> {
  const files = new Map<string, StaticFile>();
  let entries: Deno.DirEntry[];
  try {
    entries = await Array.fromAsync(Deno.readDir(dir));
  } catch (e) {
    throw new Error(`Cannot read the web UI's files in ${dir.pathname}: run deno task ui:build`, { cause: e });
  }
  for (const entry of entries) {
    if (!entry.isFile) continue;
    const body = await Deno.readFile(new URL(entry.name, dir));
    files.set(`/${entry.name}`, { body, type: contentType(entry.name), etag: await etagOf(body) });
  }
  if (!files.has("/index.html")) {
    throw new Error(`The web UI in ${dir.pathname} has no index.html: run deno task ui:build`);
  }
  return files;
}

/**
 * The handler of the files in `dir` (default {@linkcode UI_DIST}). Every answer says `no-cache` with an
 * ETag: the names are fixed, so the browser asks again each load and gets a 304 while nothing changed.
 */
export async function staticHandler(dir: URL = UI_DIST): Promise<Handler> {
  const files = await readFiles(dir);
  const names = [...files.keys()].sort().join(", ");
  return (req) => {
    if (req.method !== "GET" && req.method !== "HEAD") {
      throw new HttpError(405, `${req.method} is not allowed on the web UI's files: use GET`, {
        headers: { allow: "GET, HEAD" },
      });
    }
    const path = pathOf(req.url);
    const file = files.get(path === "/" ? "/index.html" : path);
    if (!file) throw new HttpError(404, `No such file or route: ${path}: the web UI serves ${names}`);
    const headers = new Headers({
      "content-type": file.type,
      "cache-control": "no-cache",
      etag: file.etag,
      "x-content-type-options": "nosniff",
      "referrer-policy": "no-referrer",
    });
    if (file.type.startsWith("text/html")) {
      headers.set("content-security-policy", CSP);
      headers.set("x-frame-options", "DENY");
    }
    const match = req.headers.get("if-none-match");
    if (match !== null && match.split(",").some((tag) => tag.trim() === file.etag)) {
      return new Response(null, { status: 304, headers });
    }
    headers.set("content-length", String(file.body.byteLength));
    return new Response(req.method === "HEAD" ? null : file.body, { status: 200, headers });
  };
}
