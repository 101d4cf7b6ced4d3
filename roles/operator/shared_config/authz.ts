/**
 * MCPAuthzConfig's checks beyond the schema (toolhive-crds.md §4, §16): a registered backend type, a
 * non-empty config, and the parts of the assembled authorization file a reader can check without a policy
 * engine (Cedar policies are parsed where they are enforced). ToolHive's messages. Also the assembly itself.
 * @module
 */
import { McpAuthzConfigSpec } from "../../../crds/mod.ts";
import { MCP_AUTHZ_CONFIG } from "../kinds.ts";
import type { SharedConfigKind } from "./kind.ts";

/** Backend type → the key of its options in the authorization file. */
export const AUTHZ_BACKENDS: Readonly<Record<string, string>> = { cedarv1: "cedar", httpv1: "pdp" };

const CLAIM_MAPPINGS = ["mpe", "standard"];
const CEDAR_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The authorization file of a spec: `{version: "1.0", type, <cedar|pdp>: config}` (RunConfig `authz_config`). */
export function authzFile(spec: McpAuthzConfigSpec): Record<string, unknown> {
  return { version: "1.0", type: spec.type, [AUTHZ_BACKENDS[spec.type] ?? spec.type]: spec.config };
}

type Fields = Record<string, unknown>;
const isObject = (v: unknown): v is Fields => typeof v === "object" && v !== null && !Array.isArray(v);

function cedarProblem(cedar: unknown): string | undefined {
  if (!isObject(cedar)) return "cedar configuration is required (missing 'cedar' field)";
  const policies = cedar.policies;
  if (policies !== undefined && (!Array.isArray(policies) || policies.some((p) => typeof p !== "string"))) {
    return "invalid cedarv1 configuration: policies must be a list of strings";
  }
  if (!Array.isArray(policies) || policies.length === 0) {
    return "at least one policy is required for Cedar authorization";
  }
  if (cedar.entities_json !== undefined && typeof cedar.entities_json !== "string") {
    return "invalid cedarv1 configuration: entities_json must be a string holding a JSON array";
  }
  const groupType = cedar.group_entity_type;
  if (typeof groupType === "string" && groupType !== "") {
    if (groupType.includes("::")) {
      return `group_entity_type "${groupType}" contains "::": namespaced entity types are not yet supported`;
    }
    if (!CEDAR_IDENTIFIER.test(groupType)) {
      return `group_entity_type "${groupType}" is not a valid Cedar identifier: ` +
        "it must start with a letter or underscore and hold only letters, digits and underscores";
    }
  }
  return undefined;
}

function httpProblem(pdp: unknown): string | undefined {
  if (!isObject(pdp) || !isObject(pdp.http)) return "http configuration is required";
  if (typeof pdp.http.url !== "string" || pdp.http.url === "") return "http.url is required";
  const mapping = pdp.claim_mapping;
  if (mapping === undefined || mapping === "") return "claim_mapping is required (valid values: mpe, standard)";
  if (typeof mapping !== "string" || !CLAIM_MAPPINGS.includes(mapping)) {
    return `invalid claim_mapping "${String(mapping)}" (valid values: mpe, standard)`;
  }
  return undefined;
}

/** What ToolHive's controller would report of an MCPAuthzConfig spec; the first problem. */
export function checkAuthzConfig(spec: McpAuthzConfigSpec): string | undefined {
  if (spec.type === "") return "type must not be empty";
  if (!(spec.type in AUTHZ_BACKENDS)) {
    return `type "${spec.type}" is not a registered authorizer backend ` +
      `(registered: [${Object.keys(AUTHZ_BACKENDS).join(" ")}])`;
  }
  if (Object.keys(spec.config ?? {}).length === 0) return "config must not be empty";
  return spec.type === "cedarv1" ? cedarProblem(spec.config) : httpProblem(spec.config);
}

/** MCPAuthzConfig. */
export const AUTHZ_CONFIG_KIND: SharedConfigKind = {
  kind: MCP_AUTHZ_CONFIG,
  finalizer: "mcpauthzconfig.toolhive.stacklok.dev/finalizer",
  spec: McpAuthzConfigSpec,
  validReason: "ConfigValid",
  invalidReason: "ConfigInvalid",
  check: checkAuthzConfig as (spec: never) => string | undefined,
};
