/**
 * The `cedarv1` authorizer on the official Cedar engine (`@cedar-policy/cedar-wasm`), with ToolHive's entity
 * model (toolhive-crds.md §16): principal `Client::"<sub>"` with `claim_<name>` attributes and group parents,
 * action `Action::"call_tool" | "get_prompt" | "read_resource"`, resource `Tool::`/`Prompt::`/`Resource::`
 * with `name`, `operation`, `feature`, `arg_<name>` (and a tool's annotations), parent `MCP::"<server>"`;
 * context = the `claim_*` and `arg_*` entries. Allow only on an Allow without evaluation errors.
 *
 * Policies are parsed once (`preparsePolicySet`); a decision costs the engine about 0.1 ms, so decisions
 * are cached by their exact input (identity, action, resource, arguments, annotations): Cedar is
 * deterministic over them, and policies and entities do not change while the stage lives.
 * @module
 */
import * as cedar from "@cedar-policy/cedar-wasm/nodejs";
import type { CedarValueJson, EntityJson } from "@cedar-policy/cedar-wasm/nodejs";
import type { Identity } from "../mcp_call/mod.ts";
import { ACTIONS, type Authorizer, type AuthzQuery, type Feature } from "./authorizer.ts";
import { argumentAttributes, claimAttributes } from "./cedar_values.ts";
import type { CedarOptions } from "./config.ts";

const RESOURCE_TYPES: Readonly<Record<Feature, string>> = { tool: "Tool", prompt: "Prompt", resource: "Resource" };
const DEFAULT_GROUP_CLAIMS = ["groups", "roles", "cognito:groups"];
const ANNOTATION_HINTS = ["readOnlyHint", "destructiveHint", "idempotentHint", "openWorldHint"];
const CACHE_LIMIT = 10_000;
/** Arguments longer than this (as JSON) are not cached: the key would cost more than it saves. */
const CACHE_ARGS_LIMIT = 1024;

let policySets = 0;

/** The principal of one identity, computed once per identity. */
interface Principal {
  readonly key: string;
  readonly entity: EntityJson;
  readonly groups: readonly EntityJson[];
  readonly claims: Record<string, CedarValueJson>;
}

/** Options of {@linkcode createCedarAuthorizer}. */
export interface CedarAuthorizerOptions {
  /** The workload's name: the `MCP::"<name>"` parent of every resource. */
  readonly serverName: string;
  /** Where the config came from, for errors. */
  readonly source: string;
}

const uidKey = (uid: { type: string; id: string }) => `${uid.type}\u0000${uid.id}`;

function uidOf(entity: EntityJson): { type: string; id: string } {
  const uid = entity.uid as { type: string; id: string } | { __entity: { type: string; id: string } };
  return "__entity" in uid ? uid.__entity : uid;
}

