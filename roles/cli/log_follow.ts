/**
 * What `thv logs -f` prints on each poll (pure): the text that came since the last read, across a rotation of
 * the log (the current file moved to `.1`, so the whole text shifts) and a replaced log (printed from its start).
 * @module
 */

/** How much of the end of the previous text identifies where it continues in the next. */
const ANCHOR_CHARS = 4096;

/** The part of `next` that follows `previous`; all of `next` when `previous` cannot be found in it. */
export function newOutput(previous: string, next: string): string {
  if (next.startsWith(previous)) return next.slice(previous.length);
  // Rotated: the old text's end is still there, further forward; print what follows its last occurrence.
  const anchor = previous.slice(-ANCHOR_CHARS);
  const at = anchor ? next.lastIndexOf(anchor) : -1;
  return at >= 0 ? next.slice(at + anchor.length) : next;
}
