/**
 * Content checksums that roll pods when what they use changes.
 * @module
 */
import { createHash } from "node:crypto";

/** Annotation on the RunConfig ConfigMap: checksum of its content. */
export const CONTENT_CHECKSUM = "toolhive.stacklok.dev/content-checksum";
/** Pod-template annotation of the proxy: checksum of the RunConfig. */
export const RUNCONFIG_CHECKSUM = "toolhive.stacklok.dev/runconfig-checksum";
/** Pod-template annotation of the proxy: checksum of the referenced Secrets and ConfigMaps it uses. */
export const REFERENCED_CHECKSUM = "toolhive.stacklok.dev/referenced-checksum";
/** Pod-template annotation of the proxy: the MCPServer generation it was built from. */
export const GENERATION_ANNOTATION = "toolhive.stacklok.dev/mcpserver-generation";
/**
 * Annotation on the MCPServer asking for a restart (RFC 3339), and on the proxy pod template the time of the
 * last rolling restart handled (the reconciler's restart.ts), as ToolHive stamps it.
 */
export const RESTARTED_AT = "mcpserver.toolhive.stacklok.dev/restarted-at";

/** SHA-256 (hex) over the entries of `data`, in key order, so equal content gives equal checksums. */
export function checksumOf(data: Readonly<Record<string, string>>): string {
  const hash = createHash("sha256");
  for (const key of Object.keys(data).sort()) {
    hash.update(key).update("\0").update(data[key]!).update("\0");
  }
  return hash.digest("hex");
}
