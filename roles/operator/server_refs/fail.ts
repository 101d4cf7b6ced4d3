/**
 * The contribution of a reference that stops the server, for the handlers in this folder (server_refs.ts
 * imports them, so they import from it only types).
 * @module
 */
import type { RefContribution } from "../server_refs.ts";

/** A failing reference: its condition False, the same message as the failure, and `hashes` cleared. */
export function refFailure(
  type: string,
  reason: string,
  message: string,
  hashes: RefContribution["hashes"] = {},
): RefContribution {
  return { condition: { type, status: "False", reason, message }, failure: { reason, message }, hashes };
}
