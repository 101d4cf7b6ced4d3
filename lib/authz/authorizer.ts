/**
 * What an authorizer decides: may this identity use this tool, prompt or resource. The Cedar engine
 * (`cedarv1`) and an external decision point over HTTP (`httpv1`) both answer it; default deny.
 * @module
 */
import type { Identity } from "../mcp_call/mod.ts";

/** The kinds of things MCP clients use. */
export type Feature = "tool" | "prompt" | "resource";

/** One question to an authorizer. */
export interface AuthzQuery {
  /** Who asks. */
  readonly identity: Identity;
  /** What kind of thing. */
  readonly feature: Feature;
  /** The tool or prompt name, or the resource URI. */
  readonly target: string;
  /** The call's arguments (none when a list answer is filtered). */
  readonly arguments?: Readonly<Record<string, unknown>>;
}

/** Decides queries; throws nothing: an error is a denial. */
export interface Authorizer {
  /** True only when the query is allowed. */
  authorize(query: AuthzQuery): boolean | Promise<boolean>;
  /** Tool annotations (`readOnlyHint`, ...) seen in a `tools/list` answer, for later calls of the tool. */
  learnTool?(name: string, annotations: Readonly<Record<string, unknown>> | undefined): void;
}

/** Cedar action ids and operations by feature (toolhive-crds.md §16). */
export const ACTIONS: Readonly<Record<Feature, { readonly action: string; readonly operation: string }>> = {
  tool: { action: "call_tool", operation: "call" },
  prompt: { action: "get_prompt", operation: "get" },
  resource: { action: "read_resource", operation: "read" },
};