/** The value at a dot path (`realm_access.roles`), or the claim of that exact name. */
function claimAt(claims: Readonly<Record<string, unknown>>, path: string): unknown {
  if (path in claims) return claims[path];
  let value: unknown = claims;
  for (const part of path.split(".")) {
    if (!value || typeof value !== "object") return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

const stringsOf = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : typeof v === "string" ? [v] : [];

/** Builds the Cedar authorizer; throws a one-line TypeError naming the policy or field that does not parse. */
export function createCedarAuthorizer(options: CedarOptions, authorizer: CedarAuthorizerOptions): Authorizer {
  const { source, serverName } = authorizer;
  const staticPolicies: Record<string, string> = {};
  options.policies.forEach((p, i) => (staticPolicies[`policy${i}`] = p));
  for (const [id, text] of Object.entries(staticPolicies)) {
    const answer = cedar.checkParsePolicySet({ staticPolicies: { [id]: text } });
    if (answer.type === "failure") {
      const why = answer.errors.map((e) => e.message).join("; ");
      throw new TypeError(
        `Authorization config ${source}: cedar.policies[${id.slice(6)}] does not parse: ${why}`,
      );
    }
  }
  const setId = `thv-authz-${++policySets}`;
  const prepared = cedar.preparsePolicySet(setId, { staticPolicies });
  if (prepared.type === "failure") {
    throw new TypeError(
      `Authorization config ${source}: cedar.policies: ${prepared.errors.map((e) => e.message).join("; ")}`,
    );
  }
  const staticEntities = parseEntities(options.entities_json, source);
  const staticByUid = new Map(staticEntities.map((e) => [uidKey(uidOf(e)), e]));
  /**
   * The request's entities with entities_json's: one with the uid of a request entity (a `Client` given
   * teams, a `Tool` given attributes) is merged into it, the request's attributes winning.
   */
  const mergeStatic = (own: EntityJson[]): EntityJson[] => {
    const merged = own.map((e) => {
      const fixed = staticByUid.get(uidKey(uidOf(e)));
      return fixed
        ? { uid: e.uid, attrs: { ...fixed.attrs, ...e.attrs }, parents: [...fixed.parents, ...e.parents] }
        : e;
    });
    const taken = new Set(own.map((e) => uidKey(uidOf(e))));
    return [...merged, ...staticEntities.filter((e) => !taken.has(uidKey(uidOf(e))))];
  };
  const groupType = options.group_entity_type || "THVGroup";
  const multiValued = new Set(options.multi_valued_claims ?? []);
  const serverParent = { type: "MCP", id: serverName };
  const annotations = new Map<string, Record<string, CedarValueJson>>();
  const decisions = new Map<string, boolean>();
  const principals = new WeakMap<Identity, Principal>();

  const groupsOf = (claims: Readonly<Record<string, unknown>>): string[] => {
    const groups = options.group_claim_name
      ? stringsOf(claimAt(claims, options.group_claim_name))
      : stringsOf(DEFAULT_GROUP_CLAIMS.map((c) => claims[c]).find((v) => v !== undefined));
    const roles = options.role_claim_name ? stringsOf(claimAt(claims, options.role_claim_name)) : [];
    return [...new Set([...groups, ...roles])];
  };

  const principalOf = (identity: Identity): Principal => {
    let p = principals.get(identity);
    if (p) return p;
    const claims = claimAttributes(identity.claims, multiValued);
    const parents = groupsOf(identity.claims).map((g) => ({ type: groupType, id: g }));
    p = {
      // The claims themselves, not the token: introspection may answer other claims for the same token.
      key: JSON.stringify([identity.subject, identity.claims]),
      entity: { uid: { type: "Client", id: identity.subject }, attrs: claims, parents },
      groups: parents.map((uid) => ({ uid, attrs: {}, parents: [] })),
      claims,
    };
    principals.set(identity, p);
    return p;
  };

  const decide = (query: AuthzQuery, principal: Principal): boolean => {
    const { action, operation } = ACTIONS[query.feature];
    const args = argumentAttributes(query.arguments);
    const resourceUid = { type: RESOURCE_TYPES[query.feature], id: query.target };
    const resourceAttrs: Record<string, CedarValueJson> = {
      name: query.target,
      operation,
      feature: query.feature,
      ...(query.feature === "resource" ? { uri: query.target } : {}),
      ...(query.feature === "tool" ? annotations.get(query.target) : undefined),
      ...args,
    };
    const actionUid = { type: "Action", id: action };
    const requestEntities: EntityJson[] = [
      principal.entity,
      { uid: actionUid, attrs: { operation: action }, parents: [] },
      { uid: resourceUid, attrs: resourceAttrs, parents: [serverParent] },
      ...principal.groups,
    ];
    const entities = staticEntities.length === 0 ? requestEntities : mergeStatic(requestEntities);
    let answer: ReturnType<typeof cedar.statefulIsAuthorized>;
    try {
      answer = cedar.statefulIsAuthorized({
        principal: principal.entity.uid,
        action: actionUid,
        resource: resourceUid,
        context: { ...principal.claims, ...args },
        preparsedPolicySetId: setId,
        entities,
      });
    } catch {
      return false; // the engine refused the request (e.g. malformed entities): deny
    }
    return answer.type === "success" && answer.response.decision === "allow" &&
      answer.response.diagnostics.errors.length === 0;
  };

  return {
    authorize(query) {
      if (!query.identity.subject) return false;
      const principal = principalOf(query.identity);
      const argsJson = query.arguments ? JSON.stringify(query.arguments) : "";
      if (argsJson.length > CACHE_ARGS_LIMIT) return decide(query, principal);
      const key = `${principal.key}\u0000${query.feature}\u0000${query.target}\u0000${argsJson}`;
      const cached = decisions.get(key);
      if (cached !== undefined) return cached;
      const allowed = decide(query, principal);
      if (decisions.size >= CACHE_LIMIT) decisions.clear();
      decisions.set(key, allowed);
      return allowed;
    },
    learnTool(name, hints) {
      const attrs: Record<string, CedarValueJson> = {};
      for (const h of ANNOTATION_HINTS) if (typeof hints?.[h] === "boolean") attrs[h] = hints[h] as boolean;
      const before = annotations.get(name);
      if (JSON.stringify(before ?? {}) === JSON.stringify(attrs)) return;
      if (Object.keys(attrs).length) annotations.set(name, attrs);
      else annotations.delete(name);
      decisions.clear(); // a tool's hints are part of the decision's input
    },
  };

  function parseEntities(json: string | undefined, from: string): EntityJson[] {
    if (!json || json.trim() === "") return [];
    let value: unknown;
    try {
      value = JSON.parse(json);
    } catch (e) {
      throw new TypeError(`Authorization config ${from}: cedar.entities_json is not JSON: ${(e as Error).message}`);
    }
    if (!Array.isArray(value)) {
      throw new TypeError(`Authorization config ${from}: cedar.entities_json must be an array`);
    }
    const answer = cedar.checkParseEntities({ entities: value as EntityJson[] });
    if (answer.type === "failure") {
      throw new TypeError(
        `Authorization config ${from}: cedar.entities_json: ${answer.errors.map((e) => e.message).join("; ")}`,
      );
    }
    return value as EntityJson[];
  }
}
