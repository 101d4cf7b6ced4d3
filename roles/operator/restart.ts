/**
 * ToolHive's restart annotations on an MCPServer (toolhive-reference.md §2, decision 017):
 * `mcpserver.toolhive.stacklok.dev/restarted-at` (RFC 3339; a new value asks for a restart) with
 * `mcpserver.toolhive.stacklok.dev/restart-strategy` `rolling` (the default: the proxy Deployment's pod
 * template gets the time, so its pods roll) or `immediate` (the proxy pods are deleted). The value last
 * handled is kept in `mcpserver.toolhive.stacklok.dev/last-processed-restart`. Pure: what to do is read from
 * the annotations; the reconciler does it.
 * @module
 */
import { RESTARTED_AT } from "./desired/mod.ts";

export { RESTARTED_AT };

/** Annotation choosing how: `rolling` (default) or `immediate`. */
export const RESTART_STRATEGY = "mcpserver.toolhive.stacklok.dev/restart-strategy";
/** Annotation the operator writes with the `restarted-at` value it handled last. */
export const LAST_PROCESSED_RESTART = "mcpserver.toolhive.stacklok.dev/last-processed-restart";
/** The condition type that reports restart annotations the operator cannot act on (only while they are bad). */
export const RESTART_CONDITION = "RestartAnnotationValid";

/** How the proxy pods restart. */
export type RestartStrategy = "rolling" | "immediate";

/** What the restart annotations ask for. */
export type RestartRequest =
  | { readonly kind: "none" }
  | { readonly kind: "invalid"; readonly message: string }
  | { readonly kind: "restart"; readonly at: string; readonly strategy: RestartStrategy };

/** RFC 3339 date-time: `2026-12-02T07:00:00Z`, fractions and offsets allowed. */
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** True when `value` is an RFC 3339 date-time that names a real instant. */
export function isRfc3339(value: string): boolean {
  return RFC3339.test(value) && !Number.isNaN(Date.parse(value));
}

/** What `annotations` ask for: nothing, a restart not yet handled, or a value that cannot be acted on. */
export function restartRequest(annotations: Readonly<Record<string, string>> | undefined): RestartRequest {
  const at = annotations?.[RESTARTED_AT];
  const strategy = annotations?.[RESTART_STRATEGY];
  if (strategy !== undefined && strategy !== "rolling" && strategy !== "immediate") {
    return {
      kind: "invalid",
      message: `Annotation ${RESTART_STRATEGY} is "${strategy}": use rolling or immediate; nothing was restarted`,
    };
  }
  if (at === undefined) return { kind: "none" };
  if (!isRfc3339(at)) {
    return {
      kind: "invalid",
      message:
        `Annotation ${RESTARTED_AT} is "${at}", not an RFC 3339 time: set it to e.g. $(date -u +%Y-%m-%dT%H:%M:%SZ); nothing was restarted`,
    };
  }
  if (annotations?.[LAST_PROCESSED_RESTART] === at) return { kind: "none" };
  return { kind: "restart", at, strategy: strategy ?? "rolling" };
}

/**
 * The `restarted-at` time the proxy pod template carries: a rolling restart being handled gives its time,
 * else the template keeps what it has (`live`), so neither an immediate restart nor a resync rolls it.
 */
export function templateRestartedAt(request: RestartRequest, live: string | undefined): string | undefined {
  return request.kind === "restart" && request.strategy === "rolling" ? request.at : live;
}
