/**
 * The authorization stage of the proxy's chain (innermost, as ToolHive's): a call of a tool, prompt or
 * resource the caller may not use is answered HTTP 403 with a JSON-RPC error and never reaches the server;
 * list answers (JSON or event stream, including the legacy `/sse` stream, filtered for its opener) keep only
 * what the caller may use; other methods pass when they are protocol plumbing and are denied otherwise.
 * @module
 */
import type { ChainDeps, Stage, StageFactory } from "../middleware/mod.ts";
import type { CallMiddleware } from "../mcp_call/mod.ts";
import { ErrorCode, type Message } from "../transport/mod.ts";
import type { RunConfig } from "../run_config.ts";
import type { Authorizer, Feature } from "./authorizer.ts";
import { isEventStream, rewriteAnswers } from "./answers.ts";
import { createCedarAuthorizer } from "./cedar.ts";
import { checkAuthzFile, readAuthzFile } from "./config.ts";
import { createHttpAuthorizer } from "./http_pdp.ts";
import { filterList, LIST_MENTIONS, listedFeature, ruleOf } from "./methods.ts";
import type { Logger } from "../log.ts";

type Id = string | number | null;

/** The JSON-RPC error code and message of a denial (ToolHive's). */
export const DENIED = { code: 403, message: "Unauthorized" } as const;

function denial(ids: readonly Id[], batch: boolean): Response {
  const errors = ids.map((id) => ({ jsonrpc: "2.0", id, error: { ...DENIED } }));
  return Response.json(batch ? errors : errors[0], { status: 403 });
}

/** The middleware enforcing `authorizer`. */
export function authorizationMiddleware(authorizer: Authorizer, log: Logger): CallMiddleware {
  return (next) => async (call) => {
    const { identity } = call;
    if (call.request.method !== "POST") {
      // GET streams (the legacy /sse stream, a resumed stream) carry answers to earlier POSTs: judged by shape.
      const res = await next(call);
      if (!isEventStream(res)) return res;
      return await rewriteAnswers(res, (m) => {
        const feature = listedFeature(m);
        return feature ? filterList(m, feature, identity, authorizer) : m;
      }, LIST_MENTIONS);
    }
    if (call.messages.length === 0) {
      if (call.body.byteLength === 0) return await next(call);
      const error = {
        jsonrpc: "2.0",
        id: null,
        error: { code: ErrorCode.ParseError, message: "Invalid or malformed MCP request" },
      };
      return Response.json(error, { status: 400 });
    }
    const lists = new Map<string | number, Feature>();
    const denied: Id[] = [];
    for (const m of call.messages) {
      const method = m.method;
      if (typeof method !== "string") continue; // the client answering the server
      const id = (m.id ?? null) as Id;
      const rule = ruleOf(method);
      if (rule.kind === "pass") continue;
      if (rule.kind === "list") {
        if (id !== null) lists.set(id, rule.feature);
        continue;
      }
      if (rule.kind === "deny") {
        denied.push(id);
        continue;
      }
      const target = targetOf(m, rule.feature);
      const args = m.params?.arguments;
      const allowed = target !== undefined && await authorizer.authorize({
        identity,
        feature: rule.feature,
        target,
        ...(args && typeof args === "object" && !Array.isArray(args)
          ? { arguments: args as Record<string, unknown> }
          : {}),
      });
      if (!allowed) {
        denied.push(id);
        log.debug("Denied MCP request", { subject: identity.subject, method, target });
      }
    }
    if (denied.length > 0) return denial(denied, call.messages.length > 1);
    const res = await next(call);
    if (lists.size === 0) return res;
    return await rewriteAnswers(res, (m) => {
      const feature = m.id !== undefined && m.id !== null ? lists.get(m.id) : undefined;
      return feature ? filterList(m, feature, identity, authorizer) : m;
    }, LIST_MENTIONS);
  };
}

function targetOf(m: Message, feature: Feature): string | undefined {
  const value = feature === "resource" ? m.params?.uri : m.params?.name;
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** The authorizer a RunConfig asks for; undefined when it asks for none. Throws a one-line TypeError. */
export async function authorizerOf(config: RunConfig, deps: ChainDeps): Promise<Authorizer | undefined> {
  const inline = config.authz_config;
  const path = config.authz_config_path;
  if (inline && path) {
    throw new TypeError(
      `RunConfig ${config.name}: authz_config and authz_config_path are both set: keep one of them`,
    );
  }
  if (!inline && !path) return undefined;
  const file = inline
    ? checkAuthzFile(inline, `authz_config of RunConfig ${config.name}`)
    : await readAuthzFile(path!, deps.readTextFile ?? Deno.readTextFile);
  const source = inline ? `authz_config of RunConfig ${config.name}` : path!;
  if (file.type === "cedarv1") return createCedarAuthorizer(file.cedar, { serverName: config.name, source });
  return createHttpAuthorizer(file.pdp, {
    serverName: config.name,
    log: deps.log,
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
  });
}

/** The `authorization` stage: `authz_config` (inline) or `authz_config_path` (a JSON or YAML file). */
export const authorizationFactory: StageFactory = {
  name: "authorization",
  keys: ["authz_config", "authz_config_path"],
  async build(config, deps): Promise<Stage | undefined> {
    const authorizer = await authorizerOf(config, deps);
    if (!authorizer) return undefined;
    return { middleware: authorizationMiddleware(authorizer, deps.log) };
  },
};
