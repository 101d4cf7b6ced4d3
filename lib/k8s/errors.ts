/**
 * Errors a reconciler throws to tell the controller what to do.
 * @module
 */

/** A failure no retry can fix (a bad spec, a refused request): logged and counted, never retried. */
export class TerminalError extends Error {
  override name = "TerminalError";
}
