/**
 * What the shared-config controller needs to know of one kind (MCPToolConfig, MCPOIDCConfig, …): its schema,
 * finalizer, the reasons of its `Valid` condition, and the checks beyond the schema that its controller runs
 * on a stored spec (toolhive-crds.md §0.5). Each kind is a value of this interface; one controller serves all.
 * @module
 */
import type { z } from "zod";
import { McpToolConfigSpec } from "../../../crds/mod.ts";
import type { Kind } from "../../../lib/k8s/mod.ts";
import { MCP_TOOL_CONFIG } from "../kinds.ts";
import { ToolFilter } from "../../../lib/transport/mod.ts";
import { AUTHZ_CONFIG_KIND } from "./authz.ts";
import { OIDC_CONFIG_KIND } from "./oidc.ts";
import { WEBHOOK_CONFIG_KIND } from "./webhook.ts";

/** One shared-config kind. */
export interface SharedConfigKind {
  /** The informed kind (its apiVersion is the version read and written). */
  readonly kind: Kind;
  /** The finalizer that holds deletion while workloads reference the object. */
  readonly finalizer: string;
  /** The schema of `spec`, as the API server stores it (defaults applied). */
  readonly spec: z.ZodType;
  /** Reason of `Valid=True`. */
  readonly validReason: string;
  /** Reason of `Valid=False`. */
  readonly invalidReason: string;
  /**
   * Checks a parsed spec beyond the schema; resolves to the problem (one line, naming the field) or undefined.
   * Pure: no I/O.
   */
  readonly check?: (spec: never) => string | undefined;
}

/** The problem the proxy would refuse an MCPToolConfig's filter and override for (two tools one name, …). */
function toolConfigProblem(spec: z.output<typeof McpToolConfigSpec>): string | undefined {
  try {
    ToolFilter.of({ tools_filter: spec.toolsFilter, tools_override: spec.toolsOverride });
    return undefined;
  } catch (e) {
    return (e as Error).message.replaceAll("tools_override", "spec.toolsOverride").replaceAll(
      "tools_filter",
      "spec.toolsFilter",
    );
  }
}

/** MCPToolConfig: beyond the schema, a filter and override the proxy can apply. */
export const TOOL_CONFIG_KIND: SharedConfigKind = {
  kind: MCP_TOOL_CONFIG,
  finalizer: "toolhive.stacklok.dev/toolconfig-finalizer",
  spec: McpToolConfigSpec,
  validReason: "ValidationSucceeded",
  invalidReason: "ValidationFailed",
  check: toolConfigProblem as (spec: never) => string | undefined,
};

/** Every shared-config kind the operator reconciles. */
export const SHARED_CONFIG_KINDS: readonly SharedConfigKind[] = [
  TOOL_CONFIG_KIND,
  OIDC_CONFIG_KIND,
  AUTHZ_CONFIG_KIND,
  WEBHOOK_CONFIG_KIND,
];
