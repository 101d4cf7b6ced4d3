/**
 * The webhook stages (MCPWebhookConfig): after authentication, before authorization. The mutating stage
 * sends each MCP request or notification of a call to its webhooks in order; each may patch it (RFC 6902,
 * `patch_type: json_patch`, paths under `/mcp_request/`), and the patched message is what the next webhook,
 * the inner stages and the MCP server see. The validating stage then asks its webhooks in order; the first
 * `allowed: false` answers the client 403. A webhook that fails (timeout, network, bad answer) denies under
 * `failure_policy: fail` and is skipped under `ignore`; HTTP 422 always denies.
 * @module
 */
import type { ChainDeps, Stage } from "../middleware/mod.ts";
import { bodyOf, type Identity, operationOf, type ProxyCall } from "../mcp_call/mod.ts";
import type { Message } from "../transport/mod.ts";
import type { RunConfig, Webhook } from "../run_config.ts";
import { checkWebhooks, type WebhookKind } from "./config.ts";
import { WEBHOOK_API_VERSION, type WebhookClient, webhookClient, type WebhookRequest } from "./client.ts";
import { applyJsonPatch, type PatchOperation } from "./json_patch.ts";

/** A JSON-RPC error answer to `message`. */
function refuse(message: Message | undefined, status: number, text: string): Response {
  const id = typeof message?.id === "string" || typeof message?.id === "number" ? message.id : null;
  return Response.json({ jsonrpc: "2.0", id, error: { code: status < 500 ? -32600 : -32603, message: text } }, {
    status,
  });
}

/** The credential-free view of an identity that webhooks get (ToolHive's PrincipalInfo); null when anonymous. */
export function principalOf(identity: Identity): Record<string, unknown> | null {
  if (identity.anonymous) return null;
  const { name, email } = identity.claims;
  return {
    sub: identity.subject,
    ...(typeof name === "string" && name ? { name } : {}),
    ...(typeof email === "string" && email ? { email } : {}),
    claims: identity.claims,
  };
}

/** Builds the request a webhook gets for `message`. */
function requestFor(config: RunConfig, deps: ChainDeps, call: ProxyCall, message: Message): WebhookRequest {
  const forwarded = config.trust_proxy_headers
    ? call.request.headers.get("x-forwarded-for")?.split(",")[0]?.trim() ?? ""
    : "";
  const namespace = deps.env.POD_NAMESPACE;
  return {
    version: WEBHOOK_API_VERSION,
    uid: crypto.randomUUID(),
    timestamp: new Date().toISOString(),
    principal: principalOf(call.identity),
    mcp_request: message,
    context: {
      server_name: config.name,
      source_ip: forwarded,
      transport: config.transport,
      ...(namespace ? { namespace } : {}),
    },
  };
}

/** The webhooks of `kind` in `config`, their clients built; undefined when there are none. */
async function clientsOf(kind: WebhookKind, config: RunConfig, deps: ChainDeps): Promise<WebhookClient[] | undefined> {
  const hooks: readonly Webhook[] = (kind === "mutating" ? config.mutating_webhooks : config.validating_webhooks) ??
    [];
  if (hooks.length === 0) return undefined;
  checkWebhooks(kind, hooks);
  const clients: WebhookClient[] = [];
  try {
    for (const hook of hooks) {
      clients.push(
        await webhookClient(kind, hook, {
          readTextFile: deps.readTextFile ?? Deno.readTextFile,
          log: deps.log,
          ...(deps.fetch ? { fetch: deps.fetch } : {}),
        }),
      );
    }
  } catch (e) {
    for (const c of clients) c.close();
    throw e;
  }
  return clients;
}

