/**
 * The two domain errors callers catch (style.md): {@linkcode NotFoundError} and {@linkcode ConflictError}. The
 * CLI prints their one-line message; the HTTP error boundary (lib/http) answers them with 404 and 409.
 * @module
 */

/** What the caller named does not exist (a workload, a registry server). */
export class NotFoundError extends Error {
  override name = "NotFoundError";
}

/** What the caller asked for clashes with what exists (a name in use, a workload already running). */
export class ConflictError extends Error {
  override name = "ConflictError";
}
