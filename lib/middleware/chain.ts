/**
 * The proxy's middleware chain (decision 023), built once from a RunConfig for every role that proxies
 * (`thv run`, `thv proxy`, the proxy runner in a pod): each {@linkcode StageFactory} enforces some RunConfig
 * keys and builds its stage only when they ask for something. The order is ToolHive's: audit outermost (so
 * a 401 or 403 is audited), then authentication, outgoing authentication, telemetry, the mutating and then
 * the validating webhooks, and authorization innermost. `/health` and `/livez` pass without it; a stage may
 * answer paths of its own before authentication (RFC 9728 metadata). Fail closed: a guarding key with a
 * value that no stage enforces refuses the RunConfig.
 * @module
 */
import { type Handler, type Middleware, pathOf } from "../http/mod.ts";
import type { Logger } from "../log.ts";
import type { RunConfig } from "../run_config.ts";
import { type CallHandler, type CallMiddleware, type ProxyCall, readCall } from "../mcp_call/mod.ts";
import type { ProxyState } from "./proxy_state.ts";

/** What stages need besides the RunConfig. */
export interface ChainDeps {
  /** Logger. */
  readonly log: Logger;
  /** The environment snapshot the role read at its edge (secrets reach a pod as env vars). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Reads a file (mounted secrets, policy files); default `Deno.readTextFile`. */
  readonly readTextFile?: (path: string) => Promise<string>;
  /** `fetch` for identity providers, token endpoints, webhooks and decision points; default the global one. */
  readonly fetch?: typeof fetch;
  /** The proxy the chain runs in (sessions, health), bound once it is built; telemetry reports it. */
  readonly proxy?: ProxyState;
}

/** One built stage of the chain. */
export interface Stage {
  /** The middleware. */
  readonly middleware: CallMiddleware;
  /** Paths the stage answers itself, before authentication (e.g. `/.well-known/oauth-protected-resource`). */
  readonly routes?: (path: string, req: Request) => Response | Promise<Response> | undefined;
  /** Releases what the stage holds (exporters, timers). */
  readonly close?: () => Promise<void>;
  /** True for a stage that authenticates clients: the client's `Authorization` then never goes upstream. */
  readonly authenticates?: boolean;
}

/** Builds one stage from a RunConfig. */
export interface StageFactory {
  /** The stage's name, for errors and logs. */
  readonly name: string;
  /** The RunConfig keys it enforces. */
  readonly keys: readonly string[];
  /** The stage, or undefined when its keys ask for nothing. Throws a one-line TypeError for a bad config. */
  build(config: RunConfig, deps: ChainDeps): Promise<Stage | undefined>;
}

/**
 * A factory whose module is imported only when the RunConfig asks for one of `keys` (decision 013: a proxy
 * that needs no authentication never loads jose, Cedar or OpenTelemetry).
 * @example
 * ```ts
 * const authentication = lazyStage("authentication", ["oidc_config"], () =>
 *   lazyImport<typeof import("../auth/mod.ts")>(new URL("../auth/mod.ts", import.meta.url)).then((m) => m.factory));
 * ```
 */
export function lazyStage(
  name: string,
  keys: readonly string[],
  load: () => Promise<StageFactory>,
): StageFactory {
  return {
    name,
    keys,
    async build(config, deps) {
      const raw = config as unknown as Record<string, unknown>;
      if (!keys.some((k) => asksForSomething(k, raw[k]))) return undefined;
      return await (await load()).build(config, deps);
    },
  };
}

/** RunConfig keys that guard access: each must be enforced by a stage, or the RunConfig is refused. */
export const CHAIN_KEYS: Readonly<Record<string, string>> = {
  oidc_config: "OIDC authentication of clients",
  jwks_auth_token_file: "OIDC authentication of clients",
  authz_config: "authorization",
  authz_config_path: "authorization",
  audit_config: "audit logging",
  audit_config_path: "audit logging",
  token_exchange_config: "token exchange",
  remote_auth_config: "authentication to a remote server",
  validating_webhooks: "validating webhooks",
  mutating_webhooks: "mutating webhooks",
  embedded_auth_server_config: "the embedded authorization server",
  aws_sts_config: "AWS STS credentials",
};

