/**
 * Following a log (`thv logs -f`): on each poll, the text that came since the last read, across a rotation of
 * the log (the current file moved to `.1`, so the whole text shifts) and a replaced log (given from its start).
 * @module
 */
import { sleepUnlessAborted } from "../async/mod.ts";

/** How much of the end of the previous text identifies where it continues in the next. */
const ANCHOR_CHARS = 4096;

/** The part of `next` that follows `previous`; all of `next` when `previous` cannot be found in it. */
export function newOutput(previous: string, next: string): string {
  if (next.startsWith(previous)) return next.slice(previous.length);
  // Rotated: the old text's end (the file that became `.1`) now starts `next`; find it by its end, or by its
  // last line when the previous text is shorter than the anchor, and print what follows.
  for (const anchor of [previous.slice(-ANCHOR_CHARS), lastLine(previous)]) {
    const at = anchor ? next.indexOf(anchor) : -1;
    if (at >= 0) return next.slice(at + anchor.length);
  }
  return next;
}

function lastLine(text: string): string {
  return text.slice(text.lastIndexOf("\n", text.length - 2) + 1);
}

/**
 * The text `read` returns, then, every `intervalMs` until `signal` aborts, what came since (see
 * {@linkcode newOutput}). The first read's error is thrown; a later failed read counts as nothing new.
 */
export async function* followText(
  read: () => Promise<string>,
  options: { readonly signal: AbortSignal; readonly intervalMs: number },
): AsyncGenerator<string, void, undefined> {
  let text = await read();
  yield text;
  while (await sleepUnlessAborted(options.intervalMs, options.signal)) {
    const next = await read().catch(() => text);
    const fresh = newOutput(text, next);
    if (fresh) yield fresh;
    text = next;
  }
}