/** The validating stage, or undefined when `validating_webhooks` is empty. */
export async function validatingStage(config: RunConfig, deps: ChainDeps): Promise<Stage | undefined> {
  const clients = await clientsOf("validating", config, deps);
  if (!clients) return undefined;
  return {
    middleware: (next) => async (call) => {
      for (const message of call.messages) {
        if (!operationOf(message)) continue;
        const request = requestFor(config, deps, call, message);
        for (const client of clients) {
          const outcome = await client.call(request, call.request.signal);
          const hook = client.hook.name;
          if (outcome.kind === "answer") {
            if (outcome.response.allowed) continue;
            deps.log.info("Validating webhook denied request", {
              webhook: hook,
              reason: outcome.response.reason,
              message: outcome.response.message,
            });
            const why = outcome.response.message;
            return refuse(message, 403, why ? `Request denied by policy: ${why}` : "Request denied by policy");
          }
          if (outcome.kind === "failure" && client.hook.failure_policy === "ignore") {
            deps.log.warn("Validating webhook error ignored (failure_policy ignore)", {
              webhook: hook,
              error: outcome.error,
            });
            continue;
          }
          deps.log.warn("Validating webhook denied request", { webhook: hook, error: outcome.error });
          return refuse(message, 403, "Request denied by policy");
        }
      }
      return await next(call);
    },
    close: () => {
      for (const c of clients) c.close();
      return Promise.resolve();
    },
  };
}

/** A mutating webhook's failure: under `ignore` the message goes on unchanged, else the client gets `status`. */
class MutationRefused extends Error {
  constructor(readonly status: number, message: string, readonly ignorable: boolean) {
    super(message);
  }
}

/** The message `client`'s answer makes of `current`; throws a {@linkcode MutationRefused}. */
async function mutated(client: WebhookClient, request: WebhookRequest, signal: AbortSignal): Promise<Message> {
  const current = request.mcp_request as Message;
  const outcome = await client.call(request, signal);
  if (outcome.kind === "deny") throw new MutationRefused(422, "Request denied by webhook policy", false);
  if (outcome.kind === "failure") throw new MutationRefused(500, "Webhook error", true);
  const { response } = outcome;
  if (!response.allowed) throw new MutationRefused(403, "Request denied by webhook policy", false);
  if (!response.patch_type || response.patch === undefined || response.patch === null) return current;
  if (response.patch_type !== "json_patch") {
    throw new MutationRefused(500, "Unsupported patch type from webhook", true);
  }
  const patch = response.patch;
  if (!Array.isArray(patch) || patch.some((op) => !op || typeof op !== "object")) {
    throw new MutationRefused(500, "Malformed patch from webhook", true);
  }
  const scoped = (p: unknown) => typeof p === "string" && p.startsWith("/mcp_request/");
  if (!patch.every((op) => scoped(op.path) && (op.from === undefined || scoped(op.from)))) {
    throw new MutationRefused(500, "Patch must be scoped to mcp_request", true);
  }
  let result: unknown;
  try {
    result = (applyJsonPatch({ mcp_request: current }, patch as PatchOperation[]) as { mcp_request?: unknown })
      .mcp_request;
  } catch {
    throw new MutationRefused(500, "Failed to apply patch from webhook", true);
  }
  const next = result as Message | undefined;
  // The answer goes back by id: a patch may change what is asked, never which request it is.
  if (
    !next || typeof next !== "object" || Array.isArray(next) || typeof next.method !== "string" ||
    next.id !== current.id
  ) {
    throw new MutationRefused(500, "Webhook produced an invalid MCP request", true);
  }
  return next;
}

/** The mutating stage, or undefined when `mutating_webhooks` is empty. */
export async function mutatingStage(config: RunConfig, deps: ChainDeps): Promise<Stage | undefined> {
  const clients = await clientsOf("mutating", config, deps);
  if (!clients) return undefined;
  return {
    middleware: (next) => async (call) => {
      let changed = false;
      const messages: Message[] = [];
      for (const original of call.messages) {
        let message = original;
        if (operationOf(original)) {
          for (const client of clients) {
            try {
              const out = await mutated(client, requestFor(config, deps, call, message), call.request.signal);
              if (out !== message) changed = true;
              message = out;
            } catch (e) {
              if (!(e instanceof MutationRefused)) throw e;
              if (e.ignorable && client.hook.failure_policy === "ignore") {
                deps.log.warn("Mutating webhook error ignored (failure_policy ignore)", {
                  webhook: client.hook.name,
                  error: e.message,
                });
                continue;
              }
              deps.log.warn("Mutating webhook refused request", { webhook: client.hook.name, error: e.message });
              return refuse(original, e.status, e.message);
            }
          }
        }
        messages.push(message);
      }
      if (changed) {
        const batch = call.body.find((b) => b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09) === 0x5b;
        call.messages = messages;
        call.body = bodyOf(messages, batch);
      }
      return await next(call);
    },
    close: () => {
      for (const c of clients) c.close();
      return Promise.resolve();
    },
  };
}