/** Whether a key's value asks for anything: null, false, "" and empty lists or objects do not. */
export function asksForSomething(key: string, value: unknown): boolean {
  // ToolHive enables audit by the key's presence; thv's operator writes `enabled: false` for audit off.
  if (key === "audit_config") {
    return !!value && typeof value === "object" && (value as { enabled?: unknown }).enabled !== false;
  }
  if (value === undefined || value === null || value === false || value === "") return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === "object") return Object.keys(value).length > 0;
  return true;
}

/** The built chain of one proxy. */
export interface ProxyChain {
  /** Wraps the proxy's routes (inside its Host, Origin and body-size guards). */
  readonly middleware: Middleware;
  /** The names of the stages, outermost first. */
  readonly stages: readonly string[];
  /** Releases every stage. */
  close(): Promise<void>;
}

/** Paths that never pass the chain: probes of the proxy itself, which say nothing about the server's data. */
const PROBES = new Set(["/health", "/livez"]);

/** Options of {@linkcode buildChain}. */
export interface BuildChainOptions {
  /** The stage factories, outermost first. */
  readonly factories: readonly StageFactory[];
  /** Largest request body (as the proxy's own limit). */
  readonly maxBodyBytes?: number;
}

/**
 * The chain `config` asks for, from `factories` (outermost first); undefined when no stage is needed (then
 * the proxy runs as fast as without one). Throws a RangeError naming a key that asks for what no factory
 * enforces.
 */
export async function buildChain(
  config: RunConfig,
  deps: ChainDeps,
  options: BuildChainOptions,
): Promise<ProxyChain | undefined> {
  const raw = config as unknown as Record<string, unknown>;
  const enforced = new Set(options.factories.flatMap((f) => f.keys));
  const refused = Object.keys(CHAIN_KEYS).filter((k) => asksForSomething(k, raw[k]) && !enforced.has(k));
  if (refused.length > 0) {
    const asks = [...new Set(refused.map((k) => CHAIN_KEYS[k]))].join(", ");
    throw new RangeError(
      `RunConfig ${config.name}: ${refused.join(", ")} ask${refused.length > 1 ? "" : "s"} for ${asks}, ` +
        `which thv does not enforce yet: remove ${refused.length > 1 ? "them" : "it"} to run the server without it`,
    );
  }
  const built: Array<{ name: string; stage: Stage }> = [];
  try {
    for (const factory of options.factories) {
      const stage = await factory.build(config, deps);
      if (stage) built.push({ name: factory.name, stage });
    }
  } catch (e) {
    await Promise.allSettled(built.map((b) => b.stage.close?.()));
    throw e;
  }
  if (built.length === 0) return undefined;
  const maxBodyBytes = options.maxBodyBytes ?? 8 * 1024 * 1024;
  const dropAuthorization = built.some((b) => b.stage.authenticates);
  const routes = built.map((b) => b.stage.routes).filter((r) => r !== undefined);
  const middleware: Middleware = (next: Handler) => {
    const last: CallHandler = (call) => Promise.resolve(next(upstreamRequest(call, dropAuthorization)));
    const chained = built.reduceRight((inner, b) => b.stage.middleware(inner), last);
    return async (req) => {
      const path = pathOf(req.url);
      if (PROBES.has(path)) return await next(req);
      for (const route of routes) {
        const answer = route(path, req);
        if (answer) return await answer;
      }
      return await chained(await readCall(req, path, { maxBodyBytes }));
    };
  };
  return {
    middleware,
    stages: built.map((b) => b.name),
    async close() {
      await Promise.allSettled(built.map((b) => b.stage.close?.()));
    },
  };
}

/**
 * The request that goes on to the proxy: the call's (possibly rewritten) body, the client's headers less
 * its `Authorization` when the chain authenticated it (no token passthrough), plus the outgoing ones.
 */
function upstreamRequest(call: ProxyCall, dropAuthorization: boolean): Request {
  const req = call.request;
  const headers = new Headers(req.headers);
  if (dropAuthorization) headers.delete("authorization");
  for (const [k, v] of call.upstreamHeaders) headers.set(k, v);
  if (req.method === "POST") headers.set("content-length", String(call.body.byteLength));
  return new Request(req.url, {
    method: req.method,
    headers,
    signal: req.signal,
    ...(req.method === "POST" ? { body: call.body } : {}),
  });
}
