/**
 * The `httpv1` authorizer: an external policy decision point over HTTP (toolhive-crds.md §16). Each decision
 * is a POST of `{principal, operation, resource, context}` to `<url>/decision`, answered `{"allow": bool}`.
 * Fail closed: a timeout, a network error, a status other than 200 or an answer without `allow: true` is a
 * denial.
 * @module
 */
import type { Logger } from "../log.ts";
import type { Identity } from "../mcp_call/mod.ts";
import { ACTIONS, type Authorizer } from "./authorizer.ts";
import type { PdpOptions } from "./config.ts";

/** Options of {@linkcode createHttpAuthorizer}. */
export interface HttpAuthorizerOptions {
  /** The workload's name, in every resource's `mrn:mcp:<server>:...`. */
  readonly serverName: string;
  /** Logs why a decision failed (never the token). */
  readonly log: Logger;
  /** `fetch`; default the global one. */
  readonly fetch?: typeof fetch;
}

const strings = (v: unknown): string[] | undefined =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : typeof v === "string" ? [v] : undefined;

/** The PDP's principal of an identity, in the `standard` or `mpe` claim mapping. */
export function pdpPrincipal(identity: Identity, mapping: PdpOptions["claim_mapping"]): Record<string, unknown> {
  const c = identity.claims;
  const scopes = strings(c.scopes) ?? (typeof c.scope === "string" ? c.scope.split(" ").filter(Boolean) : undefined);
  const present = (o: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
  if (mapping === "standard") {
    return present({ sub: identity.subject, roles: strings(c.roles), groups: strings(c.groups), scopes });
  }
  return present({
    sub: identity.subject,
    mroles: strings(c.mroles ?? c.roles),
    mgroups: strings(c.mgroups ?? c.groups),
    scopes,
    mclearance: c.mclearance ?? c.clearance,
    mannotations: c.mannotations ?? c.annotations ?? {},
  });
}

/** Builds the HTTP decision-point authorizer. */
export function createHttpAuthorizer(options: PdpOptions, authorizer: HttpAuthorizerOptions): Authorizer {
  const endpoint = options.http.url.replace(/\/+$/, "") + "/decision";
  const timeoutMs = (options.http.timeout ?? 30) * 1000;
  const doFetch = authorizer.fetch ?? fetch;
  const annotations = new Map<string, Readonly<Record<string, unknown>>>();
  return {
    async authorize(query) {
      const { operation } = ACTIONS[query.feature];
      const mcp: Record<string, unknown> = {};
      if (options.context?.include_args && query.arguments) mcp.args = query.arguments;
      if (options.context?.include_operation) {
        Object.assign(mcp, { feature: query.feature, operation, resource_id: query.target });
      }
      const hints = query.feature === "tool" ? annotations.get(query.target) : undefined;
      if (hints) mcp.annotations = hints;
      const body = {
        principal: pdpPrincipal(query.identity, options.claim_mapping),
        operation: `mcp:${query.feature}:${operation}`,
        resource: `mrn:mcp:${authorizer.serverName}:${query.feature}:${query.target}`,
        context: Object.keys(mcp).length ? { mcp } : {},
      };
      try {
        const res = await doFetch(endpoint, {
          method: "POST",
          headers: { "content-type": "application/json", accept: "application/json" },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(timeoutMs),
        });
        if (res.status !== 200) {
          await res.body?.cancel();
          authorizer.log.warn("Denied: the decision point answered an error", { status: res.status, endpoint });
          return false;
        }
        const answer = await res.json() as { allow?: unknown };
        return answer?.allow === true;
      } catch (e) {
        authorizer.log.warn("Denied: the decision point did not answer", { endpoint, error: (e as Error).message });
        return false;
      }
    },
    learnTool(name, hints) {
      if (hints && Object.keys(hints).length) annotations.set(name, hints);
      else annotations.delete(name);
    },
  };
}
