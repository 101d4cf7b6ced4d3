/**
 * Request bodies within a size limit: {@linkcode readBody} reads one, {@linkcode bodyLimit} is the
 * middleware that holds every request of a listener to it. Past the limit: an {@linkcode HttpError} 413,
 * having read no further than the limit.
 * @module
 */
import { concatBytes } from "../bytes.ts";
import { HttpError } from "./error.ts";
import type { Middleware } from "./middleware.ts";

/** Options of {@linkcode readBody} and {@linkcode bodyLimit}. */
export interface BodyLimitOptions {
  /** Largest body in bytes. */
  readonly maxBytes: number;
}

function tooLarge(maxBytes: number): HttpError {
  return new HttpError(413, `Request body larger than ${maxBytes} bytes: send smaller messages`);
}

/** Whether the declared length of `req` passes the limit; a declared one is enforced by the HTTP server. */
function declaredLength(req: Request, maxBytes: number): number {
  const declared = Number(req.headers.get("content-length") ?? "NaN");
  if (declared > maxBytes) throw tooLarge(maxBytes);
  return declared;
}

/** Counts the bytes passing; past `maxBytes` the stream errors with the 413. */
function limited(body: ReadableStream<Uint8Array>, maxBytes: number): ReadableStream<Uint8Array> {
  let size = 0;
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        size += chunk.byteLength;
        if (size > maxBytes) controller.error(tooLarge(maxBytes));
        else controller.enqueue(chunk);
      },
    }),
  );
}

/** Reads the body of `req` whole; throws an {@linkcode HttpError} 413 past `maxBytes`. */
export async function readBody(req: Request, options: BodyLimitOptions): Promise<Uint8Array<ArrayBuffer>> {
  const { maxBytes } = options;
  const declared = declaredLength(req, maxBytes);
  // A declared length is enforced by the HTTP server, so the body can be read whole in one step.
  if (Number.isSafeInteger(declared)) return await req.bytes();
  if (!req.body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = req.body.getReader();
  while (true) {
    const { value, done } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  return concatBytes(chunks);
}

/**
 * Middleware that holds request bodies to `maxBytes`: a larger declared length is refused at once; a body
 * of undeclared length (chunked) is passed on counted, and reading past the limit throws the 413. Such a
 * request reaches the handler as a copy without the client's abort signal: reading `req.signal` of a
 * `Deno.serve` request makes Deno print a warning about its legacy abort behaviour.
 */
export function bodyLimit(options: BodyLimitOptions): Middleware {
  const { maxBytes } = options;
  return (next) => (req) => {
    const declared = declaredLength(req, maxBytes);
    if (Number.isSafeInteger(declared) || !req.body) return next(req);
    const body = limited(req.body, maxBytes);
    return next(new Request(req.url, { method: req.method, headers: req.headers, body }));
  };
}
