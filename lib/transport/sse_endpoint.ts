/**
 * Rewrites the `endpoint` event of a legacy SSE stream (MCP 2024-11-05), whose data is the path clients
 * POST to, so that it carries the proxy's public prefix. Everything else passes through untouched, and
 * nothing is buffered once the endpoint event has gone by.
 * @module
 */

/** A stream transform that prefixes the data of the first `endpoint` event with `prefix`. */
export function endpointRewriter(prefix: string): TransformStream<Uint8Array<ArrayBuffer>, Uint8Array<ArrayBuffer>> {
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  let pending = "";
  let done = prefix === "";
  return new TransformStream({
    transform(chunk, controller) {
      if (done) {
        controller.enqueue(chunk);
        return;
      }
      pending += decoder.decode(chunk, { stream: true });
      // Events end with a blank line; rewrite whole events only.
      let end: number;
      while (!done && (end = pending.search(/\r?\n\r?\n/)) >= 0) {
        const sep = pending.slice(end).match(/^\r?\n\r?\n/)![0];
        const event = pending.slice(0, end);
        pending = pending.slice(end + sep.length);
        const lines = event.split(/\r?\n/);
        if (lines.some((l) => l.trim() === "event: endpoint" || l.trim() === "event:endpoint")) {
          const rewritten = lines.map((l) => {
            const m = /^data:\s?(.*)$/.exec(l);
            if (!m) return l;
            const data = m[1]!;
            return data.startsWith("/") && !data.startsWith(prefix + "/") ? `data: ${prefix}${data}` : l;
          });
          controller.enqueue(encoder.encode(rewritten.join("\n") + "\n\n"));
          done = true;
        } else {
          controller.enqueue(encoder.encode(event + sep));
        }
      }
      if (done && pending) {
        controller.enqueue(encoder.encode(pending));
        pending = "";
      }
    },
    flush(controller) {
      if (pending) controller.enqueue(encoder.encode(pending));
    },
  });
}

/** A normalized path prefix: leading slash, no trailing slash, empty for none. */
export function normalizePrefix(prefix: string | null | undefined): string {
  const p = (prefix ?? "").trim().replace(/\/+$/, "");
  if (!p) return "";
  return p.startsWith("/") ? p : `/${p}`;
}
